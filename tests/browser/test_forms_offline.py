"""Plain forms that are not queued in the outbox (the self-audit, a triad's GROW write-up)
lose nothing typed when the connection is gone: offline, the form is not sent and says
so; what was typed is still there and saves once the device is back online."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.cycles.models import GrowWriteUp
from app.demo import TRIAD_KEY
from app.extensions import db
from app.localtime import local_today
from app.selfaudit.areas import AREAS
from tests.browser.conftest import assert_accessible, sign_in

OFFLINE = "You are offline: nothing was sent, and what you wrote is still here."


def test_a_grow_write_up_typed_offline_is_kept_and_saves_once_online(demo, tablet):
    sign_in(tablet, "nia.roberts@example.org")
    tablet.goto(f"/triads/{TRIAD_KEY}/write-ups")
    yesterday = local_today("Europe/London") - timedelta(days=1)
    tablet.get_by_label("Date of the meeting").fill(yesterday.isoformat())
    tablet.get_by_label("Goal").fill("Nia-offline: a full sentence from everyone")
    tablet.get_by_label("Reality").fill("Single-word answers in Year 5")
    tablet.get_by_label("Options").fill("Stems on the board")
    tablet.get_by_label("Way forward").fill("Stems for a fortnight")

    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Save write-up").click()
    expect(tablet.get_by_role("alert").filter(has_text=OFFLINE)).to_be_visible()
    expect(tablet.get_by_label("Goal")).to_have_value("Nia-offline: a full sentence from everyone")
    assert_accessible(tablet, "triads-new-offline-tablet")
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(GrowWriteUp.goal.startswith("Nia-offline"))
        )
        == 0
    )

    tablet.context.set_offline(False)
    tablet.get_by_role("button", name="Save write-up").click()
    expect(tablet.get_by_role("status").filter(has_text="Write-up saved")).to_be_visible()
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(GrowWriteUp.goal.startswith("Nia-offline"))
        )
        == 1
    )


def test_a_self_audit_saved_offline_says_nothing_was_sent_and_keeps_the_answers(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    tablet.goto("/teacher/self-audit")
    for area in AREAS:
        for statement in area.statements:
            tablet.get_by_role("group", name=statement.text).get_by_text(
                "Mostly secure", exact=True
            ).click()
    focus = tablet.get_by_role("group", name="The one area I want to focus on this term")
    focus.get_by_text("Getting pupils thinking hard").click()

    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Save my self-audit").click()
    expect(tablet.get_by_role("alert").filter(has_text=OFFLINE)).to_be_visible()
    expect(focus.get_by_label("Getting pupils thinking hard")).to_be_checked()

    tablet.context.set_offline(False)
    tablet.get_by_role("button", name="Save my self-audit").click()
    expect(tablet.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
