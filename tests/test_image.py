"""The image check: no container engine runs here, so this does what the Dockerfile does,
step by step, and starts the app exactly as boot.sh does in the container.

Build the wheel from pyproject.toml and app/ alone (the build stage); install
requirements.lock, then the wheel, into a fresh virtual environment owned by root; copy
boot.sh, wsgi.py and migrations/ into a root-owned, read-only folder; run boot.sh there as
an unprivileged user with production settings against a fresh PostgreSQL database. It must
migrate, serve /healthz, /readyz, a page and a static file, and write nothing but photos.

Needs root (to hand the app to an unprivileged user) and TEST_DATABASE_URL; `make
image-check` runs it alone. About a minute, most of it installing the lock file.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from tests.conftest import (
    TEST_DATABASE_URL,
    create_throwaway_postgres_database,
    drop_postgres_database,
)
from tests.servers import ROOT, free_port, stop, wait_until_answering

pytestmark = [
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)"),
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start the app as another user"),
]
APP_USER = "nobody"


def as_app_user(*command) -> list[str]:
    gid = pwd.getpwnam(APP_USER).pw_gid
    return ["setpriv", f"--reuid={APP_USER}", f"--regid={gid}", "--clear-groups", *command]


def interpreter_for_app_user() -> str:
    """A Python of our version that the app user can run (as /usr/local/bin/python3 in the
    image); this run's own may sit in root's home."""
    candidates = [
        os.path.realpath(sys._base_executable),
        "/usr/local/bin/python3",
        "/usr/bin/python3",
    ]
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    probe = "import sys; print(f'{sys.version_info.major}.{sys.version_info.minor}')"
    for candidate in candidates:
        # Through a shell, as boot.sh runs it: setpriv itself may still reach root's files.
        command = as_app_user("sh", "-c", '"$0" -c "$1"', candidate, probe)
        answer = subprocess.run(command, capture_output=True, text=True)
        if answer.returncode == 0 and answer.stdout.strip() == ours:
            return candidate
    pytest.skip(f"no Python {ours} the user {APP_USER} may run")


def run(*command, **kwargs) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=600, **kwargs)


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """The installed image: a root-owned venv and a read-only /srv/dropin copy."""
    base = Path(tempfile.mkdtemp(prefix="dropin-image-"))
    base.chmod(0o755)  # the app user must reach the code (mkdtemp makes it 0700)
    build = base / "build"
    build.mkdir()
    shutil.copy(ROOT / "pyproject.toml", build)
    shutil.copytree(ROOT / "app", build / "app", ignore=shutil.ignore_patterns("__pycache__"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps",
        "--wheel-dir", str(base / "wheels"), str(build))  # fmt: skip

    venv = base / "venv"
    run(interpreter_for_app_user(), "-m", "venv", "--without-pip", str(venv))
    run(sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
        "--quiet", "-r", str(ROOT / "requirements.lock"))  # fmt: skip
    wheel = next((base / "wheels").glob("dropin-*.whl"))
    run(sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
        "--quiet", "--no-deps", str(wheel))  # fmt: skip

    srv = base / "srv"
    srv.mkdir()
    shutil.copytree(ROOT / "migrations", srv / "migrations",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for name in ("wsgi.py", "boot.sh"):
        shutil.copy(ROOT / name, srv)
    run("chmod", "-R", "a-w,a+rX", str(srv), str(venv))
    photos = base / "photos"
    photos.mkdir()
    shutil.chown(photos, APP_USER)
    yield {"venv": venv, "srv": srv, "photos": photos}
    if not os.environ.get("KEEP_IMAGE_CHECK"):
        shutil.rmtree(base)


@pytest.fixture
def database():
    url = create_throwaway_postgres_database()
    yield url
    drop_postgres_database(url)


def test_the_image_starts_as_an_unprivileged_user_from_read_only_code(image, database):
    port = free_port()
    environment = {
        "PATH": f"{image['venv'] / 'bin'}:/usr/bin:/bin",
        "HOME": "/nonexistent",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DROPIN_ENV": "production",
        "SECRET_KEY": "image-check-" + "x" * 40,
        "DATABASE_URL": database,
        "PHOTO_DIR": str(image["photos"]),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    before = files_under(image["srv"]) | files_under(image["venv"])
    server = subprocess.Popen(
        [
            "setpriv",
            f"--reuid={APP_USER}",
            f"--regid={pwd.getpwnam(APP_USER).pw_gid}",
            "--clear-groups",
            str(image["srv"] / "boot.sh"),
        ],  # fmt: skip
        env=environment,
        cwd="/",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answering(f"{base_url}/healthz", server, seconds=120)
        except RuntimeError:
            stop(server)
            pytest.fail(server.stdout.read().decode())
        assert requests.get(f"{base_url}/healthz", timeout=10).json() == {"status": "ok"}
        ready = requests.get(f"{base_url}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        login = requests.get(f"{base_url}/login", timeout=10)
        assert login.status_code == 200 and 'name="csrf_token"' in login.text
        assert login.headers["X-Request-ID"]
        assert "Secure" in login.headers["Set-Cookie"]  # production settings
        assert requests.get(f"{base_url}/sw.js", timeout=10).status_code == 200
    finally:
        stop(server)
    log = server.stdout.read().decode()
    server.stdout.close()
    assert "Running upgrade" in log or "Context impl PostgresqlImpl" in log
    assert '"path": "/readyz"' in log  # the JSON request log
    assert files_under(image["srv"]) | files_under(image["venv"]) == before
