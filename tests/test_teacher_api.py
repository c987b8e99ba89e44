"""Done when: a visit made through the sync API reaches the teacher's page; what the
teacher does there reaches the coach; a colleague gets 404 for all of it."""

from __future__ import annotations

import uuid

import pytest

from tests.api_support import ApiClient, build_world, capture_for
from tests.conftest import csrf_token_from
from tests.photo_fixtures import plain_jpeg

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(app):
    return build_world()


def person(app, world, name) -> ApiClient:
    return ApiClient(app.test_client()).sign_in(world["people"][name].email)


def teacher_post(teacher: ApiClient, path: str, data: dict | None = None):
    token = csrf_token_from(teacher.get("/teacher").get_data(as_text=True))
    return teacher.request("POST", path, data={"csrf_token": token, **(data or {})}, headers=HTMX)


def coach_puts_a_visit(app, world, photo_id: uuid.UUID | None = None) -> uuid.UUID:
    visit_id = uuid.uuid4()
    body = capture_for(
        world["people"]["teacher"],
        notes="Calm start; hinge question worked.",
        action_step={
            "text": "Ask one hinge question before moving on.",
            "library_step_id": world["steps"]["trust_wide"].id,
        },
        photo_ids=[str(photo_id)] if photo_id else [],
    )
    coach = person(app, world, "coach")
    response = coach.put_visit(visit_id, body)
    assert response.status_code == 201, response.get_json()
    if photo_id:
        response = coach.put_photo(visit_id, photo_id, plain_jpeg(640, 480))
        assert response.status_code == 201, response.get_json()
    return visit_id


def test_a_step_sent_through_the_api_is_acknowledged_reflected_and_practised(app, world):
    visit_id = coach_puts_a_visit(app, world)
    teacher = person(app, world, "teacher")

    home = teacher.get("/teacher").get_data(as_text=True)
    assert "Ask one hinge question before moving on." in home
    assert "Calm start; hinge question worked." in home
    assert "Questioning" in home  # the library step's category

    steps = f"/teacher/steps/{visit_id}"
    assert teacher_post(teacher, f"{steps}/acknowledge").status_code == 200
    reflection = "Tried it in period 3: half the class had it, so I retaught with an example."
    assert (
        teacher_post(teacher, f"{steps}/reflection", {"reflection": reflection}).status_code == 200
    )
    assert teacher_post(teacher, f"{steps}/status", {"status": "practising"}).status_code == 200

    coach = person(app, world, "coach")
    step = coach.get_visit(visit_id).get_json()["action_step"]
    assert step["acknowledged_at"] is not None
    assert step["reflection"] == reflection
    assert step["status"] == "practising"
    visit_page = coach.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Acknowledged by" in visit_page
    assert reflection in visit_page
    assert "Practising since" in visit_page
    coach_list = coach.get("/visits").get_data(as_text=True)
    assert "Acknowledged" in coach_list
    assert "Practising since" in coach_list
    assert "Reflection written" in coach_list


def test_the_api_and_the_page_share_one_rule_for_reflections(app, world):
    """The page refuses and accepts exactly what the API does, with the same words."""
    visit_id = coach_puts_a_visit(app, world)
    teacher = person(app, world, "teacher")
    path = f"/teacher/steps/{visit_id}/reflection"
    for length, status in [(2001, 422), (2000, 200)]:
        api = teacher.patch_step(visit_id, {"reflection": "a" * length})
        page = teacher_post(teacher, path, {"reflection": "b" * length})
        assert (api.status_code, page.status_code) == (status, status)
        if status == 422:
            assert api.get_json()["errors"]["reflection"][0] in page.get_data(as_text=True)


def test_the_teacher_sees_the_photos_of_their_step(app, world):
    photo_id = uuid.uuid4()
    coach_puts_a_visit(app, world, photo_id)
    teacher = person(app, world, "teacher")
    home = teacher.get("/teacher").get_data(as_text=True)
    assert f'src="/photos/{photo_id}/thumbnail"' in home
    assert f'href="/photos/{photo_id}"' in home
    for path in [f"/photos/{photo_id}", f"/photos/{photo_id}/thumbnail"]:
        response = teacher.get(path)
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert "private" in response.headers["Cache-Control"]


def test_another_teacher_gets_404_for_everything_of_this_teacher(app, world):
    photo_id = uuid.uuid4()
    visit_id = coach_puts_a_visit(app, world, photo_id)
    teacher = person(app, world, "teacher")
    teacher_post(
        teacher, f"/teacher/steps/{visit_id}/reflection", {"reflection": "Private thoughts"}
    )

    colleague = person(app, world, "other_teacher")
    assert colleague.get_visit(visit_id).status_code == 404
    assert colleague.patch_step(visit_id, {"acknowledged": True}).status_code == 404
    assert colleague.patch_step(visit_id, {"status": "embedded"}).status_code == 404
    for action, data in [
        ("acknowledge", {}),
        ("status", {"status": "embedded"}),
        ("reflection", {"reflection": "Overwritten"}),
    ]:
        response = teacher_post(colleague, f"/teacher/steps/{visit_id}/{action}", data)
        assert response.status_code == 404
    assert colleague.get(f"/photos/{photo_id}").status_code == 404
    assert colleague.get(f"/photos/{photo_id}/thumbnail").status_code == 404
    for path in ["/teacher", "/teacher/history", "/teacher/journey"]:
        html = colleague.get(path).get_data(as_text=True)
        assert str(photo_id) not in html
        assert "Ask one hinge question" not in html
        assert "Private thoughts" not in html

    step = person(app, world, "coach").get_visit(visit_id).get_json()["action_step"]
    assert (step["acknowledged_at"], step["status"], step["reflection"]) == (
        None,
        "new",
        "Private thoughts",
    )
