"""A trust's whole data: exported as a zip archive, restored into an empty database with
`import-trust`, giving the same weekly CSV bytes, the same photos and, exported again, the
same CSV files."""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.demo import seed_demo
from app.extensions import db
from app.localtime import iso_week_label, local_date
from app.models import AuditEvent, Photo, School, StepView, Trust, Visit
from app.photos.storage import photo_storage
from app.selfaudit_models import SchoolTerm, SelfAudit
from app.sso.models import SsoConnection
from app.takeout.trust_tables import LEFT_OUT, TRUST_ROWS
from tests.conftest import (
    create_throwaway_postgres_database,
    drop_postgres_database,
    make_test_app,
)
from tests.factories import DEFAULT_PASSWORD, make_school, make_trust
from tests.takeout_world import add_photo, build_world, comment


def test_every_table_is_archived_or_left_out_for_a_reason(app):
    tables = {table.name for table in db.metadata.sorted_tables}
    assert tables - set(TRUST_ROWS) - set(LEFT_OUT) == set()
    assert not set(TRUST_ROWS) & set(LEFT_OUT)


def enrich_demo(trust: Trust) -> None:
    """Photos, a reflection, comments, a step view, an audit event and a sign-in setting,
    so every kind of row travels; and a formula-looking note and a quote in a name."""
    visits = db.session.scalars(
        sa.select(Visit)
        .join(School)
        .where(School.trust_id == trust.id)
        .order_by(Visit.started_at)
        .limit(3)
    ).all()
    viewed = set()
    for number, visit in enumerate(visits):
        add_photo(visit, ["red", "blue", "yellow"][number])
        comment(visit, visit.coach, f'=HYPERLINK("x") and "{number}"')
        if (visit.teacher_id, visit.action_step_id) not in viewed:
            viewed.add((visit.teacher_id, visit.action_step_id))
            db.session.add(StepView(user_id=visit.teacher_id, step_id=visit.action_step_id))
    visits[0].notes = "'quoted\nline two, with a comma"
    visits[0].action_step.reflection = "-it worked"
    db.session.add(
        AuditEvent(trust_id=trust.id, action="test", summary="Exported", details={"b": 1, "a": [2]})
    )
    db.session.add(SsoConnection(trust_id=trust.id, provider="google", client_id="cid"))
    school = trust.schools[0]
    db.session.add(
        SchoolTerm(
            school_id=school.id,
            name="Autumn",
            first_day=date(2026, 9, 3),
            last_day=date(2026, 12, 18),
        )
    )
    db.session.commit()


def weeks_of(trust: Trust) -> list[tuple[str, str]]:
    """(week, school slug) of every visit of the trust."""
    rows = db.session.execute(
        sa.select(Visit.started_at, School.slug, School.timezone)
        .join(School)
        .where(School.trust_id == trust.id)
    )
    return sorted({(iso_week_label(local_date(moment, zone)), slug) for moment, slug, zone in rows})


def weekly_csvs(runner, weeks) -> dict:
    answers = {}
    for week, slug in weeks:
        result = runner.invoke(args=["export-visits", "--week", week, "--school", slug])
        assert result.exit_code == 0, result.output
        answers[week, slug] = result.stdout_bytes
    return answers


def photo_files() -> dict[str, str]:
    storage, hashes = photo_storage(), {}
    for photo in db.session.scalars(sa.select(Photo)):
        for key in (photo.storage_key, photo.thumbnail_key):
            hashes[key] = hashlib.sha256(storage.read(key)).hexdigest()
    return hashes


def csv_members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("tables/") or name == "README.md"
        }


@pytest.fixture
def fresh_app(backend, tmp_path, s3_server, monkeypatch):
    """A second Dropin: an empty database migrated with `db upgrade`, an empty bucket."""
    if backend == "postgresql":
        url = create_throwaway_postgres_database()
    else:
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    bucket = s3_server.create_bucket(f"fresh-{uuid.uuid4().hex[:12]}")
    fresh = make_test_app(url, str(tmp_path / "photos"), PHOTO_STORAGE=f"s3://{bucket}/p")
    with fresh.app_context():
        upgrade()
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()
    if backend == "postgresql":
        drop_postgres_database(url)


def test_a_trust_archive_restores_into_an_empty_database(
    app, runner, s3_photos, fresh_app, tmp_path
):
    demo = seed_demo(DEFAULT_PASSWORD, today=datetime(2026, 11, 20, tzinfo=UTC).date())
    enrich_demo(demo)
    build_world()  # another trust, whose rows must not travel
    weeks = weeks_of(demo)
    before_csv, before_photos = weekly_csvs(runner, weeks), photo_files()
    archive = tmp_path / "demo.zip"
    result = runner.invoke(args=["export-trust", "--trust", "Demo Trust", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as opened:
        everything = b"".join(opened.read(n) for n in opened.namelist() if n.startswith("tables/"))
    assert b"Takeout Trust" not in everything and b"NOTES-TESS" not in everything
    assert b"Demo Trust" in everything
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    rows = {table["name"]: table["rows"] for table in manifest["tables"]}
    assert rows["school_term"] == 1 and rows["photo"] == 3 and rows["step_comment"] == 3
    assert rows["self_audit"] == db.session.scalar(sa.select(sa.func.count(SelfAudit.id))) - 2
    demo_photos = {
        key: digest for key, digest in before_photos.items() if f"photos/{key}" in _names(archive)
    }
    # Three photos of the demo (display and thumbnail each); the other trust's stay behind.
    assert len(demo_photos) == 6 and len(before_photos) == 12

    with fresh_app.app_context():
        fresh_runner = fresh_app.test_cli_runner()
        restored = fresh_runner.invoke(args=["import-trust", str(archive)])
        assert restored.exit_code == 0, restored.output
        assert "6 photo files" in restored.output
        assert weekly_csvs(fresh_runner, weeks) == before_csv
        assert photo_files() == demo_photos
        again = tmp_path / "again.zip"
        result = fresh_runner.invoke(
            args=["export-trust", "--trust", str(demo.id), "--output", str(again)]
        )
        assert result.exit_code == 0, result.output
        assert csv_members(again) == csv_members(archive)
        # New rows get new ids after the restored ones (PostgreSQL's sequences were moved on).
        school = make_school(make_trust("After the move"), "after-the-move")
        db.session.commit()
        assert school.id > max(
            db.session.scalars(sa.select(School.id).where(School.id != school.id))
        )
        # A second import is refused: the database is no longer empty.
        refused = fresh_runner.invoke(args=["import-trust", str(archive)])
        assert refused.exit_code != 0 and "already holds data" in refused.output


def _names(path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_import_refuses_what_is_not_an_archive_and_writes_nothing(app, runner, tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    result = runner.invoke(args=["import-trust", str(not_zip)])
    assert result.exit_code != 0 and "not a readable zip archive" in result.output
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = runner.invoke(args=["import-trust", str(other_zip)])
    assert result.exit_code != 0 and "not a Dropin trust archive" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Trust.id))) == 0


def test_export_trust_names_an_unknown_trust(app, runner, tmp_path):
    result = runner.invoke(args=["export-trust", "--trust", "Nowhere", "--output", "x.zip"])
    assert result.exit_code != 0 and "no trust named or numbered 'Nowhere'" in result.output


def test_an_admin_exports_the_trust_from_its_page(app, client, auth, tmp_path):
    demo = seed_demo(DEFAULT_PASSWORD)
    db.session.commit()
    auth.login("admin@example.org")
    page = client.get(f"/trusts/{demo.id}/export")
    assert page.status_code == 200 and "Export the trust" in page.get_data(as_text=True)
    words = " ".join(page.get_data(as_text=True).split())
    assert "A new Dropin can take this archive in (its administrators run one command" in words
    assert "import-trust" not in page.get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page.get_data(as_text=True))
    assert client.post(f"/trusts/{demo.id}/export", data={"csrf_token": token}).status_code == 303
    for thread in app.extensions.pop("takeout_threads", []):
        thread.join(timeout=120)
    listing = client.get(f"/trusts/{demo.id}/export").get_data(as_text=True)
    assert "Download the zip" in listing
    assert " UTC" not in listing  # the school's own time, as everywhere else
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.trust_id == demo.id)).one()
    assert event.action == "trust_exported" and event.actor.email == "admin@example.org"
    from app.takeout.models import DataExport

    export = db.session.scalars(sa.select(DataExport)).one()
    answer = client.get(f"/account/data/{export.id}/download")
    answer.direct_passthrough = False
    data = answer.get_data()
    answer.close()
    archive = tmp_path / "web.zip"
    archive.write_bytes(data)
    assert "tables/visit.csv" in _names(archive) and "README.md" in _names(archive)
    # Another admin of the same trust does not get this admin's download.
    auth.logout()
    auth.login("lead@example.org")
    assert client.get(f"/account/data/{export.id}/download").status_code == 404
    assert timedelta(hours=23) < export.expires_at - export.ready_at <= timedelta(hours=24)


def _rewrite(source, target, name: str, change) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for entry in old.namelist():
            data = old.read(entry)
            new.writestr(entry, change(data) if entry == name else data)


def test_a_tampered_archive_is_refused_with_a_reason_and_restores_nothing(
    app, runner, fresh_app, tmp_path
):
    build_world()
    archive, broken, short = tmp_path / "t.zip", tmp_path / "broken.zip", tmp_path / "short.zip"
    result = runner.invoke(
        args=["export-trust", "--trust", "Takeout Trust", "--output", str(archive)]
    )
    assert result.exit_code == 0, result.output
    # A visit naming a coach the archive does not hold; a row with a cell missing.
    _rewrite(archive, broken, "tables/user.csv", lambda data: data.split(b"\r\n")[0] + b"\r\n")
    _rewrite(archive, short, "tables/trust.csv", lambda data: data.rstrip(b"\r\n")[:-6] + b"\r\n")
    with fresh_app.app_context():
        fresh_runner = fresh_app.test_cli_runner()
        refused = fresh_runner.invoke(args=["import-trust", str(broken)])
        assert refused.exit_code != 0 and "do not fit together" in refused.output
        refused = fresh_runner.invoke(args=["import-trust", str(short)])
        assert refused.exit_code != 0 and "tables/trust.csv line 2" in refused.output
        assert db.session.scalar(sa.select(sa.func.count(Trust.id))) == 0
        restored = fresh_runner.invoke(args=["import-trust", str(archive)])
        assert restored.exit_code == 0, restored.output


def test_only_one_builder_claims_an_export(app):
    from app.takeout.jobs import claim, request_export

    teacher = build_world().teacher
    export = request_export(teacher)
    assert request_export(teacher).id == export.id  # asked twice: still one
    db.session.commit()
    assert claim(export.id) is True
    assert claim(export.id) is False
