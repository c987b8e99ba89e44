"""Administration over HTTP: who may, validation at the field, and what each change does."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from app.authz import visible_visits_clause
from app.extensions import db
from app.models import AuditEvent, CoachingPair, LibraryStep, Membership, School, User, Visit
from tests.conftest import csrf_token_from
from tests.factories import (
    add_role,
    make_library_step,
    make_pair,
    make_school,
    make_trust,
    make_user,
    make_visit,
)

HX = {"HX-Request": "true"}


@pytest.fixture
def world(app):
    """Trust A (schools a1, a2) with its admin; trust B with its own admin and school."""
    trust_a, trust_b = make_trust("Trust A"), make_trust("Trust B")
    a1, a2 = make_school(trust_a, "a1", name="Alder"), make_school(trust_a, "a2", name="Ash")
    b1 = make_school(trust_b, "b1", name="Birch")
    admin = make_user("admin@a", name="Ada Admin")
    add_role(admin, trust_a, "admin")
    other_admin = make_user("admin@b", name="Bea Admin")
    add_role(other_admin, trust_b, "admin")
    coach = make_user("coach@a1", name="Cal Coach", roles=[(a1, "coach")])
    teacher = make_user("teacher@a1", name="Tia Teacher", roles=[(a1, "teacher")])
    peer = make_user("peer@a1", name="Pat Peer", roles=[(a1, "teacher"), (a1, "coach")])
    lead = make_user("lead@a1", name="Lee Lead", roles=[(a1, "lead")])
    trust_lead = make_user("tl@a", name="Tom Trustlead")
    add_role(trust_lead, trust_a, "trust_lead")
    pair = make_pair(coach, teacher, a1)
    step = make_library_step(trust_a)
    visit = make_visit(coach, teacher, a1)
    db.session.commit()
    return dict(trust_a=trust_a, trust_b=trust_b, a1=a1, a2=a2, b1=b1, admin=admin,
                other_admin=other_admin, coach=coach, teacher=teacher, peer=peer, lead=lead,
                trust_lead=trust_lead, pair=pair, step=step, visit=visit)


def admin_urls(w) -> list[tuple[str, str]]:
    """(method, url) of every admin route, on trust A's objects."""
    a1, trust, person = w["a1"].id, w["trust_a"].id, w["teacher"].id
    return [
        ("GET", "/admin/"),
        ("GET", f"/admin/schools/{a1}"), ("POST", f"/admin/schools/{a1}"),
        ("POST", f"/admin/trusts/{trust}/schools"),
        ("POST", f"/admin/trusts/{trust}/people"),
        ("POST", f"/admin/trusts/{trust}/people/{w['trust_lead'].id}/remove"),
        ("POST", f"/admin/trusts/{trust}/people/{w['trust_lead'].id}/link"),
        ("GET", f"/admin/trusts/{trust}/audit"),
        ("POST", f"/admin/schools/{a1}/staff"),
        ("GET", f"/admin/schools/{a1}/staff/{person}"),
        ("POST", f"/admin/schools/{a1}/staff/{person}"),
        ("POST", f"/admin/schools/{a1}/staff/{person}/active"),
        ("POST", f"/admin/schools/{a1}/staff/{person}/link"),
        ("GET", f"/admin/schools/{a1}/pairs"), ("POST", f"/admin/schools/{a1}/pairs"),
        ("POST", f"/admin/schools/{a1}/triads"),
        ("POST", f"/admin/pairs/{w['pair'].id}/end"),
        ("GET", f"/admin/schools/{a1}/import"),
        ("POST", f"/admin/schools/{a1}/import/preview"),
        ("POST", f"/admin/schools/{a1}/import"),
        ("GET", f"/admin/trusts/{trust}/library"), ("POST", f"/admin/trusts/{trust}/library"),
        ("GET", f"/admin/library/{w['step'].id}"), ("POST", f"/admin/library/{w['step'].id}"),
        ("POST", f"/admin/library/{w['step'].id}/retire"),
    ]


def everything(w):
    """Every table's row count, to prove a refused request changed nothing."""
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables if table.name != "login_failure"}


def sign_in(auth, email):
    assert auth.login(email).status_code == 302
    return auth.page_csrf_token("/login")


@pytest.mark.parametrize("role", ["coach", "teacher", "peer", "lead", "trust_lead",
                                  "other_admin"])
def test_everyone_but_the_trusts_admin_gets_404_on_every_admin_url(world, client, auth, role):
    token = sign_in(auth, world[role].email)
    before = everything(world)
    for method, url in admin_urls(world):
        if role == "other_admin" and url == "/admin/":
            continue  # their own dashboard
        response = client.open(url, method=method, headers={"X-CSRFToken": token},
                               data={"csrf_token": token})
        assert response.status_code == 404, (role, method, url)
    assert everything(world) == before


def test_signed_out_people_are_sent_to_sign_in(world, client):
    for method, url in admin_urls(world):
        if method == "GET":
            assert client.get(url).status_code == 302, url


def test_the_admin_reaches_every_admin_page(world, client, auth):
    sign_in(auth, "admin@a")
    for method, url in admin_urls(world):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 200, url
            assert "<html" in response.get_data(as_text=True)


def test_every_admin_write_needs_the_csrf_token(world, client, auth):
    sign_in(auth, "admin@a")
    before = everything(world)
    for method, url in admin_urls(world):
        if method == "POST":
            assert client.post(url, data={}).status_code == 400, url
    assert everything(world) == before


@pytest.fixture
def admin(world, client, auth):
    """The signed-in admin of trust A and a function to post an htmx form."""
    token = sign_in(auth, "admin@a")

    def post(url, data=None, **kwargs):
        return client.post(url, data=data or {}, headers={**HX, "X-CSRFToken": token}, **kwargs)

    return post


def field_errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    errors = re.findall(r'<p class="error" id="[^"]+">([^<]+)</p>', html)
    return [unescape(error) for error in errors]


def new_school(world, **fields):
    prefix = f"new-school-{world['trust_a'].id}-"
    data = {"name": "Oak Lane", "slug": "", "timezone": "Europe/London", "cadence": "weekly"}
    return {prefix + key: value for key, value in {**data, **fields}.items()}


def test_adding_a_school_makes_its_slug_and_writes_an_audit_event(world, admin):
    response = admin(f"/admin/trusts/{world['trust_a'].id}/schools", new_school(world))
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    school = db.session.scalar(sa.select(School).where(School.slug == "oak-lane"))
    assert (school.trust_id, school.cadence, school.timezone) == (
        world["trust_a"].id, "weekly", "Europe/London")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "school.create"))
    assert event.actor_id == world["admin"].id and "Oak Lane" in event.summary


@pytest.mark.parametrize("fields, message", [
    ({"slug": "Not A Slug!"}, "Use lower-case letters, digits and hyphens"),
    ({"slug": "b1"}, "already used by another school"),
    ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list"),
    ({"cadence": "daily"}, "Choose weekly or fortnightly."),
    ({"name": ""}, "Enter the school's name."),
])
def test_invalid_school_fields_are_shown_at_the_field_with_422(world, admin, fields, message):
    before = everything(world)
    url = f"/admin/trusts/{world['trust_a'].id}/schools"
    response = admin(url, new_school(world, **fields))
    assert response.status_code == 422
    assert any(message in error for error in field_errors(response)), field_errors(response)
    assert everything(world) == before


def test_editing_cadence_and_timezone(world, admin):
    a1 = world["a1"]
    response = admin(f"/admin/schools/{a1.id}", {
        "school-name": "Alder", "school-slug": "a1", "school-timezone": "Europe/Dublin",
        "school-cadence": "weekly"})
    assert response.status_code == 200
    db.session.refresh(a1)
    assert (a1.timezone, a1.cadence) == ("Europe/Dublin", "weekly")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "school.update"))
    assert event.details["changes"]["cadence"] == ["fortnightly", "weekly"]


def test_adding_a_person_shows_their_one_time_link(world, admin, client):
    response = admin(f"/admin/schools/{world['a1'].id}/staff", {
        "staff-email": "New.Person@Example.org", "staff-name": "New Person",
        "staff-roles": ["teacher", "coach"]})
    assert response.status_code == 200
    person = db.session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert person.password_hash is None
    assert sorted(m.role for m in person.memberships) == ["coach", "teacher"]
    link = re.search(r'value="http://localhost(/invite/[^"]+)"', response.get_data(as_text=True))
    assert link, "the invitation link is shown to the admin"


def test_adding_a_person_without_a_role_or_with_a_bad_email(world, admin):
    response = admin(f"/admin/schools/{world['a1'].id}/staff", {
        "staff-email": "not an email", "staff-name": ""})
    assert response.status_code == 422
    errors = field_errors(response)
    assert "Enter a valid email address, like name@school.org." in errors
    assert "Enter the person's name." in errors
    assert "Choose at least one role." in errors


def test_deactivated_person_cannot_sign_in_and_their_visits_stay(world, admin, auth, client):
    teacher, visit = world["teacher"], world["visit"]

    response = admin(f"/admin/schools/{world['a1'].id}/staff/{teacher.id}/active",
                     {"active": "no"})

    assert response.status_code == 200
    db.session.refresh(teacher)
    assert teacher.active is False
    auth.logout()
    assert auth.login("teacher@a1").status_code == 401
    assert db.session.get(Visit, visit.id) is not None
    for viewer in (world["lead"], world["trust_lead"], world["coach"]):
        seen = db.session.scalars(sa.select(Visit.id).where(visible_visits_clause(viewer)))
        assert visit.id in set(seen), viewer.email


def test_the_admin_cannot_deactivate_themself(world, admin):
    # the admin holds no school role; give one so the URL resolves through the school
    add_role(world["admin"], world["a1"], "lead")
    db.session.commit()
    response = admin(f"/admin/schools/{world['a1'].id}/staff/{world['admin'].id}/active",
                     {"active": "no"})
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)


def test_sign_in_link_is_a_reset_link_for_someone_with_a_password(world, admin):
    response = admin(f"/admin/schools/{world['a1'].id}/staff/{world['teacher'].id}/link")
    assert response.status_code == 200
    assert "/reset/" in response.get_data(as_text=True)


def test_editing_roles_and_name(world, admin):
    teacher = world["teacher"]
    response = admin(f"/admin/schools/{world['a1'].id}/staff/{teacher.id}",
                     {"name": "Tia T. Teacher", "roles": ["teacher", "coach"]})
    assert response.status_code == 200
    db.session.refresh(teacher)
    assert teacher.name == "Tia T. Teacher"
    assert sorted(m.role for m in teacher.memberships) == ["coach", "teacher"]
    none = admin(f"/admin/schools/{world['a1'].id}/staff/{teacher.id}", {"name": "Tia"})
    assert none.status_code == 422 and "Choose at least one role." in field_errors(none)


def pair_form(coach, teacher, since=None):
    return {"pair-coach_id": coach.id, "pair-teacher_id": teacher.id,
            "pair-since": (since or date.today()).isoformat()}


def open_pairs(school):
    return {(p.coach_id, p.teacher_id) for p in db.session.scalars(
        sa.select(CoachingPair).where(CoachingPair.school_id == school.id,
                                      CoachingPair.until.is_(None)))}


def test_a_coach_can_also_be_coached(world, admin):
    response = admin(f"/admin/schools/{world['a1'].id}/pairs",
                     pair_form(world["peer"], world["coach"]))
    assert response.status_code == 200
    assert (world["peer"].id, world["coach"].id) in open_pairs(world["a1"])


@pytest.mark.parametrize("coach, teacher, message", [
    ("peer", "peer", "Pat Peer cannot coach themselves."),
    ("coach", "teacher", "Cal Coach already coaches Tia Teacher."),
    ("teacher", "peer", "Choose a coach of Alder."),
    ("coach", "other_admin", "Choose an active member of Alder."),
])
def test_refused_pairs_say_why_at_the_field(world, admin, coach, teacher, message):
    before = everything(world)
    response = admin(f"/admin/schools/{world['a1'].id}/pairs",
                     pair_form(world[coach], world[teacher]))
    assert response.status_code == 422
    assert message in field_errors(response)
    assert everything(world) == before


def test_a_triad_is_a_ring_of_three_pairs(world, admin):
    a1 = world["a1"]
    third = make_user("third@a1", name="Tao Third", roles=[(a1, "teacher"), (a1, "coach")])
    head = world["lead"]
    add_role(head, a1, "coach")
    db.session.commit()
    ids = [world["peer"].id, third.id, head.id]

    response = admin(f"/admin/schools/{a1.id}/triads", {
        "triad-first_id": ids[0], "triad-second_id": ids[1], "triad-third_id": ids[2],
        "triad-since": date.today().isoformat()})

    assert response.status_code == 200
    assert {(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[0])} <= open_pairs(a1)
    again = admin(f"/admin/schools/{a1.id}/triads", {
        "triad-first_id": ids[0], "triad-second_id": ids[1], "triad-third_id": ids[0],
        "triad-since": date.today().isoformat()})
    assert again.status_code == 422
    assert "Pat Peer is already in this triad" in " ".join(field_errors(again))


def test_ending_a_pair_sets_until_today_and_keeps_it(world, admin):
    pair = world["pair"]
    response = admin(f"/admin/pairs/{pair.id}/end")
    assert response.status_code == 200
    db.session.refresh(pair)
    assert pair.until == date.today()
    assert db.session.get(CoachingPair, pair.id) is not None


def test_ending_a_pair_that_has_not_started_withdraws_it(world, admin):
    pair = make_pair(world["peer"], world["teacher"], world["a1"],
                     since=date.today() + timedelta(days=7))
    db.session.commit()
    admin(f"/admin/pairs/{pair.id}/end")
    db.session.expire_all()
    assert db.session.get(CoachingPair, pair.id) is None


def test_library_add_edit_retire_and_bring_back(world, admin):
    trust = world["trust_a"]
    added = admin(f"/admin/trusts/{trust.id}/library", {
        "school_id": world["a1"].id, "category": "Questioning",
        "title": "Wait three seconds", "guidance": ""})
    assert added.status_code == 200
    step = db.session.scalar(
        sa.select(LibraryStep).where(LibraryStep.title == "Wait three seconds"))
    assert step.school_id == world["a1"].id

    edited = admin(f"/admin/library/{step.id}", {
        f"step-{step.id}-school_id": 0, f"step-{step.id}-category": "Questioning",
        f"step-{step.id}-title": "Wait five seconds", f"step-{step.id}-guidance": "Count."})
    assert edited.status_code == 200
    db.session.refresh(step)
    assert (step.title, step.school_id, step.guidance) == ("Wait five seconds", None, "Count.")

    too_long = admin(f"/admin/library/{step.id}", {
        f"step-{step.id}-school_id": 0, f"step-{step.id}-category": "Questioning",
        f"step-{step.id}-title": "x" * 281})
    assert too_long.status_code == 422
    assert "Keep the step to 280 characters or fewer." in field_errors(too_long)

    admin(f"/admin/library/{step.id}/retire", {"retired": "yes"})
    db.session.refresh(step)
    assert step.retired_at is not None
    admin(f"/admin/library/{step.id}/retire", {"retired": "no"})
    db.session.refresh(step)
    assert step.retired_at is None


def test_a_retired_step_stays_on_old_visits(world, admin):
    step = world["step"]
    visit = make_visit(world["coach"], world["teacher"], world["a1"], library_step=step,
                       step_text=step.title)
    db.session.commit()
    admin(f"/admin/library/{step.id}/retire", {"retired": "yes"})
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).action_step.library_step_id == step.id


def test_a_step_of_another_trusts_school_is_refused(world, admin):
    response = admin(f"/admin/trusts/{world['trust_a'].id}/library", {
        "school_id": world["b1"].id, "category": "Q", "title": "T"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(LibraryStep).where(LibraryStep.title == "T")) is None


def test_import_preview_writes_nothing_and_confirm_imports(world, admin):
    a1 = world["a1"]
    text = "email,name,role\nnew1@example.org,New One,teacher\nbad-email,Bad,teacher\n"
    before = everything(world)

    preview = admin(f"/admin/schools/{a1.id}/import/preview",
                    {"csv_file": (io.BytesIO(text.encode()), "staff.csv")},
                    content_type="multipart/form-data")

    assert preview.status_code == 200
    html = unescape(preview.get_data(as_text=True))
    assert "<td>3</td><td>bad-email</td><td>'bad-email' is not a valid email address" in html
    assert everything(world) == before
    hidden = re.search(r'name="csv_text" type="hidden" value="([^"]*)"',
                       preview.get_data(as_text=True)).group(1)

    confirmed = admin(f"/admin/schools/{a1.id}/import", {"csv_text": unescape(hidden)})

    assert confirmed.status_code == 200
    person = db.session.scalar(sa.select(User).where(User.email == "new1@example.org"))
    assert [m.role for m in person.memberships] == ["teacher"]
    assert "/invite/" in confirmed.get_data(as_text=True)


def test_import_of_a_file_without_the_columns_is_refused_at_the_field(world, admin):
    response = admin(f"/admin/schools/{world['a1'].id}/import/preview",
                     {"csv_file": (io.BytesIO(b"who,what\nx,y\n"), "staff.csv")},
                     content_type="multipart/form-data")
    assert response.status_code == 422
    assert "must name the columns email, name and role" in field_errors(response)[0]


def test_audit_trail_lists_changes_newest_first_and_pages(world, admin, client):
    for number in range(55):
        admin(f"/admin/trusts/{world['trust_a'].id}/library",
              {"school_id": 0, "category": "Routines", "title": f"Step number {number}"})
    first = client.get(f"/admin/trusts/{world['trust_a'].id}/audit").get_data(as_text=True)
    assert "Step number 54" in first and "Step number 0&#39;" not in first
    assert "Ada Admin" in first
    url = f"/admin/trusts/{world['trust_a'].id}/audit"
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert "Step number 0" in second


def test_trust_roles_can_be_added_but_not_your_own_admin_removed(world, admin):
    trust = world["trust_a"]
    prefix = f"trust-{trust.id}-"
    response = admin(f"/admin/trusts/{trust.id}/people", {
        prefix + "email": "second@example.org", prefix + "name": "Sam Second",
        prefix + "role": "admin"})
    assert response.status_code == 200
    assert "/invite/" in response.get_data(as_text=True)
    own = admin(f"/admin/trusts/{trust.id}/people/{world['admin'].id}/remove", {"role": "admin"})
    assert own.status_code == 422
    assert "You cannot remove your own admin role." in own.get_data(as_text=True)


def test_admins_see_no_visits(world):
    seen = db.session.scalars(sa.select(Visit.id).where(visible_visits_clause(world["admin"])))
    assert list(seen) == []


def test_membership_changes_are_audited(world, admin):
    admin(f"/admin/schools/{world['a1'].id}/staff/{world['teacher'].id}",
          {"name": "Tia Teacher", "roles": ["coach"]})
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "staff.update"))
    assert event.details["roles_removed"] == ["teacher"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.user_id == world["teacher"].id)) == 1


def test_page_csrf_meta_is_present(world, client, auth):
    sign_in(auth, "admin@a")
    assert csrf_token_from(client.get("/admin/").get_data(as_text=True))


def test_a_large_file_survives_the_round_trip_through_the_preview(world, admin):
    """Just under the 400 KB web limit: the confirm form carries it back intact."""
    notes = "n" * 350
    rows = [f"person{n}@example.org,Person {n},teacher,{notes}" for n in range(1000)]
    text = "email,name,role,notes\r\n" + "\r\n".join(rows) + "\r\n"
    assert 350_000 < len(text.encode()) < 400_000
    preview = admin(f"/admin/schools/{world['a1'].id}/import/preview",
                    {"csv_file": (io.BytesIO(text.encode()), "staff.csv")},
                    content_type="multipart/form-data")
    assert preview.status_code == 200
    hidden = re.search(r'name="csv_text" type="hidden" value="([^"]*)"',
                       preview.get_data(as_text=True)).group(1)

    confirmed = admin(f"/admin/schools/{world['a1'].id}/import",
                      {"csv_text": unescape(hidden)}, content_type="multipart/form-data")

    assert confirmed.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.school_id == world["a1"].id, Membership.role == "teacher")) == 1002


def test_a_file_over_the_web_limit_is_refused_at_the_field(world, admin):
    text = "email,name,role\n" + "x" * 400_001
    response = admin(f"/admin/schools/{world['a1'].id}/import/preview",
                     {"csv_file": (io.BytesIO(text.encode()), "staff.csv")},
                     content_type="multipart/form-data")
    assert response.status_code == 422
    assert "larger than 400 KB" in field_errors(response)[0]


def test_a_trust_lead_without_a_password_gets_an_invitation_link(world, admin):
    world["trust_lead"].password_hash = None
    db.session.commit()
    response = admin(f"/admin/trusts/{world['trust_a'].id}/people/{world['trust_lead'].id}/link")
    assert response.status_code == 200
    assert "/invite/" in response.get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "link.invite"))
    assert event.details == {"email": "tl@a"}


def test_without_htmx_a_form_post_answers_the_whole_page(world, client, auth):
    token = sign_in(auth, "admin@a")
    prefix = f"new-school-{world['trust_a'].id}-"
    response = client.post(f"/admin/trusts/{world['trust_a'].id}/schools", data={
        "csrf_token": token, prefix + "name": "Oak", prefix + "slug": "a1",
        prefix + "timezone": "Europe/London", prefix + "cadence": "weekly"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" in html and "already used by another school" in html
