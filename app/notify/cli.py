"""`flask --app app send-notifications`: record the emails due now, then send them.

Run it from cron every few minutes (or the compose file's `notify` service). Safe to run
often, twice at once, or on two servers: see app.notify.planner and app.notify.sender.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app

from app.mail import smtp_configured
from app.notify import bp
from app.notify.planner import plan_emails
from app.notify.sender import send_due


def _moment(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("give a time like 2026-11-30T07:30:00+00:00.") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give the time with its offset, like +00:00.")
    return moment.astimezone(UTC)


@bp.cli.command("send-notifications")
@click.option(
    "--at",
    "at",
    default=None,
    help="Act as at this moment (ISO 8601 with offset), e.g. to catch up a missed Monday.",
)
def send_notifications_command(at: str | None) -> None:
    """Email new steps, reminders, and the Monday emails to coaches and leads."""
    now = _moment(at)
    if not smtp_configured():
        click.echo("SMTP_HOST is not set: no emails recorded or sent.", err=True)
        return
    planned = plan_emails(now)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        counts = send_due(now)
    summary = ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items()))
    click.echo(f"Recorded {planned} new email(s); {summary or 'nothing to send'}.")
