"""A real threaded HTTP server on 127.0.0.1 for tests that need concurrency or sockets."""

from __future__ import annotations

import http.client
import re
import threading
from contextlib import contextmanager
from urllib.parse import urlencode

from werkzeug.serving import make_server

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@contextmanager
def live_server(app):
    """Yields the port of `app` served by werkzeug's threaded server; stops it after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


class SignInForm:
    """One browser's sign-in form: its cookie and CSRF token, then one POST."""

    def __init__(self, port: int):
        self.port = port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/login")
        response = connection.getresponse()
        html = response.read().decode()
        self.cookie = response.getheader("Set-Cookie").split(";")[0]
        self.token = CSRF_META.search(html).group(1)
        connection.close()

    def post(self, email: str, password: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        body = urlencode({"email": email, "password": password, "csrf_token": self.token})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
        }
        connection.request("POST", "/login", body=body, headers=headers)
        status = connection.getresponse().status
        connection.close()
        return status
