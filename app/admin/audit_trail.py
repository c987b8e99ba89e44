"""The audit trail as a person reads it: times in the trust's time zone, and each event's
details in words ("Guidance: 'old' → 'new'"), never the stored dictionary.

A trust has no time zone of its own: its schools have. The trust's time zone is the one
most of its schools use (Europe/London, the default, when they are split evenly or there
are none yet).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from app.localtime import local_time
from app.models import AuditEvent, Trust

DEFAULT_TIMEZONE = "Europe/London"

LABELS = {
    "school": "School",
    "school_id": "School",
    "name": "Name",
    "slug": "Short name",
    "timezone": "Time zone",
    "cadence": "Cadence",
    "email": "Email",
    "roles": "Roles",
    "role": "Role",
    "roles_added": "Roles added",
    "roles_removed": "Roles removed",
    "experience": "Experience",
    "first_day": "First day",
    "last_day": "Last day",
    "phase": "Phase",
    "created": "New account",
    "category": "Category",
    "title": "Title",
    "guidance": "Guidance",
    "source": "File",
    "new_people": "New people",
    "unchanged": "Rows already there",
    "bad_lines": "Lines refused",
    "coach": "Coach",
    "teacher": "Coached",
    "members": "Members",
    "since": "From",
    "on": "On",
    # Retention and erasure (app/privacy): counts, never contents.
    "photos": "Photos",
    "visits": "Visits",
    "steps": "Action steps",
    "audit_events": "Audit entries",
    "sign_in_sessions": "Signed-in devices",
    "visits_were": "Visits were",
    "visits_changed": "Visits changed",
    "photos_deleted": "Photos deleted",
    "photo_months": "Photos kept (months)",
    "visit_years": "Visits kept (years)",
    "visit_action": "Then visits are",
    "audit_years": "Audit trail kept (years)",
    "sign_in_days": "Signed-in devices kept (days)",
}
ROLE_WORDS = {"lead": "school lead", "trust_lead": "trust lead"}
#: Internal ids a person cannot use; the summary already names the thing.
HIDDEN = {"step_id"}
#: Details stored as [before, after] outside a "changes" dictionary.
BEFORE_AFTER = {"name"}


def trust_timezone(trust: Trust) -> str:
    zones = Counter(school.timezone for school in trust.schools)
    if not zones:
        return DEFAULT_TIMEZONE
    most = max(zones.values())
    leaders = sorted(zone for zone, count in zones.items() if count == most)
    return DEFAULT_TIMEZONE if DEFAULT_TIMEZONE in leaders else leaders[0]


class AuditReader:
    """Reads a trust's events: its time zone and its schools' names, looked up once."""

    def __init__(self, trust: Trust):
        self.timezone = trust_timezone(trust)
        self.school_by_slug = {school.slug: school.name for school in trust.schools}
        self.school_by_id = {school.id: school.name for school in trust.schools}

    def when(self, event: AuditEvent) -> str:
        return local_time(event.created_at, self.timezone).strftime("%-d %b %Y, %H:%M")

    def lines(self, event: AuditEvent) -> list[str]:
        """One line per detail, changes first."""
        details = dict(event.details or {})
        changes = details.pop("changes", None) or {}
        lines = [self._change(key, value) for key, value in changes.items()]
        for key, value in details.items():
            if key in HIDDEN:
                continue
            if key in BEFORE_AFTER and _is_before_after(value):
                lines.append(self._change(key, value))
            else:
                lines.append(f"{_label(key)}: {self._words(key, value)}")
        return lines

    def _change(self, key: str, value) -> str:
        if not _is_before_after(value):
            return f"{_label(key)}: {self._words(key, value)}"
        before, after = value
        return f"{_label(key)}: {self._quoted(key, before)} → {self._quoted(key, after)}"

    def _quoted(self, key: str, value) -> str:
        words = self._words(key, value)
        return f"'{words}'" if isinstance(value, str) or key == "school_id" and value else words

    def _words(self, key: str, value) -> str:
        if key == "school_id":
            return (
                self.school_by_id.get(value, "a school no longer here") if value else "all schools"
            )
        if key == "school":
            return self.school_by_slug.get(value, value) if value else "all schools"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if value is None or value == "":
            return "none"
        if isinstance(value, list | tuple):
            return ", ".join(self._words(key, item) for item in value) if value else "none"
        if isinstance(value, dict):
            return "; ".join(f"{_label(k)} {self._words(k, v)}" for k, v in value.items())
        if key in ("role", "roles", "roles_added", "roles_removed"):
            return ROLE_WORDS.get(value, value)
        if key in ("since", "on", "first_day", "last_day"):
            return _day(value)
        return str(value)


def _is_before_after(value) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _day(value) -> str:
    try:
        return date.fromisoformat(str(value)).strftime("%-d %b %Y")
    except ValueError:
        return str(value)
