"""Issue 12, photos go with the drop-in they were taken for: Save waits for photos still
being shrunk, and the server keeps exactly the phone's final list of a fixed capture."""

import pytest
from playwright.sync_api import expect

from app.photos.storage import photo_storage
from tests.browser.capture.conftest import (
    Stored,
    demo_visit_ids,
    fill_capture,
    outbox_items,
    photo_bytes,
    sha256,
    wait_for_empty_outbox,
    wait_for_outbox,
)

#: Holds every photo at the shrinking step until the test lets them through, as a slow
#: phone does with large pictures: the real downscaling then runs.
HOLD_SHRINKING = """() => {
    const real = Dropin.photos.downscaled;
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    window.releasePhotos = release;
    Dropin.photos.downscaled = async (file) => { await gate; return real(file); };
}"""


def pick_photos(page, photos):
    page.get_by_label("Photos").set_input_files(
        [
            {"name": f"photo{index}.jpg", "mimeType": "image/jpeg", "buffer": data}
            for index, data in enumerate(photos)
        ]
    )


def test_save_waits_for_photos_still_being_shrunk_and_keeps_them_with_their_drop_in(coach):
    before = demo_visit_ids()
    photos = [photo_bytes(31), photo_bytes(32), photo_bytes(33)]
    coach.evaluate(HOLD_SHRINKING)
    fill_capture(coach, teacher="Tom Baker")
    pick_photos(coach, photos)
    expect(coach.get_by_text("Preparing 3 photos…")).to_be_visible()

    coach.get_by_role("button", name="Save").click()
    save = coach.locator("[data-save]")
    expect(save).to_have_text("Saving when the photos are ready…")
    expect(save).to_be_disabled()
    expect(coach.get_by_text("Saved on this phone")).to_be_hidden()

    coach.evaluate("window.releasePhotos()")
    expect(coach.get_by_text("Saved on this phone: drop-in with Tom Baker")).to_be_visible()
    # The fresh form starts with no photos, now and after the shrinking has settled.
    expect(coach.locator("[data-photo-list] li")).to_have_count(0)
    coach.wait_for_timeout(500)
    expect(coach.locator("[data-photo-list] li")).to_have_count(0)
    expect(coach.get_by_text("Preparing")).to_be_hidden()

    wait_for_empty_outbox(coach)
    stored = Stored()
    [visit] = stored.new_visits(before)
    assert visit.teacher.email == "teacher@example.org"
    assert visit.is_complete
    assert sorted(photo.sha256 for photo in visit.photos) == sorted(sha256(p) for p in photos)

    # The next drop-in, for another teacher, has none of them.
    fill_capture(coach, teacher="Amara Okafor")
    coach.get_by_role("button", name="Save").click()
    expect(coach.get_by_text("Saved on this phone: drop-in with Amara Okafor")).to_be_visible()
    wait_for_empty_outbox(coach)
    [second] = [v for v in Stored().new_visits(before) if v.id != visit.id]
    assert second.photos == [] and second.expected_photo_ids == []


def test_a_photo_removed_while_fixing_a_refused_capture_leaves_the_server_too(coach, live_server):
    before = demo_visit_ids()
    photos = [photo_bytes(41), photo_bytes(42)]
    puts = []

    def refuse_second_photo(environ):
        path = environ["PATH_INFO"]
        if environ["REQUEST_METHOD"] == "PUT" and "/photos/" in path:
            puts.append(path)
            if len(puts) == 2:
                return (
                    "422 UNPROCESSABLE ENTITY",
                    b'{"errors": {"photo": ["Not this one."]}}',
                    "application/json",
                )
        return None

    live_server.faults.rule = refuse_second_photo
    fill_capture(coach, teacher="Tom Baker", photos=photos)
    coach.get_by_role("button", name="Save").click()
    expect(coach.get_by_text("Saved on this phone")).to_be_visible()
    wait_for_outbox(coach, "items.length === 1 && items[0].state === 'needs-attention'")
    [visit] = Stored().new_visits(before)
    assert len(visit.photos) == 1  # the first photo reached the server
    on_server = visit.photos[0]
    dropped_id, dropped_files = on_server.id, {on_server.storage_key, on_server.thumbnail_key}
    live_server.faults.rule = None

    # The coach fixes the capture: removes the photo that had reached the server.
    coach.goto(f"/visits/new?edit={visit.id}")
    expect(coach.get_by_role("heading", name="Fix this drop-in")).to_be_visible()
    expect(coach.locator("[data-photo-list] li")).to_have_count(2)
    coach.get_by_role("button", name="Remove photo 1").click()
    expect(coach.locator("[data-photo-list] li")).to_have_count(1)
    coach.get_by_role("button", name="Save").click()
    coach.wait_for_url("**/outbox")
    wait_for_empty_outbox(coach)

    stored = Stored()
    [fixed] = stored.new_visits(before)
    assert [photo.sha256 for photo in fixed.photos] == [sha256(photos[1])]
    assert fixed.expected_photo_ids == [str(fixed.photos[0].id)]
    assert fixed.is_complete
    assert dropped_id not in {photo.id for photo in stored.photos}
    for key in dropped_files:
        with pytest.raises(FileNotFoundError):
            photo_storage().read(key)
    assert outbox_items(coach) == []
