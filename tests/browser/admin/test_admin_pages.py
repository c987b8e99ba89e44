"""Admin pages on a laptop: each one axe-clean, and the htmx flows an admin uses."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import LibraryStep, School, Trust, User
from tests.browser.conftest import assert_accessible, sign_in


def ids():
    trust = db.session.scalar(sa.select(Trust).where(Trust.name == "Demo Trust"))
    school = db.session.scalar(sa.select(School).where(School.slug == "riverside"))
    teacher = db.session.scalar(sa.select(User).where(User.email == "teacher@example.org"))
    step = db.session.scalar(sa.select(LibraryStep).order_by(LibraryStep.id))
    return trust.id, school.id, teacher.id, step.id


def test_every_admin_page_is_accessible(demo, laptop):
    trust_id, school_id, teacher_id, step_id = ids()
    sign_in(laptop, "admin@example.org")
    pages = [
        ("/admin/", "Set-up"),
        (f"/admin/schools/{school_id}", "Riverside Primary"),
        (f"/admin/schools/{school_id}/staff/{teacher_id}", "Tom Baker"),
        (f"/admin/schools/{school_id}/pairs", "Coaching pairs at Riverside Primary"),
        (f"/admin/schools/{school_id}/import", "Import staff into Riverside Primary"),
        (f"/admin/trusts/{trust_id}/library", "Action-step library"),
        (f"/admin/library/{step_id}", "Edit step"),
        (f"/admin/trusts/{trust_id}/audit", "Audit trail"),
    ]
    for path, heading in pages:
        laptop.goto(path)
        expect(laptop.get_by_role("heading", level=1)).to_have_text(heading)
        name = "admin-" + (re.sub(r"[^a-z]+", "-", path.strip("/")).strip("-") or "index")
        assert_accessible(laptop, name)


def test_add_a_school_shows_errors_at_the_field_then_adds_it(demo, laptop):
    sign_in(laptop, "admin@example.org")
    laptop.get_by_label("School name").fill("Oak Lane")
    laptop.get_by_label("Short name").fill("riverside")
    laptop.get_by_role("button", name="Add school").click()
    expect(laptop.get_by_text("already used by another school")).to_be_visible()
    expect(laptop.get_by_label("Short name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(laptop, "admin-school-error")

    laptop.get_by_label("Short name").fill("oak-lane")
    laptop.get_by_label("Coaching cadence").select_option("weekly")
    laptop.get_by_role("button", name="Add school").click()
    expect(laptop.get_by_role("main").get_by_role("status")).to_contain_text("Added Oak Lane")
    expect(laptop.get_by_role("link", name="Oak Lane")).to_be_visible()
    school = db.session.scalar(sa.select(School).where(School.slug == "oak-lane"))
    assert school.cadence == "weekly"


def test_add_a_person_and_hand_them_their_link(demo, laptop, browser, base_url):
    _, school_id, _, _ = ids()
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id}")
    laptop.get_by_label("Email").fill("nadia.ali@example.org")
    laptop.get_by_label("Full name").fill("Nadia Ali")
    laptop.get_by_label("Teacher").check()
    laptop.get_by_role("button", name="Add to Riverside Primary").click()
    link_box = laptop.get_by_label("Invitation link for Nadia Ali")
    expect(link_box).to_be_visible()
    assert_accessible(laptop, "admin-person-added")
    link = link_box.input_value()

    context = browser.new_context(base_url=base_url, viewport={"width": 820, "height": 1180})
    page = context.new_page()
    page.goto(link.replace("http://localhost", base_url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Dropin")
    assert_accessible(page, "invite-set-password")
    page.get_by_label("New password").fill("a long new password")
    page.get_by_label("Type it again").fill("a long new password")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My action step")
    page.goto(link.replace("http://localhost", base_url))
    expect(page.get_by_role("alert")).to_contain_text("already been used")
    assert_accessible(page, "invite-used")
    context.close()


def test_refused_pair_says_why_then_a_pair_is_added_and_ended(demo, laptop):
    _, school_id, _, _ = ids()
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id}/pairs")
    laptop.get_by_label("Coach", exact=True).select_option(label="Priya Shah (coach@example.org)")
    laptop.get_by_label("Person coached").select_option(label="Priya Shah (coach@example.org)")
    laptop.get_by_role("button", name="Add pair").click()
    expect(laptop.get_by_text("Priya Shah cannot coach themselves.")).to_be_visible()
    assert_accessible(laptop, "admin-pair-error")

    laptop.get_by_label("Person coached").select_option(label="Ben Carter (ben.carter@example.org)")
    laptop.get_by_role("button", name="Add pair").click()
    confirmation = laptop.get_by_role("main").get_by_role("status")
    expect(confirmation).to_contain_text("Priya Shah coaches Ben Carter")
    laptop.get_by_role("button", name="End… Priya Shah coaching Ben Carter").click()
    expect(laptop.get_by_text("End this pair?")).to_be_visible()
    assert_accessible(laptop, "admin-pair-confirm-end")
    laptop.get_by_role(
        "button", name=re.compile("^Yes, end it.*Priya Shah coaching Ben Carter$")
    ).click()
    expect(laptop.get_by_text("Ends today")).to_be_visible()


def test_import_preview_then_confirm(demo, laptop, tmp_path):
    _, school_id, _, _ = ids()
    csv_file = tmp_path / "staff.csv"
    csv_file.write_bytes(
        "\ufeffEmail;Name;Role;Year\r\nzara.khan@example.org;Zara Khan;teacher;Y4\r\n"
        "bad-email;Bad Row;teacher;Y5\r\nteacher@example.org;Tom B.;coach;\r\n".encode()
    )
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id}/import")
    laptop.get_by_label("CSV file").set_input_files(str(csv_file))
    laptop.get_by_role("button", name="Preview the import").click()
    expect(laptop.get_by_role("heading", name="2. Check the preview")).to_be_visible()
    problem = "“bad-email” is not a valid email address"
    expect(laptop.get_by_role("cell", name=problem)).to_be_visible()
    assert_accessible(laptop, "admin-import-preview")
    assert db.session.scalar(sa.select(User).where(User.email == "zara.khan@example.org")) is None

    laptop.get_by_role("button", name="Import 2 people (2 roles)").click()
    expect(laptop.get_by_role("heading", name="3. Imported")).to_be_visible()
    expect(laptop.get_by_role("cell", name=problem)).to_be_visible()  # the row left out
    laptop.context.grant_permissions(["clipboard-read", "clipboard-write"])
    laptop.get_by_role("button", name="Copy link for Zara Khan").click()
    expect(laptop.locator(".copy-status").first).to_have_text("Copied.")
    copied = laptop.evaluate("navigator.clipboard.readText()")
    assert copied == laptop.get_by_label("Link for Zara Khan").input_value()
    assert "/invite/" in copied
    assert_accessible(laptop, "admin-import-result")
    db.session.expire_all()
    zara = db.session.scalar(sa.select(User).where(User.email == "zara.khan@example.org"))
    tom = db.session.scalar(sa.select(User).where(User.email == "teacher@example.org"))
    assert [m.role for m in zara.memberships] == ["teacher"]
    assert tom.name == "Tom Baker"
    assert sorted(m.role for m in tom.memberships) == ["coach", "teacher"]


def test_a_picture_is_refused_as_not_a_csv(demo, laptop, tmp_path):
    _, school_id, _, _ = ids()
    picture = tmp_path / "staff.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id}/import")
    laptop.get_by_label("CSV file").set_input_files(str(picture))
    laptop.get_by_role("button", name="Preview the import").click()
    expect(
        laptop.get_by_text(
            "That file isn't a CSV. Save it from your spreadsheet as CSV (UTF-8) and try again."
        )
    ).to_be_visible()
    assert_accessible(laptop, "admin-import-not-csv")


def test_a_resized_text_box_does_not_break_the_csp_on_submit(demo, laptop):
    """htmx used to copy a resized textarea's style attribute onto the swapped-in one."""
    trust_id, _, _, _ = ids()
    refused = []
    laptop.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/trusts/{trust_id}/library")
    laptop.locator("#title").evaluate("box => { box.style.height = '150px'; }")
    laptop.get_by_role("button", name="Add step").click()
    expect(laptop.get_by_text("Write the action step.")).to_be_visible()
    laptop.get_by_role("button", name="Add step").click()
    expect(laptop.get_by_text("Write the action step.")).to_be_visible()
    assert refused == []


def test_library_edit_inline_and_retire(demo, laptop):
    trust_id, _, _, _ = ids()
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/trusts/{trust_id}/library")
    first = laptop.locator(".step-card").first
    title = first.locator("strong").inner_text()
    first.get_by_role("link", name=re.compile("^Edit")).click()
    editor = laptop.get_by_role("form", name="Edit step")
    editor.get_by_label("Action step").fill("")
    editor.get_by_role("button", name="Save step").click()
    expect(laptop.get_by_text("Write the action step.")).to_be_visible()
    assert_accessible(laptop, "admin-library-edit-error")
    editor.get_by_label("Action step").fill(title + " (edited)")
    editor.get_by_role("button", name="Save step").click()
    expect(laptop.locator(".step-card strong", has_text=title + " (edited)")).to_be_visible()
    laptop.get_by_role("button", name=f"Retire “{title} (edited)”").click()
    expect(laptop.get_by_role("heading", name=re.compile("Retired steps"))).to_be_visible()
    assert_accessible(laptop, "admin-library-retired")


def test_deactivate_then_reactivate(demo, laptop):
    _, school_id, teacher_id, _ = ids()
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id}/staff/{teacher_id}")
    laptop.get_by_role("button", name="Deactivate Tom Baker").click()
    expect(laptop.get_by_text("Tom Baker cannot sign in.")).to_be_visible()
    assert_accessible(laptop, "admin-person-deactivated")
    laptop.get_by_role("button", name="Reactivate Tom Baker").click()
    expect(laptop.get_by_text("Tom Baker can sign in.")).to_be_visible()

    laptop.get_by_role("link", name="Set-up").click()
    laptop.get_by_role("link", name="Audit trail").click()
    rows = laptop.locator("tbody tr")
    expect(rows.first).to_contain_text("Reactivated Tom Baker")
    expect(rows.nth(1)).to_contain_text("Deactivated Tom Baker")
    expect(rows.first).to_contain_text("Alex Admin")
    expect(rows.first.locator(".event-changes li")).to_have_text(["Email: teacher@example.org"])
    assert_accessible(laptop, "admin-audit-with-events")


def test_password_reset_page_is_accessible(demo, laptop):
    laptop.goto("/password-reset")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(laptop, "password-reset")
