"""Configuration read from the environment.

`DATABASE_URL`, `SECRET_KEY`, `PHOTO_STORAGE` (or `PHOTO_DIR`) and `DROPIN_ENV` are the knobs a
deployment sets. Production writes nowhere but the database and the photo store.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from app import limits

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'dropin.sqlite3'}"
    # Heroku-style URLs say postgres://; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    #: No pool_pre_ping: a connection the server closed is found without a round trip
    #: (app._refuse_if_server_hung_up).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    PHOTO_DIR = os.environ.get("PHOTO_DIR", str(INSTANCE_DIR / "photos"))
    #: s3://bucket/prefix keeps photos in an S3-compatible store (boto3 reads the AWS_*
    #: variables); unset, they stay in PHOTO_DIR.
    PHOTO_STORAGE = os.environ.get("PHOTO_STORAGE", "")
    #: One JSON line per request on stderr (production); plain text logs otherwise.
    LOG_JSON = os.environ.get("LOG_JSON", "1") != "0"
    #: Largest photo upload accepted, in bytes (phones downscale before sending).
    MAX_PHOTO_BYTES = int(os.environ.get("MAX_PHOTO_BYTES", limits.PHOTO_BYTES))
    #: Photos processed at once per worker (each may take up to 200 MB), and how long a
    #: photo waits for its turn before answering 503 (the device sends it again).
    PHOTO_PROCESSING_SLOTS = int(os.environ.get("PHOTO_PROCESSING_SLOTS", 2))
    PHOTO_SLOT_WAIT = 30.0
    #: Largest JSON body accepted by the API, in bytes.
    MAX_JSON_BYTES = 256 * 1024
    MAX_CONTENT_LENGTH = MAX_PHOTO_BYTES + 1024 * 1024

    #: Trusted reverse proxies in front of the app (X-Forwarded-For/-Proto/-Host hops).
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", 0))
    #: Seconds a request body may take to arrive before the client is dropped (408).
    REQUEST_BODY_TIMEOUT = float(os.environ.get("REQUEST_BODY_TIMEOUT", 20))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=60)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]

    #: Failed sign-ins tolerated in the window before answering 429.
    LOGIN_FAILURES_PER_ACCOUNT = 5
    LOGIN_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_COOLDOWN = timedelta(minutes=1)
    #: Password-reset requests per email and per address in LOGIN_FAILURE_WINDOW.
    RESET_REQUESTS_PER_EMAIL = 3
    RESET_REQUESTS_PER_ADDRESS = 10

    #: The site's address, for sign-in links the CLI prints or emails.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    #: Mixed into the service worker's version: set it to make every device update.
    RELEASE = os.environ.get("RELEASE", "")
    #: The sync loop's first retry delay (it doubles up to SYNC_MAX_DELAY_MS, jittered:
    #: while anything waits the phone checks every 30 to 60 s) and how long it waits for
    #: an answer. Tests shorten them.
    SYNC_RETRY_BASE_MS = 5000
    SYNC_REQUEST_TIMEOUT_MS = 60000
    SYNC_MAX_DELAY_MS = 60000

    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", 587))
    SMTP_USER = os.environ.get("SMTP_USER")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "dropin@localhost")
    #: The lead's weekly CSV is attached up to this size, linked above it.
    NOTIFY_ATTACHMENT_MAX_BYTES = int(
        os.environ.get("NOTIFY_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
    )

    #: Where prepared downloads (a person's data, a trust's archive) wait for their owner.
    TAKEOUT_DIR = os.environ.get("TAKEOUT_DIR", str(INSTANCE_DIR / "exports"))
    #: Hours a prepared download's link works; `flask build-exports` deletes it after.
    TAKEOUT_LINK_HOURS = int(os.environ.get("TAKEOUT_LINK_HOURS", 24))
    #: Build a download in a thread right after it is asked for; off, only
    #: `flask build-exports` (cron or a worker) builds them.
    TAKEOUT_BUILD_IN_THREAD = os.environ.get("TAKEOUT_BUILD_IN_THREAD", "1") != "0"
    #: Fernet key(s) that encrypt the identity providers' client secrets stored in the
    #: database; several, comma-separated, newest first, to rotate. Unset: secrets can only
    #: come from DROPIN_SSO_SECRET_* environment variables.
    SSO_ENCRYPTION_KEY = os.environ.get("SSO_ENCRYPTION_KEY", "")
    #: Where Microsoft Entra ID and Google publish their OpenID Connect discovery (tests
    #: point these at a provider on 127.0.0.1).
    SSO_MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
    SSO_GOOGLE_ISSUER = "https://accounts.google.com"
    #: Seconds allowed for each request to an identity provider.
    SSO_TIMEOUT = 10


def development_secret_key() -> str:
    """A random key kept in instance/ so local sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = INSTANCE_DIR / "dev_secret_key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    LOG_JSON = os.environ.get("LOG_JSON", "0") != "0"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    #: Fast hashing for tests only; production uses werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
    SSO_ENCRYPTION_KEY = "x3AiQ1TYb7Q0zBvN1Jk8u1y3Qx0nq7GkXKk8p6dX0rE="  # tests only
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PHOTO_STORAGE = ""
    LOG_JSON = False


def config_for_environment():
    """DROPIN_ENV picks the configuration. The CLI and `make run` default to development;
    the WSGI entry point (wsgi.py, used by gunicorn) defaults to production, which refuses
    to start without SECRET_KEY."""
    name = os.environ.get("DROPIN_ENV", "development")
    return {"development": DevelopmentConfig, "test": TestConfig}.get(name, Config)
