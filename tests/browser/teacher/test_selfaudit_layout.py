"""The self-audit's options on a teacher's tablet: every radio circle the same size
however long its option's words, and no option's words running past its box."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_self_audit_radios_keep_their_size_and_words_stay_in_their_boxes(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    tablet.goto("/teacher/self-audit")
    expect(tablet.get_by_role("heading", name="My self-audit")).to_be_visible()
    radio_widths = tablet.eval_on_selector_all(
        ".scale-option input", "els => [...new Set(els.map(e => e.getBoundingClientRect().width))]"
    )
    assert len(radio_widths) == 1 and radio_widths[0] >= 20, radio_widths
    overflowing = tablet.eval_on_selector_all(
        ".scale-option",
        "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent.trim())",
    )
    assert overflowing == []
