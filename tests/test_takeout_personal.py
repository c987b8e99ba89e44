"""A person's own data: the zip holds all and only what is theirs, and only they can fetch
it, only until its link runs out."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.takeout.models import DataExport
from tests.conftest import csrf_token_from
from tests.takeout_world import build_world


@pytest.fixture
def world(app):
    return build_world()


def everything_in(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if not name.startswith("photos/")
        )


def section(data: bytes, name: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read(f"json/{name}.json"))


def photo_hashes(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if name.startswith("photos/")
        }


def stored_hashes(*visits) -> set[str]:
    from app.photos.storage import photo_storage

    return {
        hashlib.sha256(photo_storage().read(photo.storage_key)).hexdigest()
        for visit in visits
        for photo in visit.photos
    }


def prepare(app, client, auth, email: str) -> DataExport:
    """Sign in, press "Prepare my download", wait for the thread that builds it."""
    auth.login(email)
    page = client.get("/account/data").get_data(as_text=True)
    answer = client.post("/account/data", data={"csrf_token": csrf_token_from(page)})
    assert answer.status_code == 303
    for thread in app.extensions.pop("takeout_threads", []):
        thread.join(timeout=60)
    db.session.expire_all()
    export = db.session.scalars(sa.select(DataExport).order_by(DataExport.id.desc())).first()
    assert export.status == "ready", export.error
    return export


def download(client, export: DataExport):
    response = client.get(f"/account/data/{export.id}/download")
    response.direct_passthrough = False
    response.get_data()  # read, then let go of the file
    response.close()
    return response


def test_a_teachers_zip_holds_their_visits_steps_reflection_comments_and_photos(
    app, client, auth, world
):
    export = prepare(app, client, auth, "teacher@takeout.test")
    answer = download(client, export)
    assert answer.status_code == 200
    assert answer.mimetype == "application/zip"
    assert "no-store" in answer.headers["Cache-Control"]
    data = answer.get_data()
    text = everything_in(data)

    for mine in ("NOTES-TESS", "STEP-TESS", "REFLECTION-TESS", "COACH-TO-TESS", "TESS-REPLIES",
                 "FOCUS-TESS"):  # fmt: skip
        assert mine in text, mine
    for theirs in ("NOTES-OLLY", "STEP-OLLY", "REFLECTION-OLLY", "OLLY-REPLIES", "ELSEWHERE",
                   "FOCUS-OLLY"):  # fmt: skip
        assert theirs not in text, theirs
    visits = section(data, "visits_as_teacher")
    assert [v["id"] for v in visits] == [str(world.teacher_visit.id)]
    assert visits[0]["coach"] == "Cora Coach" and visits[0]["photos"] == 1
    assert section(data, "visits_as_coach") == []
    assert section(data, "account")[0]["email"] == "teacher@takeout.test"
    assert photo_hashes(data) == stored_hashes(world.teacher_visit)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        csv_text = archive.read("csv/visits_as_teacher.csv").decode("utf-8-sig")
    assert csv_text.startswith("id,school,started_at,")
    assert "NOTES-TESS" in csv_text


def test_a_coachs_zip_holds_the_visits_they_wrote_but_not_their_teachers_own_words(
    app, client, auth, world
):
    data = download(client, prepare(app, client, auth, "coach@takeout.test")).get_data()
    text = everything_in(data)
    for mine in ("NOTES-TESS", "NOTES-OLLY", "STEP-TESS", "STEP-OLLY", "COACH-TO-TESS"):
        assert mine in text, mine
    # Their self-audits stay theirs, even shared with this coach.
    for theirs in ("REFLECTION-TESS", "REFLECTION-OLLY", "TESS-REPLIES", "OLLY-REPLIES",
                   "FOCUS-TESS", "FOCUS-OLLY"):  # fmt: skip
        assert theirs not in text, theirs
    assert "ELSEWHERE" not in text
    steps = section(data, "steps_as_coach")
    assert {step["text"] for step in steps} == {"STEP-TESS", "STEP-OLLY"}
    assert all("reflection" not in step for step in steps)
    assert photo_hashes(data) == stored_hashes(world.teacher_visit, world.other_visit)


def test_a_lead_who_wrote_nothing_gets_only_their_account(app, client, auth, world):
    data = download(client, prepare(app, client, auth, "lead@takeout.test")).get_data()
    text = everything_in(data)
    assert "NOTES-" not in text and "STEP-" not in text and "REFLECTION" not in text
    school = world.teacher_visit.school.name
    assert section(data, "roles") == [{"where": school, "role": "lead"}]
    assert section(data, "visits_as_teacher") == section(data, "visits_as_coach") == []
    assert photo_hashes(data) == set()


def test_nobody_else_can_fetch_a_persons_zip(app, client, auth, world):
    export = prepare(app, client, auth, "teacher@takeout.test")
    auth.logout()
    for email in ("coach@takeout.test", "lead@takeout.test", "other@takeout.test"):
        auth.login(email)
        assert download(client, export).status_code == 404, email
        auth.logout()
    signed_out = download(client, export)
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]


def test_an_expired_link_answers_404_and_build_exports_deletes_its_file(
    app, client, auth, runner, world
):
    from app.takeout.jobs import file_of

    export = prepare(app, client, auth, "teacher@takeout.test")
    path = file_of(export)
    assert path.is_file()
    export.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert download(client, export).status_code == 404
    result = runner.invoke(args=["build-exports"])
    assert result.exit_code == 0, result.output
    assert "removed 1 expired" in result.output
    assert not path.exists()
    db.session.expire_all()
    assert db.session.get(DataExport, export.id).status == "expired"


def test_build_exports_builds_what_no_thread_built(app, client, auth, runner, world):
    app.config["TAKEOUT_BUILD_IN_THREAD"] = False
    try:
        auth.login("teacher@takeout.test")
        page = client.get("/account/data").get_data(as_text=True)
        client.post("/account/data", data={"csrf_token": csrf_token_from(page)})
        waiting = client.get("/account/data", headers={"HX-Request": "true"})
        body = waiting.get_data(as_text=True)
        assert "<html" not in body and "Being prepared" in body and 'hx-trigger="every 2s"' in body
        # Asking twice while it waits makes no second export.
        client.post("/account/data", data={"csrf_token": csrf_token_from(page)})
        assert db.session.scalar(sa.select(sa.func.count(DataExport.id))) == 1
        result = runner.invoke(args=["build-exports"])
        assert "Built 1 exports" in result.output, result.output
        ready = client.get("/account/data").get_data(as_text=True)
        assert "Download the zip" in ready and "every 2s" not in ready
    finally:
        app.config["TAKEOUT_BUILD_IN_THREAD"] = True


def test_photos_are_read_from_an_s3_store(app, client, auth, s3_photos):
    world = build_world()
    data = download(client, prepare(app, client, auth, "teacher@takeout.test")).get_data()
    assert photo_hashes(data) == stored_hashes(world.teacher_visit)
    assert len(photo_hashes(data)) == 1


def test_a_store_that_does_not_answer_fails_the_export_and_leaves_no_file(
    app, client, auth, s3_photos, monkeypatch, tmp_path
):
    build_world()
    monkeypatch.setitem(app.config, "TAKEOUT_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "PHOTO_STORAGE", "s3://no-such-bucket-here/p")
    monkeypatch.setitem(app.extensions, "dropin_photo_storage", None)
    auth.login("teacher@takeout.test")
    page = client.get("/account/data").get_data(as_text=True)
    client.post("/account/data", data={"csrf_token": csrf_token_from(page)})
    for thread in app.extensions.pop("takeout_threads", []):
        thread.join(timeout=60)
    db.session.expire_all()
    export = db.session.scalars(sa.select(DataExport)).one()
    assert export.status == "failed" and "no-such-bucket-here" in export.error
    assert "could not be prepared" in client.get("/account/data").get_data(as_text=True)
    assert download(client, export).status_code == 404
    assert list(tmp_path.iterdir()) == []


def test_forgetting_a_persons_exports_removes_their_files(app, client, auth, world):
    from app.takeout.jobs import file_of, forget_exports_of

    export = prepare(app, client, auth, "teacher@takeout.test")
    path = file_of(export)
    assert forget_exports_of(world.teacher.id) == 1
    db.session.commit()
    assert not path.exists() and db.session.get(DataExport, export.id) is None


def test_build_exports_removes_files_no_export_names_once_old(
    app, client, auth, runner, world, tmp_path, monkeypatch
):
    import os

    from app.takeout.jobs import file_of

    monkeypatch.setitem(app.config, "TAKEOUT_DIR", str(tmp_path))
    export = prepare(app, client, auth, "teacher@takeout.test")
    kept = file_of(export)
    orphan, fresh_orphan = tmp_path / "orphan.zip", tmp_path / "just-written.zip.part"
    orphan.write_bytes(b"left behind by a deleted row")
    fresh_orphan.write_bytes(b"a build in progress")
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).timestamp()
    os.utime(orphan, (an_hour_ago, an_hour_ago))
    os.utime(kept, (an_hour_ago, an_hour_ago))
    assert runner.invoke(args=["build-exports"]).exit_code == 0
    assert kept.exists() and fresh_orphan.exists() and not orphan.exists()
