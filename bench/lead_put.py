"""The sync PUT, `/api/v1/me` and the home page `/visits` as the trust lead of a
12,000-teacher trust, beside the same requests by a coach of thirty teachers in the same
trust: milliseconds each (median, one request at a time through the app on PostgreSQL),
and the size of `/me`.

`python -m bench lead_put` (about a minute: most of it is making the trust).
"""

from __future__ import annotations

import uuid

from bench import support
from bench.sync import capture
from bench.table import Row, at_most

RUNS = 25
GOAL = 2.0


def _put_ms(client, teacher_id: int) -> float:
    headers = {"X-CSRFToken": client.csrf_token}

    def put() -> None:
        answer = client.put(
            f"/api/v1/visits/{uuid.uuid4()}", json=capture(teacher_id), headers=headers
        )
        assert answer.status_code == 201, answer.get_data(as_text=True)

    put()
    return support.median_ms(put, RUNS)


def _get(client, path: str) -> tuple[float, int]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return support.median_ms(lambda: client.get(path).get_data(), RUNS), len(answer.get_data())


def measure() -> list[Row]:
    with support.throwaway_postgres() as url:
        app = support.make_app(url)
        with app.app_context():
            trust = support.make_large_trust()
        school_id = trust["school_ids"][0]
        teacher_id = trust["staff"][school_id][0][0]  # coached by c0@s0.bench
        lead = support.signed_in_client(app, "trust.lead@large.bench")
        coach = support.signed_in_client(app, "c0@s0.bench")
        coach_ms, lead_ms = _put_ms(coach, teacher_id), _put_ms(lead, teacher_id)
        (coach_me, coach_size), (lead_me, lead_size) = (
            _get(coach, "/api/v1/me"),
            _get(lead, "/api/v1/me"),
        )
        (coach_home, _), (lead_home, _) = _get(coach, "/visits"), _get(lead, "/visits")
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
    print(
        f"  PUT: coach {coach_ms:.1f} ms, trust lead {lead_ms:.1f} ms; /me: coach "
        f"{coach_me:.1f} ms ({coach_size:,} B), trust lead {lead_me:.1f} ms ({lead_size:,} B); "
        f"/visits: coach {coach_home:.1f} ms, trust lead {lead_home:.1f} ms",
        flush=True,
    )
    put_ratio, put_met = at_most(lead_ms / coach_ms, GOAL)
    home_ratio, home_met = at_most(lead_home / coach_home, GOAL)
    listed = lead_size < 100 * 1024  # 12,000 teachers would be about 1 MB
    return [
        Row(
            "PUT as a trust lead, 12,000 teachers",
            f"{lead_ms:.1f} ms",
            f"coach's PUT {coach_ms:.1f} ms",
            f"{put_ratio}×",
            f"≤ {GOAL:.0f}×",
            put_met,
        ),
        Row(
            "  GET /api/v1/me as that trust lead",
            f"{lead_me:.1f} ms, {lead_size / 1024:.1f} KiB",
            f"coach's {coach_me:.1f} ms, {coach_size / 1024:.1f} KiB",
            f"{lead_me / coach_me:.2f}×",
            "not 12,000 teachers listed",
            listed,
        ),
        Row(
            "  GET /visits (home) as that trust lead",
            f"{lead_home:.1f} ms",
            f"coach's {coach_home:.1f} ms",
            f"{home_ratio}×",
            f"≤ {GOAL:.0f}×",
            home_met,
        ),
    ]
