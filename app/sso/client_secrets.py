"""Client secrets of the identity providers: read from a DROPIN_SSO_SECRET_* environment
variable, or kept in the database encrypted with SSO_ENCRYPTION_KEY. Never plain text."""

from __future__ import annotations

import os
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

#: Only variables with this prefix may be named, so an admin cannot have another
#: setting (SECRET_KEY, a database password) sent to a provider as a client secret.
ENV_PREFIX = "DROPIN_SSO_SECRET_"
ENV_NAME = re.compile(rf"^{ENV_PREFIX}[A-Z0-9_]{{1,60}}$")


class SecretUnavailable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _keys() -> MultiFernet | None:
    configured = current_app.config.get("SSO_ENCRYPTION_KEY") or ""
    keys = [key.strip() for key in configured.split(",") if key.strip()]
    if not keys:
        return None
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise SecretUnavailable("SSO_ENCRYPTION_KEY is not a valid Fernet key.") from error


def can_store_secrets() -> bool:
    try:
        return _keys() is not None
    except SecretUnavailable:
        return False


def encrypt_secret(secret: str) -> str:
    keys = _keys()
    if keys is None:
        raise SecretUnavailable(
            "This server has no SSO_ENCRYPTION_KEY, so it cannot store a secret. Name an "
            f"environment variable ({ENV_PREFIX}…) that holds it instead."
        )
    return keys.encrypt(secret.encode()).decode()


def client_secret(env_name: str, encrypted: str) -> str | None:
    """The secret to send to the provider's token endpoint; None for a public client."""
    if env_name:
        if not ENV_NAME.match(env_name) or not os.environ.get(env_name):
            raise SecretUnavailable(f"The environment variable {env_name} is not set.")
        return os.environ[env_name]
    if not encrypted:
        return None
    keys = _keys()
    if keys is None:
        raise SecretUnavailable("SSO_ENCRYPTION_KEY is not set, so the secret cannot be read.")
    try:
        return keys.decrypt(encrypted.encode()).decode()
    except InvalidToken as error:
        message = "The stored secret does not open with SSO_ENCRYPTION_KEY."
        raise SecretUnavailable(message) from error
