"""Take-out in the browser: a teacher on a tablet downloads their own data; an admin on a
laptop exports the whole trust. Both pages pass axe."""

from __future__ import annotations

import json
import zipfile

from tests.browser.conftest import assert_accessible, sign_in


def test_a_teacher_downloads_their_own_data_on_a_tablet(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    tablet.get_by_role("navigation", name="Main").get_by_role("link", name="Your data").click()
    assert tablet.get_by_role("heading", name="Your data", level=1).is_visible()
    assert_accessible(tablet, "takeout-teacher-tablet-empty")
    tablet.get_by_role("button", name="Prepare my download").click()
    link = tablet.get_by_role("link", name="Download the zip")
    link.wait_for()  # htmx asks again every 2 s until the thread has built it
    assert_accessible(tablet, "takeout-teacher-tablet-ready")
    with tablet.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename.startswith("dropin-my-data-")
    with zipfile.ZipFile(download.path()) as archive:
        account = json.loads(archive.read("json/account.json"))
        visits = json.loads(archive.read("json/visits_as_teacher.json"))
    assert account[0]["email"] == "teacher@example.org"
    assert visits and all(visit["coach"] for visit in visits)


def test_an_admin_exports_the_trust_on_a_laptop(demo, laptop):
    sign_in(laptop, "admin@example.org")
    laptop.goto("/admin")
    laptop.get_by_role("link", name="Export the trust").first.click()
    assert laptop.get_by_role("heading", name="Export the trust", level=1).is_visible()
    assert_accessible(laptop, "takeout-admin-laptop-empty")
    laptop.get_by_role("button", name="Export the trust").click()
    link = laptop.get_by_role("link", name="Download the zip")
    link.wait_for(timeout=30_000)
    assert_accessible(laptop, "takeout-admin-laptop-ready")
    with laptop.expect_download() as downloading:
        link.click()
    with zipfile.ZipFile(downloading.value.path()) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert {"README.md", "tables/visit.csv", "tables/user.csv"} <= names
    assert manifest["trust_name"] == "Demo Trust"
