"""A small trust deployment on 127.0.0.1 for the deployment tests: app servers started by
boot.sh (so by gunicorn, in production mode) on one PostgreSQL database and one S3 store, and
a client that signs in through the real form like a browser."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path

import requests

from tests.servers import ROOT, free_port, stop, wait_until_answering

PASSWORD = "cluster-demo-password"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def app_environment(database_url: str, s3_env: dict, photo_storage: str) -> dict[str, str]:
    return {
        **os.environ,
        **s3_env,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "DROPIN_ENV": "production",
        "SECRET_KEY": "cluster-test-" + "k" * 40,
        "DATABASE_URL": database_url,
        "PHOTO_STORAGE": photo_storage,
    }


def flask_command(environment: dict, *args: str) -> str:
    """`flask --app wsgi …` as an operator runs it on an app server."""
    done = subprocess.run(
        ["flask", "--app", "wsgi", *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class AppServer:
    """boot.sh: migrate, then gunicorn on a free port; its log in a file."""

    def __init__(self, environment: dict, log_dir: Path, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        self.log_file = self.log_path.open("wb")
        server_env = {**environment, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"}
        self.process = subprocess.Popen(
            [str(ROOT / "boot.sh")],
            env=server_env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait(self) -> AppServer:
        wait_until_answering(f"{self.url}/healthz", self.process, seconds=120)
        return self

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        stop(self.process)
        self.log_file.close()


class Person:
    """One person's browser: a cookie jar used against any app server, as behind a load
    balancer. Production cookies are Secure; this plain-HTTP test sends them anyway."""

    def __init__(self):
        self.session = requests.Session()
        self.token = ""

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        response = self.session.request(method, url, timeout=60, allow_redirects=False, **kwargs)
        for cookie in self.session.cookies:
            cookie.secure = False
        return response

    def get(self, url: str, **kwargs) -> requests.Response:
        return self._send("GET", url, **kwargs)

    def csrf_token(self, server: AppServer, path: str = "/login") -> str:
        page = self.get(server.url + path)
        return CSRF_META.search(page.text).group(1)

    def sign_in(self, server: AppServer, email: str, password: str = PASSWORD):
        form = {"email": email, "password": password, "csrf_token": self.csrf_token(server)}
        response = self._send("POST", f"{server.url}/login", data=form)
        if response.status_code == 302:
            self.token = self.csrf_token(server, "/visits")
        return response

    def put_visit(self, server: AppServer, visit_id, body: dict) -> requests.Response:
        headers = {"X-CSRFToken": self.token}
        return self._send(
            "PUT", f"{server.url}/api/v1/visits/{visit_id}", json=body, headers=headers
        )

    def put_photo(self, server: AppServer, visit_id, photo_id, data: bytes) -> requests.Response:
        headers = {"X-CSRFToken": self.token, "Content-Type": "image/jpeg"}
        url = f"{server.url}/api/v1/visits/{visit_id}/photos/{photo_id}"
        return self._send("PUT", url, data=data, headers=headers)


def new_visit(teacher_id: int, photo_ids: list[str]) -> tuple[str, dict]:
    return str(uuid.uuid4()), {
        "teacher_id": teacher_id,
        "started_at": "2026-11-18T09:05:00+00:00",
        "duration_minutes": 12,
        "class_name": "8C",
        "subject": "Science",
        "notes": "Pupils predicted before the demonstration.",
        "action_step": {
            "text": "Ask two pupils to explain before you do.",
            "library_step_id": None,
        },
        "photo_ids": photo_ids,
    }
