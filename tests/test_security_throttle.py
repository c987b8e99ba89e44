"""Guessing passwords: limits that hold under concurrency, a shared school address,
password-reset requests (issue 11). Runs against a real threaded server on 127.0.0.1."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from app.auth.services import clear_failures, forget_attempt, is_throttled, record_attempt
from app.extensions import db
from tests.factories import make_school, make_trust, make_user
from tests.live_server import SignInForm, live_server

ATTEMPTS = 60


def test_sixty_simultaneous_wrong_passwords_get_at_most_the_limit_checked(app):
    school = make_school(make_trust())
    make_user("target@example.test", roles=[(school, "teacher")])
    db.session.commit()
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    with live_server(app) as port:
        forms = [SignInForm(port) for _ in range(ATTEMPTS)]
        start = threading.Barrier(ATTEMPTS, timeout=60)

        def attempt(form: SignInForm) -> int:
            start.wait()
            return form.post("target@example.test", "a wrong guess")

        with ThreadPoolExecutor(ATTEMPTS) as pool:
            statuses = list(pool.map(attempt, forms))
    checked = statuses.count(401)
    assert 1 <= checked <= limit, statuses
    assert statuses.count(429) == ATTEMPTS - checked, statuses


def test_reset_requests_are_limited_per_email_whether_or_not_it_has_an_account(app, client):
    from tests.conftest import csrf_token_from

    school = make_school(make_trust())
    make_user("known@example.test", roles=[(school, "teacher")])
    db.session.commit()
    limit = app.config["RESET_REQUESTS_PER_EMAIL"]
    answers = {}
    for email in ("known@example.test", "unknown@example.test"):
        statuses = []
        for _ in range(limit + 1):
            token = csrf_token_from(client.get("/password-reset").get_data(as_text=True))
            form = {"email": email, "csrf_token": token}
            statuses.append(client.post("/password-reset", data=form).status_code)
        answers[email] = statuses
    assert answers["known@example.test"] == answers["unknown@example.test"]
    assert answers["known@example.test"] == [200] * limit + [429]


def test_reset_requests_are_limited_per_address(app, client):
    from tests.conftest import csrf_token_from

    limit = app.config["RESET_REQUESTS_PER_ADDRESS"]
    statuses = []
    for number in range(limit + 1):
        token = csrf_token_from(client.get("/password-reset").get_data(as_text=True))
        form = {"email": f"person{number}@example.test", "csrf_token": token}
        statuses.append(client.post("/password-reset", data=form).status_code)
    assert statuses == [200] * limit + [429]


def test_a_sign_in_whose_attempt_another_sign_in_cleared_is_still_judged(app):
    """Two sign-ins of one account at the same moment: the first to succeed clears the
    account's attempts, the second's row among them. The second is still judged (it was
    a 500: its attempt's row was read again after the commit, and had gone)."""
    with app.test_request_context():
        attempt = record_attempt("coach@a1.test", "10.0.0.9")
        db.session.commit()
        clear_failures("coach@a1.test")  # the other sign-in succeeded
        db.session.commit()
        assert is_throttled(attempt) is False
        forget_attempt(attempt)
        db.session.commit()
