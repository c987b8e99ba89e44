"""The top nav on a coach's phone: every link on screen (the nav wraps, never scrolls
sideways out of sight), each a full tap target."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def nav_link_boxes(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".topnav a",
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            return {label: e.textContent.trim(), left: r.left, right: r.right, height: r.height};
        })""",
    )


def test_every_nav_link_of_a_coach_in_a_triad_is_on_a_phone_screen(demo, phone):
    sign_in(phone, "nia.roberts@example.org")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Drop-ins")
    width = phone.viewport_size["width"]
    links = nav_link_boxes(phone)
    labels = [link["label"] for link in links]
    assert {"Drop-ins", "New drop-in", "Emails", "Your data", "My triad"} <= set(labels)
    for link in links:
        assert link["left"] >= 0 and link["right"] <= width, link
        assert link["height"] >= 44, link
    expect(phone.locator(".topnav a[aria-current='page']")).to_have_text("Drop-ins")
