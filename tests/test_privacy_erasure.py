"""Erasing a person leaves no row and no file of them behind, only the audit fact."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.admin.services import add_person_to_school
from app.extensions import db
from app.models import AuditEvent, User, Visit
from app.photos.storage import photo_storage
from app.privacy import records
from app.privacy.erasure import erase_person
from app.takeout.models import DataExport
from tests.conftest import csrf_token_from
from tests.factories import add_role, make_pair, make_school, make_trust, make_user, make_visit
from tests.privacy_support import (
    add_photo,
    comment,
    everything_personal,
    files_exist,
    keys_of,
    rows_mentioning,
    rows_referring_to,
)

NAME, EMAIL = "Zebedee Quartermain", "zebedee.q@example.test"


class World:
    """Zebedee coaches Tess and is coached by Cora; photos, comments, emails, sessions,
    a provider account and audit entries that name them."""

    def __init__(self):
        self.trust = make_trust()
        school = self.school = make_school(self.trust)
        self.admin = make_user(name="Ada Admin")
        add_role(self.admin, self.trust, "admin")
        person = add_person_to_school(self.admin, school, EMAIL, NAME, ["coach", "teacher"])[0]
        person.set_password("correct horse battery")
        self.tess = make_user(name="Tess Teacher", roles=[(school, "teacher")])
        self.cora = make_user(name="Cora Coach", roles=[(school, "coach")])
        make_pair(person, self.tess, school)
        make_pair(self.cora, person, school)
        wrote = make_visit(person, self.tess, school, notes="Tess's starter was sharp")
        received = make_visit(self.cora, person, school, notes=f"{NAME} tried cold calling")
        self.other = make_visit(self.cora, self.tess, school, notes="Unrelated", status="embedded")
        mention = f"Planned with {NAME.upper()} ({EMAIL})"
        self.mentioned = make_visit(self.cora, self.tess, school, notes=mention, status="embedded")
        comment(self.mentioned, self.tess, f"Thanks to {NAME}!")
        self.keys = keys_of(add_photo(wrote)) + keys_of(add_photo(received))
        self.other_keys = keys_of(add_photo(self.other))
        comment(wrote, person, "Let's try it again Tuesday")
        comment(wrote, self.tess, "Will do")
        comment(received, person, "It went well")
        received.action_step.reflection = "My reflection"
        everything_personal(person, self.trust.id, school.id)
        db.session.commit()
        self.person_id, self.wrote_id, self.received_id = person.id, wrote.id, received.id
        self.other_id, self.mentioned_id = self.other.id, self.mentioned.id

    @property
    def person(self) -> User:
        return db.session.get(User, self.person_id)


def erase(world: World, visits: str) -> None:
    person = world.person
    erase_person(world.admin, person, visits)
    db.session.commit()


def stored_files() -> int:
    return sum(1 for _ in photo_storage().files())


@pytest.mark.parametrize("visits", ["delete", "anonymise"])
def test_an_erased_person_leaves_nothing_but_the_audit_fact(app, visits):
    world = World()
    assert rows_mentioning(EMAIL, NAME) and rows_referring_to(world.person_id)
    files_before = stored_files()

    erase(world, visits)

    assert rows_referring_to(world.person_id) == []
    assert rows_mentioning(EMAIL, NAME, "zebedee") == []
    assert db.session.get(User, world.person_id) is None
    assert files_exist(world.keys) == [False] * 4
    assert files_exist(world.other_keys) == [True, True]
    assert stored_files() == files_before - 4
    facts = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "person.erase"))
    assert [fact.summary.split(" (")[0] for fact in facts] == [f"Person #{world.person_id} erased"]
    # Everyone else's record stays.
    assert db.session.get(Visit, world.other_id).notes == "Unrelated"
    mentioned = db.session.get(Visit, world.mentioned_id)
    assert mentioned.notes == "Planned with a former colleague (a former colleague)"
    assert [c.body for c in mentioned.action_step.comments] == ["Thanks to a former colleague!"]
    assert db.session.get(User, world.tess.id) is not None


def test_anonymised_visits_keep_the_colleague_and_the_counts(app):
    world = World()
    erase(world, "anonymise")
    placeholder = records.existing_former_staff()
    wrote, received = (
        db.session.get(Visit, world.wrote_id),
        db.session.get(Visit, world.received_id),
    )
    assert (wrote.coach_id, wrote.teacher_id) == (placeholder.id, world.tess.id)
    assert wrote.notes == "Tess's starter was sharp"
    assert (received.coach_id, received.teacher_id, received.notes) == (
        world.cora.id,
        placeholder.id,
        "",
    )
    assert received.action_step.reflection == "" and not received.action_step.is_live
    assert [c.body for c in wrote.action_step.comments] == ["Will do"]
    assert wrote.photos == [] and received.photos == []
    assert wrote.is_complete and received.is_complete
    assert not placeholder.active and placeholder.password_hash is None


def test_deleting_their_visits_deletes_them(app):
    world = World()
    erase(world, "delete")
    assert db.session.get(Visit, world.wrote_id) is None
    assert db.session.get(Visit, world.received_id) is None


def _admin_signs_in(client, world):
    page = client.get("/login").get_data(as_text=True)
    form = {"email": world.admin.email, "password": "correct horse battery"}
    client.post("/login", data={**form, "csrf_token": csrf_token_from(page)})


def test_the_admin_confirms_twice_on_the_staff_pages(app, client):
    world = World()
    _admin_signs_in(client, world)
    url = f"/admin/schools/{world.school.id}/staff/{world.person_id}/erase"
    page = client.get(url)
    assert page.status_code == 200 and "What happens to the visits" in page.get_data(as_text=True)
    said = page.get_data(as_text=True)
    for kind in ("self-audits", "practice they logged", "Triad meeting write-ups they wrote"):
        assert kind in said
    assert "for the other two members of the triad too" in said
    assert "“a former colleague”" in said and "“Former member of staff”" in said
    assert f"#{world.person_id}" not in said
    csrf = csrf_token_from(page.get_data(as_text=True))
    nothing = client.post(url, data={"csrf_token": csrf, "step": "check"})
    assert nothing.status_code == 422
    assert "Choose what happens to their visits." in nothing.get_data(as_text=True)
    check = client.post(url, data={"csrf_token": csrf, "step": "check", "visits": "anonymise"})
    assert check.status_code == 200 and "Type their email address" in check.get_data(as_text=True)
    wrong = {"csrf_token": csrf, "step": "erase", "visits": "anonymise", "email": "x@y.test"}
    refused = client.post(url, data=wrong)
    assert refused.status_code == 422
    assert "nothing was erased" in refused.get_data(as_text=True)
    assert db.session.get(User, world.person_id) is not None
    done = client.post(url, data={**wrong, "email": EMAIL.upper()})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert f"{NAME} erased</h1>" in done.get_data(as_text=True)
    assert f"#{world.person_id}" not in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.person_id) is None
    assert rows_mentioning(EMAIL, NAME) == []


def test_a_person_of_another_trust_too_is_not_the_admins_to_erase(app, client):
    world = World()
    elsewhere = make_school(make_trust())
    add_role(world.person, elsewhere, "teacher")
    db.session.commit()
    _admin_signs_in(client, world)
    url = f"/admin/schools/{world.school.id}/staff/{world.person_id}/erase"
    csrf = csrf_token_from(client.get(url).get_data(as_text=True))
    form = {"csrf_token": csrf, "step": "erase", "visits": "delete", "email": EMAIL}
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "also belongs to another trust" in response.get_data(as_text=True)
    assert db.session.get(User, world.person_id) is not None


def test_their_photos_go_from_the_s3_store(app, s3_photos):
    world = World()
    assert files_exist(world.keys) == [True] * 4
    erase(world, "delete")
    assert files_exist(world.keys) == [False] * 4
    assert files_exist(world.other_keys) == [True, True]


def test_an_admin_cannot_erase_themself(app, client):
    world = World()
    _admin_signs_in(client, world)
    url = f"/admin/schools/{world.school.id}/staff/{world.admin.id}/erase"
    add_role(world.admin, world.school, "lead")
    db.session.commit()
    csrf = csrf_token_from(client.get(url).get_data(as_text=True))
    form = {"csrf_token": csrf, "step": "erase", "visits": "delete", "email": world.admin.email}
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "You cannot erase yourself" in response.get_data(as_text=True)
    assert db.session.get(User, world.admin.id) is not None


def test_a_trust_holding_their_old_visits_records_the_erasure_too(app):
    world = World()
    old_trust = make_trust()
    old_school = make_school(old_trust)
    colleague = make_user(roles=[(old_school, "coach")])
    make_visit(colleague, world.person, old_school)  # from a role since removed
    db.session.commit()
    erase(world, "delete")
    facts = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "person.erase"))
    assert {fact.trust_id for fact in facts} == {world.trust.id, old_trust.id}


def test_a_trust_lead_without_a_school_is_erased_from_the_trust_staff(app, client):
    world = World()
    lead = make_user("lena.lead@example.test", "Lena Lead")
    add_role(lead, world.trust, "trust_lead")
    db.session.commit()
    lead_id = lead.id
    _admin_signs_in(client, world)
    url = f"/admin/trusts/{world.trust.id}/people/{lead_id}/erase"
    assert url in client.get("/admin/").get_data(as_text=True)
    csrf = csrf_token_from(client.get(url).get_data(as_text=True))
    form = {
        "csrf_token": csrf,
        "step": "erase",
        "visits": "delete",
        "email": "lena.lead@example.test",
    }
    assert client.post(url, data=form).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, lead_id) is None
    assert rows_mentioning("lena.lead@example.test", "Lena Lead") == []


def test_with_the_photo_store_down_nothing_is_erased_and_it_can_be_done_later(
    app, client, s3_server, s3_photos, monkeypatch
):
    from tests.test_photos_s3 import StoreSwitch

    store = StoreSwitch(app, s3_server, monkeypatch)
    world = World()
    _admin_signs_in(client, world)
    url = f"/admin/schools/{world.school.id}/staff/{world.person_id}/erase"
    csrf = csrf_token_from(client.get(url).get_data(as_text=True))
    form = {"csrf_token": csrf, "step": "erase", "visits": "delete", "email": EMAIL}
    store.down()
    response = client.post(url, data=form)
    assert response.status_code == 503
    assert "nothing was erased" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.person_id) is not None
    store.up()
    assert client.post(url, data=form).status_code == 200
    assert files_exist(world.keys) == [False] * 4
    assert rows_mentioning(EMAIL, NAME) == []


def test_two_confirmations_at_once_erase_once(app):
    import threading

    from app.privacy.erasure import ErasureRefused

    world = World()
    admin_id, person_id = world.admin.id, world.person_id
    db.session.remove()
    outcomes = []

    def confirm():
        with app.app_context():
            admin, person = db.session.get(User, admin_id), db.session.get(User, person_id)
            try:
                if person is None:  # the other one finished first
                    raise ErasureRefused("gone")
                erase_person(admin, person, "delete")
                db.session.commit()
                outcomes.append("erased")
            except ErasureRefused:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # pragma: no cover - shown by the assertion
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["erased", "refused"]
    facts = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "person.erase"))
    assert len(list(facts)) == 1


def test_their_own_download_and_the_trusts_prepared_ones_go_with_them(app):
    from app.takeout.jobs import build, claim, file_of, request_export

    world = World()
    downloads = []
    for export in (request_export(world.person), request_export(world.admin, world.trust)):
        db.session.commit()
        assert claim(export.id)
        downloads.append(file_of(build(export.id)))
        db.session.commit()
    assert all(download.is_file() for download in downloads)
    erase(world, "delete")
    assert not any(download.exists() for download in downloads)
    assert rows_referring_to(world.person_id) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataExport)) == 0
