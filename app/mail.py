"""Sending one email through the configured SMTP server (SMTP_HOST, SMTP_PORT, SMTP_USER,
SMTP_PASSWORD). Callers send only after their transaction has committed."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send(message: EmailMessage) -> None:
    """Raises OSError or smtplib.SMTPException when the server cannot take it."""
    config = current_app.config
    if not message["From"]:
        message["From"] = config["MAIL_FROM"]
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
        if config.get("SMTP_USER"):
            smtp.starttls()
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)
