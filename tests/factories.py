"""Small helpers that make domain rows with sensible defaults. They flush, never commit:
the test decides when data is visible to requests (db.session.commit())."""

from __future__ import annotations

import hashlib
import io
import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

from PIL import Image

from app.extensions import db
from app.models import (
    CoachingPair,
    LibraryStep,
    Membership,
    Photo,
    School,
    Trust,
    TrustRole,
    User,
    Visit,
)
from app.photos.storage import photo_storage
from app.selfaudit.terms import current_term
from app.selfaudit_models import SelfAudit
from app.steps.services import set_new_step

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_trust(name: str | None = None) -> Trust:
    trust = Trust(name=name or f"Trust {next(_counter)}")
    db.session.add(trust)
    db.session.flush()
    return trust


def make_school(trust: Trust, slug: str | None = None, **fields) -> School:
    number = next(_counter)
    school = School(
        trust_id=trust.id,
        name=fields.pop("name", f"School {number}"),
        slug=slug or f"school-{number}",
        **fields,
    )
    db.session.add(school)
    db.session.flush()
    return school


def make_user(
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
    roles: list[tuple[School, str]] = (),
) -> User:
    number = next(_counter)
    user = User(
        email=email or f"user{number}@example.test", name=name or f"Person {number}", active=active
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    for school, role in roles:
        add_role(user, school, role)
    return user


def add_role(user: User, school_or_trust, role: str) -> None:
    if role in ("trust_lead", "admin"):
        db.session.add(TrustRole(user_id=user.id, trust_id=school_or_trust.id, role=role))
    else:
        db.session.add(Membership(user_id=user.id, school_id=school_or_trust.id, role=role))
    db.session.flush()


def make_pair(
    coach: User, teacher: User, school: School, since: date | None = None, until: date | None = None
) -> CoachingPair:
    pair = CoachingPair(
        coach_id=coach.id,
        teacher_id=teacher.id,
        school_id=school.id,
        since=since or date.today() - timedelta(days=30),
        until=until,
    )
    db.session.add(pair)
    db.session.flush()
    return pair


def make_triad(
    members: list[User], school: School, since: date | None = None
) -> list[CoachingPair]:
    """Three peers in a ring, made as the admin page makes them (one shared key)."""
    key = uuid.uuid4()
    ring = zip(members, members[1:] + members[:1], strict=True)
    pairs = [make_pair(coach, teacher, school, since) for coach, teacher in ring]
    for pair in pairs:
        pair.triad_key = key
    db.session.flush()
    return pairs


def make_library_step(
    trust: Trust,
    school: School | None = None,
    category: str = "Questioning",
    title: str | None = None,
) -> LibraryStep:
    step = LibraryStep(
        trust_id=trust.id,
        school_id=school.id if school else None,
        category=category,
        title=title or f"Step {next(_counter)}",
    )
    db.session.add(step)
    db.session.flush()
    return step


def make_visit(
    coach: User,
    teacher: User,
    school: School,
    started_at: datetime | None = None,
    step_text: str = "Pause three seconds after each question",
    status: str = "new",
    **fields,
) -> Visit:
    started_at = started_at or datetime.now(UTC) - timedelta(hours=1)
    library_step = fields.pop("library_step", None)
    revisits = fields.pop("step", None)
    visit = Visit(
        id=fields.pop("id", uuid.uuid4()),
        school_id=school.id,
        coach_id=coach.id,
        teacher_id=teacher.id,
        started_at=started_at,
        duration_minutes=fields.pop("duration_minutes", 10),
        **fields,
    )
    db.session.add(visit)
    db.session.flush()
    if revisits is not None:
        visit.action_step = revisits
    else:
        choice = {"text": step_text, "library_step_id": library_step.id if library_step else None}
        step = set_new_step(visit, choice)
        if status != "new" and step.is_live:
            step.status = status
            if status == "embedded":
                step.closed_at = started_at
    db.session.flush()
    return visit


def make_photo(visit: Visit, caption: str = "", **fields) -> Photo:
    """A photo row of a visit (no file behind it: for what reads rows, not bytes)."""
    key = uuid.uuid4().hex
    photo = Photo(
        id=fields.pop("id", uuid.uuid4()),
        visit_id=visit.id,
        storage_key=fields.pop("storage_key", f"k-{key}"),
        thumbnail_key=fields.pop("thumbnail_key", f"t-{key}"),
        width=fields.pop("width", 1600),
        height=fields.pop("height", 1200),
        bytes=fields.pop("bytes", 123456),
        sha256=fields.pop("sha256", "0" * 64),
        caption=caption,
        **fields,
    )
    db.session.add(photo)
    return photo


def small_jpeg(colour: str = "white", size: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "JPEG")
    return out.getvalue()


def make_stored_photo(
    visit: Visit, colour: str = "white", size: int = 8, caption: str = ""
) -> Photo:
    """A photo whose display image and thumbnail are really in the photo store (small
    one-colour JPEGs): for what reads or removes the files."""
    storage = photo_storage()
    display, thumbnail = small_jpeg(colour, size), small_jpeg(colour, 8)
    photo = make_photo(
        visit,
        caption,
        storage_key=storage.put(display),
        thumbnail_key=storage.put(thumbnail),
        width=size,
        height=size,
        bytes=len(display),
        sha256=hashlib.sha256(display).hexdigest(),
    )
    db.session.flush()
    return photo


def make_self_audit(teacher: User, school: School, focus_area: str) -> SelfAudit:
    """This term's self-audit of a teacher, with no answers: only its focus area."""
    term = current_term(school)
    audit = SelfAudit(
        teacher_id=teacher.id,
        school_id=school.id,
        term=term.name,
        term_starts_on=term.first_day,
        answers={},
        focus_area=focus_area,
    )
    db.session.add(audit)
    return audit
