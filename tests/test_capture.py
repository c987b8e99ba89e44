"""The capture page, the outbox page, the sync session, and the installable shell over
HTTP (the browser behaviour is in tests/browser/capture/)."""

import json
import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import (
    make_library_step,
    make_pair,
    make_school,
    make_trust,
    make_user,
    make_visit,
)

CAPTURE_DATA = re.compile(r'<script type="application/json" id="capture-data">(.*?)</script>', re.S)


def capture_data(html: str) -> dict:
    match = CAPTURE_DATA.search(html)
    assert match, "the capture page embeds its data"
    return json.loads(match.group(1))


def coach_with_coachees():
    trust = make_trust()
    school = make_school(trust, name="Oak School")
    other_trust = make_trust()
    coach = make_user("coach@example.test", roles=[(school, "coach")])
    mine = make_user("mine@example.test", name="Zoe Mine", roles=[(school, "teacher")])
    former = make_user("former@example.test", name="Fay Former", roles=[(school, "teacher")])
    stranger = make_user("stranger@example.test", roles=[(school, "teacher")])
    make_pair(coach, mine, school)
    make_pair(coach, former, school, until=datetime.now(UTC).date() - timedelta(days=1))
    return trust, other_trust, school, coach, mine, former, stranger


def test_capture_page_embeds_the_coachs_teachers_current_steps_and_library(app, client, auth):
    trust, other_trust, school, coach, mine, former, stranger = coach_with_coachees()
    older = make_visit(coach, mine, school, datetime.now(UTC) - timedelta(days=20), "Old step")
    latest = make_visit(
        coach,
        mine,
        school,
        datetime.now(UTC) - timedelta(days=3),
        "Pause after questions",
        status="practising",
    )
    make_library_step(trust, title="Cold call after the pause")
    make_library_step(other_trust, title="Another trust's step")
    db.session.commit()
    auth.login("coach@example.test")

    response = client.get("/visits/new")

    assert response.status_code == 200
    data = capture_data(response.get_data(as_text=True))
    assert data["user_id"] == coach.id
    assert [t["name"] for t in data["teachers"]] == ["Zoe Mine"]
    step = data["teachers"][0]["current_step"]
    assert step["visit_id"] == str(latest.id) != str(older.id)
    assert (step["text"], step["status"]) == ("Pause after questions", "practising")
    assert [s["title"] for s in data["library"]] == ["Cold call after the pause"]


def test_capture_page_holds_only_the_steps_usable_for_the_coachs_teachers(app, client, auth):
    """Trust-wide steps and those of the coachees' schools; not another school's own steps
    (same trust), nor retired ones."""
    trust, _, school, *_ = coach_with_coachees()
    other_school = make_school(trust, name="Elm School")
    make_library_step(trust, title="Trust-wide step")
    make_library_step(trust, school, title="Oak's own step")
    make_library_step(trust, other_school, title="Elm's own step")
    retired = make_library_step(trust, school, title="Retired step")
    retired.retired_at = datetime.now(UTC)
    db.session.commit()
    auth.login("coach@example.test")

    data = capture_data(client.get("/visits/new").get_data(as_text=True))

    assert sorted(s["title"] for s in data["library"]) == ["Oak's own step", "Trust-wide step"]


def test_capture_page_has_the_labelled_fields_and_no_inline_code(app, client, auth):
    coach_with_coachees()
    db.session.commit()
    auth.login("coach@example.test")
    html = client.get("/visits/new").get_data(as_text=True)
    labels = [
        ("teacher", "Teacher"),
        ("class-name", "Class"),
        ("subject", "Subject"),
        ("notes", "Notes"),
        ("photos", "Photos"),
        ("action-step", "Action step"),
    ]
    for field_id, label in labels:
        assert f'<label for="{field_id}"' in html and f">{label}</label>" in html
    assert 'accept="image/*" capture="environment" multiple' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    executable = re.findall(r"<script(?![^>]*(?:src=|type=\"application/json\"))", html)
    assert executable == []
    assert " style=" not in html and "<style" not in html


def test_embedded_json_cannot_break_out_of_its_script_block(app, client, auth):
    trust, _, school, coach, mine, *_ = coach_with_coachees()
    make_visit(coach, mine, school, step_text="</script><script>alert(1)</script>")
    db.session.commit()
    auth.login("coach@example.test")
    html = client.get("/visits/new").get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    assert capture_data(html)["teachers"][0]["current_step"]["text"].startswith("</script>")


def test_capture_and_outbox_pages_need_sign_in(client):
    for path in ("/visits/new", "/outbox"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_outbox_page_renders_for_a_signed_in_coach(app, client, auth):
    coach_with_coachees()
    db.session.commit()
    auth.login("coach@example.test")
    html = client.get("/outbox").get_data(as_text=True)
    assert "Waiting to sync" in html and "data-outbox-page" in html


def test_sync_session_gives_a_fresh_token_and_the_user_or_401_json(app, client, auth):
    _, _, _, coach, *_ = coach_with_coachees()
    db.session.commit()

    signed_out = client.get("/capture/session")
    assert signed_out.status_code == 401
    assert signed_out.is_json and "Location" not in signed_out.headers

    auth.login("coach@example.test")
    session = client.get("/capture/session")
    assert session.status_code == 200
    assert session.headers["Cache-Control"] == "no-store"
    body = session.get_json()
    assert body["user_id"] == coach.id
    page_token = csrf_token_from(client.get("/visits/new").get_data(as_text=True))
    assert body["csrf_token"] and page_token  # both valid for this session


def test_service_worker_is_served_from_the_root_uncached_with_a_content_version(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    script = response.get_data(as_text=True)
    version = re.search(r'const VERSION = "([0-9a-f]{16})"', script).group(1)
    for url in (
        "/static/js/outbox.js",
        "/static/js/capture.js",
        "/static/vendor/idb-8.0.4.umd.js",
        "/static/icons/icon-192.png",
        "/offline",
    ):
        assert f'"{url}"' in script
    assert '"/visits/new"' in script
    assert client.get("/sw.js").get_data(as_text=True) == script  # same shell, same version

    app.config["RELEASE"] = "next"
    try:
        assert version not in client.get("/sw.js").get_data(as_text=True)
    finally:
        app.config.pop("RELEASE")


def test_every_precached_file_exists(app, client):
    script = client.get("/sw.js").get_data(as_text=True)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", script).group(1))
    for url in shell:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_every_script_of_the_capture_page_is_precached(app, client, auth):
    """The capture page opens offline from a cold start only if all its modules are kept."""
    coach_with_coachees()
    db.session.commit()
    auth.login("coach@example.test")
    html = client.get("/visits/new").get_data(as_text=True)
    scripts = re.findall(r'<script src="(/static/[^"]+)"', html)
    assert "/static/js/capture/save.js" in scripts
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", client.get("/sw.js").text).group(1))
    assert set(scripts) <= set(shell)


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/start"
    assert manifest["theme_color"] == "#0b5563"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    } <= sizes


def test_offline_page_needs_no_sign_in(client):
    response = client.get("/offline")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You are offline" in page
    # Signed out: nothing to capture with, and what waits is said to wait for its person.
    assert "signing in needs a connection" in page and "New drop-in" not in page


def test_signed_in_pages_carry_the_sync_indicator_and_the_outbox_scripts(app, client, auth):
    coach_with_coachees()
    db.session.commit()
    signed_out = client.get("/login").get_data(as_text=True)
    assert "data-sync-status" not in signed_out and "outbox.js" not in signed_out
    auth.login("coach@example.test")
    html = client.get("/visits").get_data(as_text=True)
    assert "data-sync-status" in html and 'href="/outbox"' in html
    for script in (
        "vendor/idb-8.0.4.umd.js",
        "js/outbox.js",
        "js/sync.js",
        "js/status.js",
        "js/pwa.js",
    ):
        assert f'src="/static/{script}" defer' in html
    assert '<meta name="dropin-sync-base-ms" content="5000">' in html
    assert '<meta name="dropin-service-worker" content="/sw.js">' in html
