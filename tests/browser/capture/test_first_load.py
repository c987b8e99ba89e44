"""The first visit downloads each file once: the service worker keeps the capture page the
coach just opened (from the browser's cache) and confirms the page's files with the
server (304s) instead of downloading them again; the page still opens offline after."""

from playwright.sync_api import expect

from tests.browser.capture.conftest import wait_for_service_worker
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from


def test_first_visit_downloads_the_capture_page_and_its_files_once(demo, phone, live_server):
    context = phone.context
    token = csrf_token_from(context.request.get("/login").text())
    context.request.post(
        "/login",
        form={"email": "coach@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    requests: list[tuple[str, bool]] = []  # (path, sent with the copy's validator)

    def record(environ):
        if environ["REQUEST_METHOD"] == "GET":
            requests.append((environ["PATH_INFO"], "HTTP_IF_NONE_MATCH" in environ))

    seen = live_server.faults
    seen.prefix = "/"  # every request the server gets
    seen.rule = record
    try:
        phone.goto("/visits/new")
        wait_for_service_worker(phone)
        phone.wait_for_function(
            """async () => {
                for (const name of await caches.keys()) {
                    if (!name.startsWith("dropin-user-")) continue;
                    if (await (await caches.open(name)).match("/visits/new")) return true;
                }
                return false;
            }"""
        )
    finally:
        seen.prefix, seen.rule = "/api/", None
    assert [path for path, _ in requests].count("/visits/new") == 1
    static = [(path, conditional) for path, conditional in requests if "/static/" in path]
    full_downloads = [path for path, conditional in static if not conditional]
    assert len(full_downloads) == len(set(full_downloads)), full_downloads
    assert ("/static/js/capture.js", True) in static  # confirmed by the worker: a 304

    context.set_offline(True)
    phone.reload()
    expect(phone.get_by_label("Notes")).to_be_visible()
    context.set_offline(False)
