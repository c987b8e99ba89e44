"""The audit trail reads in words and in the trust's time zone, never a raw dictionary."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import sqlalchemy as sa

from app.admin.audit_trail import trust_timezone
from app.extensions import db
from app.models import AuditEvent, LibraryStep
from tests.admin_world import admin, world  # noqa: F401  (pytest fixtures)
from tests.factories import make_school, make_trust


def audit_html(client, trust) -> str:
    return unescape(client.get(f"/admin/trusts/{trust.id}/audit").get_data(as_text=True))


def event_lines(html: str, summary: str) -> list[str]:
    row = html.split(summary)[1].split("</tr>")[0]
    return re.findall(r"<li>([^<]*)</li>", row)


def test_an_edit_reads_as_old_and_new_in_words(world, admin, client):
    trust, a1 = world["trust_a"], world["a1"]
    admin(
        f"/admin/trusts/{trust.id}/library",
        {"school_id": a1.id, "category": "Questioning", "title": "Wait", "guidance": "Count."},
    )
    step = db.session.scalar(sa.select(LibraryStep).where(LibraryStep.title == "Wait"))
    admin(
        f"/admin/library/{step.id}",
        {
            f"step-{step.id}-school_id": 0,
            f"step-{step.id}-category": "Questioning",
            f"step-{step.id}-title": "Wait three seconds",
            f"step-{step.id}-guidance": "Count to three.",
        },
    )
    html = audit_html(client, trust)
    assert event_lines(html, "Edited the step 'Wait three seconds'") == [
        "Title: 'Wait' → 'Wait three seconds'",
        "Guidance: 'Count.' → 'Count to three.'",
        "School: 'Alder' → all schools",
    ]
    assert event_lines(html, "Added the step 'Wait'") == ["Category: Questioning", "School: Alder"]
    table = html.split("<table")[1].split("</table>")[0]
    assert "{" not in table and "[" not in table
    assert "step_id" not in table and "changes:" not in table.lower()


def test_a_school_and_a_persons_changes_read_in_words(world, admin, client):
    a1 = world["a1"]
    admin(
        f"/admin/schools/{a1.id}",
        {
            "school-name": "Alder",
            "school-slug": "a1",
            "school-timezone": "Europe/London",
            "school-cadence": "weekly",
        },
    )
    admin(
        f"/admin/schools/{a1.id}/staff/{world['teacher'].id}",
        {"name": "Tia Teach", "roles": ["teacher", "lead"]},
    )
    html = audit_html(client, world["trust_a"])
    assert "Cadence: 'fortnightly' → 'weekly'" in event_lines(html, "Changed Alder: cadence")
    person = event_lines(html, "Changed Tia Teach at Alder")
    assert "Name: 'Tia Teacher' → 'Tia Teach'" in person
    assert "Roles added: school lead" in person and "Roles removed: none" in person


def test_times_are_in_the_trusts_time_zone(world, admin, client):
    trust = world["trust_a"]
    db.session.add(
        AuditEvent(
            trust_id=trust.id,
            action="pair.end",
            summary="A summer change",
            details={"on": "2026-07-01"},
            created_at=datetime(2026, 7, 1, 11, 30, tzinfo=UTC),
        )
    )
    db.session.commit()
    html = audit_html(client, trust)
    assert "Times are in the trust's time zone, Europe/London." in html
    row = html.split("A summer change")[0].rsplit("<tr>", 1)[1]
    assert '<time datetime="2026-07-01T11:30:00+00:00">1 Jul 2026, 12:30</time>' in row
    assert event_lines(html, "A summer change") == ["On: 1 Jul 2026"]

    for school in trust.schools:
        school.timezone = "Asia/Dubai"
    db.session.commit()
    html = audit_html(client, trust)
    assert "1 Jul 2026, 15:30" in html and "Asia/Dubai." in html


def test_the_trusts_time_zone_is_most_of_its_schools(app):
    trust = make_trust("Zones")
    assert trust_timezone(trust) == "Europe/London"
    make_school(trust, "z1", timezone="Asia/Dubai")
    db.session.refresh(trust)
    assert trust_timezone(trust) == "Asia/Dubai"
    make_school(trust, "z2", timezone="Europe/London")
    db.session.refresh(trust)
    assert trust_timezone(trust) == "Europe/London"  # a tie goes to the default
    make_school(trust, "z3", timezone="Asia/Dubai")
    db.session.refresh(trust)
    assert trust_timezone(trust) == "Asia/Dubai"
