"""The coaching loop end to end at device sizes: the coach sets a step on the phone, the
teacher acknowledges and reflects on the tablet, the next drop-in keeps practising (the
same step), a later one judges it embedded and sets a new step. Who sees what on the way,
and axe-core on every page the loop changed."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ActionStep, User, Visit
from tests.browser.capture.conftest import open_capture_page, wait_for_empty_outbox
from tests.browser.conftest import assert_accessible, sign_in

TEACHER = "Amara Okafor"
TEACHER_EMAIL = "amara.okafor@example.org"
FIRST_STEP = "Give pupils ten seconds of silent thinking before any hands go up."
NEXT_STEP = "Ask a second pupil to build on the first answer."
REFLECTION = "Tried it with Year 5: more pupils explained their thinking."


def teacher_id() -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == TEACHER_EMAIL))


def steps_of_teacher() -> list[ActionStep]:
    db.session.rollback()
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(ActionStep)
            .where(ActionStep.teacher_id == teacher_id())
            .order_by(ActionStep.set_at)
        )
    )


def latest_visit() -> Visit:
    db.session.rollback()
    return db.session.scalar(
        sa.select(Visit)
        .where(Visit.teacher_id == teacher_id())
        .order_by(Visit.started_at.desc())
        .limit(1)
    )


def choose_teacher(phone):
    phone.get_by_label("Teacher").select_option(label=f"{TEACHER} · Riverside Primary")


def save_and_sync(phone):
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("[data-saved-message]")).to_contain_text("Saved on this phone")
    wait_for_empty_outbox(phone)


def test_the_coaching_loop_end_to_end(coach, tablet, laptop):
    phone = coach

    # 1. The coach sets a step on the phone (the teacher's demo step is closed as replaced).
    choose_teacher(phone)
    phone.get_by_role("button", name="Change").click()
    phone.get_by_label("Notes").fill("Pairs talk was lively; the same few answered.")
    phone.get_by_label("Action step").fill(FIRST_STEP)
    assert_accessible(phone, "loop-capture-set")
    save_and_sync(phone)
    step_id = latest_visit().action_step_id
    first = steps_of_teacher()[-1]
    assert (first.id, first.text, first.status) == (step_id, FIRST_STEP, "new")

    # 2. The teacher acknowledges, reflects and comments on the tablet.
    sign_in(tablet, TEACHER_EMAIL)
    expect(tablet).to_have_url(re.compile(r"/teacher$"))
    expect(tablet.locator("#step-heading")).to_have_text(FIRST_STEP)
    tablet.get_by_role("button", name="Got it: I’ll try this").click()
    expect(tablet.get_by_text("You acknowledged this on")).to_be_visible()
    tablet.get_by_label("What did you try, and what happened?").fill(REFLECTION)
    expect(tablet.locator("[data-reflection-counter]")).to_contain_text(
        f"{len(REFLECTION)} of 2,000"
    )
    tablet.get_by_role("button", name="Save reflection").click()
    expect(tablet.get_by_text("Reflection saved. Your coach can read it.")).to_be_visible()
    tablet.get_by_label("Add a comment").fill("Tried it in period 3, worked.")
    tablet.get_by_role("button", name="Send").click()
    expect(tablet.locator(".comment").last).to_contain_text("Tried it in period 3, worked.")
    wait_for_empty_outbox(tablet)
    expect(tablet.locator(".comment").last).to_contain_text("sent")
    expect(tablet.locator("[data-comment-status]")).to_have_text("Sent.")
    tablet.get_by_role("button", name="Send").click()  # nothing written: the error alone
    expect(tablet.get_by_text("Write a comment first.")).to_be_visible()
    expect(tablet.locator("[data-comment-status]")).to_have_text("")
    assert_accessible(tablet, "loop-teacher-tablet")
    acknowledged = steps_of_teacher()[-1]
    assert acknowledged.acknowledged_at is not None and acknowledged.reflection == REFLECTION
    assert [c.body for c in acknowledged.comments] == ["Tried it in period 3, worked."]

    # 3. The next drop-in keeps practising: the same step, status and acknowledgement.
    open_capture_page(phone)
    choose_teacher(phone)
    expect(phone.locator("[data-current-step-text]")).to_have_text(FIRST_STEP)
    phone.get_by_role("button", name="Keep practising").click()
    expect(phone.get_by_role("button", name="Keep practising")).to_have_attribute(
        "aria-pressed", "true"
    )
    save_and_sync(phone)
    revisit = latest_visit()
    assert revisit.action_step_id == step_id
    kept = steps_of_teacher()[-1]
    assert (kept.id, kept.status) == (step_id, "new")
    assert kept.acknowledged_at == acknowledged.acknowledged_at
    tablet.get_by_role("link", name="History").click()
    item = tablet.locator(".history-item").filter(has_text=FIRST_STEP)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Revisited")

    # The coach's record of the teacher, and the home page, on the phone.
    phone.goto("/visits")
    expect(phone.get_by_role("heading", name="Due this week")).to_be_visible()
    assert_accessible(phone, "loop-coach-home")
    phone.get_by_role("region", name="Your teachers").get_by_role(
        "link", name=TEACHER, exact=True
    ).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TEACHER)
    expect(phone.locator("[data-live-step]")).to_have_text(FIRST_STEP)
    expect(phone.get_by_text(REFLECTION)).to_be_visible()
    expect(phone.get_by_text("Tried it in period 3, worked.")).to_be_visible()
    phone.get_by_label("Add a comment").fill("Great: try it with Year 6 next.")
    phone.get_by_role("button", name="Send").click()
    wait_for_empty_outbox(phone)
    assert_accessible(phone, "loop-coach-record")

    # A lead on a laptop sees the step and its status, not the reflection.
    sign_in(laptop, "lead@example.org")
    laptop.goto(f"/visits/{revisit.id}")
    expect(laptop.locator("#action-step")).to_contain_text(FIRST_STEP)
    expect(laptop.locator("#action-step")).to_contain_text("read only by")
    expect(laptop.get_by_text(REFLECTION)).to_have_count(0)
    assert_accessible(laptop, "loop-lead-visit-page")

    # 4. A later drop-in judges it embedded and sets a new step.
    open_capture_page(phone)
    choose_teacher(phone)
    phone.get_by_role("button", name="Embedded").click()
    phone.get_by_label("Action step").fill(NEXT_STEP)
    save_and_sync(phone)
    steps = steps_of_teacher()
    embedded = next(step for step in steps if step.id == step_id)
    assert embedded.status == "embedded" and embedded.closed_at is not None
    live = [step for step in steps if step.status in ("new", "practising")]
    assert [step.text for step in live] == [NEXT_STEP]
    assert len(embedded.visits) == 2

    tablet.goto("/teacher")
    expect(tablet.locator("#step-heading")).to_have_text(NEXT_STEP)
    tablet.get_by_role("link", name="History").click()
    expect(tablet.locator(".history-item").filter(has_text=FIRST_STEP)).to_contain_text("Embedded")
