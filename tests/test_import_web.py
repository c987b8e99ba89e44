"""Staff import on the web: upload, preview that writes nothing, confirm."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import io
import re
from html import unescape

import sqlalchemy as sa

from app.extensions import db
from app.models import Membership, User
from tests.admin_world import admin, everything, field_errors, world  # noqa: F401  (pytest fixtures)


def test_import_preview_writes_nothing_and_confirm_imports(world, admin):
    a1 = world["a1"]
    text = "email,name,role\nnew1@example.org,New One,teacher\nbad-email,Bad,teacher\n"
    before = everything(world)

    preview = admin(
        f"/admin/schools/{a1.id}/import/preview",
        {"csv_file": (io.BytesIO(text.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )

    assert preview.status_code == 200
    html = unescape(preview.get_data(as_text=True))
    assert "<td>3</td><td>bad-email</td><td>“bad-email” is not a valid email address" in html
    assert everything(world) == before
    hidden = re.search(
        r'name="csv_text" type="hidden" value="([^"]*)"', preview.get_data(as_text=True)
    ).group(1)

    confirmed = admin(f"/admin/schools/{a1.id}/import", {"csv_text": unescape(hidden)})

    assert confirmed.status_code == 200
    person = db.session.scalar(sa.select(User).where(User.email == "new1@example.org"))
    assert [m.role for m in person.memberships] == ["teacher"]
    assert "/invite/" in confirmed.get_data(as_text=True)


def test_import_of_a_file_without_the_columns_is_refused_at_the_field(world, admin):
    response = admin(
        f"/admin/schools/{world['a1'].id}/import/preview",
        {"csv_file": (io.BytesIO(b"who,what\nx,y\n"), "staff.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "must name the columns email, name and role" in field_errors(response)[0]


def test_a_large_file_survives_the_round_trip_through_the_preview(world, admin):
    """Just under the 400 KB web limit: the confirm form carries it back intact."""
    notes = "n" * 350
    rows = [f"person{n}@example.org,Person {n},teacher,{notes}" for n in range(1000)]
    text = "email,name,role,notes\r\n" + "\r\n".join(rows) + "\r\n"
    assert 350_000 < len(text.encode()) < 400_000
    preview = admin(
        f"/admin/schools/{world['a1'].id}/import/preview",
        {"csv_file": (io.BytesIO(text.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    hidden = re.search(
        r'name="csv_text" type="hidden" value="([^"]*)"', preview.get_data(as_text=True)
    ).group(1)

    confirmed = admin(
        f"/admin/schools/{world['a1'].id}/import",
        {"csv_text": unescape(hidden)},
        content_type="multipart/form-data",
    )

    assert confirmed.status_code == 200
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.school_id == world["a1"].id, Membership.role == "teacher")
        )
        == 1002
    )


def test_a_file_over_the_web_limit_is_refused_at_the_field(world, admin):
    text = "email,name,role\n" + "x" * 400_001
    response = admin(
        f"/admin/schools/{world['a1'].id}/import/preview",
        {"csv_file": (io.BytesIO(text.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "larger than 400 KB" in field_errors(response)[0]


PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


def test_a_picture_instead_of_a_csv_is_explained_at_the_field(world, admin):
    before = everything(world)
    response = admin(
        f"/admin/schools/{world['a1'].id}/import/preview",
        {"csv_file": (io.BytesIO(PNG_BYTES), "staff.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert field_errors(response) == [
        "That file isn't a CSV. Save it from your spreadsheet as CSV (UTF-8) and try again."
    ]
    assert everything(world) == before


def preview_and_confirm(admin, school, text):
    preview = admin(
        f"/admin/schools/{school.id}/import/preview",
        {"csv_file": (io.BytesIO(text.encode()), "staff.csv")},
        content_type="multipart/form-data",
    )
    hidden = re.search(
        r'name="csv_text" type="hidden" value="([^"]*)"', preview.get_data(as_text=True)
    ).group(1)
    confirmed = admin(f"/admin/schools/{school.id}/import", {"csv_text": unescape(hidden)})
    return unescape(preview.get_data(as_text=True)), unescape(confirmed.get_data(as_text=True))


def test_the_confirm_button_counts_people_and_the_result_lists_the_rows_left_out(world, admin):
    text = (
        "email,name,role\nann@example.org,Ann Ash,teacher\nann@example.org,Ann Ash,coach\n"
        "bo@example.org,Bo Bell,teacher\nbad-email,Bad,teacher\n"
    )
    preview, result = preview_and_confirm(admin, world["a1"], text)
    assert "Import 2 people (3 roles)</button>" in preview
    assert "2 new people and 3 roles added" in result and "1 row was left out" in result
    assert "<h3>Rows left out</h3>" in result
    assert "<td>5</td><td>bad-email</td><td>“bad-email” is not a valid email address" in result


def test_invite_links_are_shown_in_full_with_a_copy_button(world, admin):
    _, result = preview_and_confirm(
        admin, world["a1"], "email,name,role\nann@example.org,Ann Ash,teacher\n"
    )
    link = re.search(
        r'<textarea class="link-text" id="(link-\d+)"[^>]*>(http[^<]+/invite/[^<]+)'
        r"</textarea>",
        result,
    )
    assert link, result
    assert f'data-copy="{link.group(1)}">Copy link' in result
