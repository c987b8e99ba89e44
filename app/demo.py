"""`flask seed-demo`: a small living trust for trying Dropin out.

Idempotent: every row is found by its natural key (or a fixed UUID for visits) before it
is made, so running the command again changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.cycles.models import CoachingCycle, GrowMemberStep, GrowWriteUp
from app.demo_practice import give_library_plans, seed_practice_log
from app.extensions import db
from app.models import (
    ActionStep,
    CoachingPair,
    LibraryStep,
    Membership,
    School,
    Trust,
    TrustRole,
    User,
    Visit,
)
from app.selfaudit.areas import SCALE, STATEMENT_KEYS
from app.selfaudit.terms import usual_term
from app.selfaudit_models import SelfAudit

DEMO_NAMESPACE = uuid.UUID("6f1d6a52-2f7e-4d0a-9a51-0c0ffee0d0e5")

SCHOOLS = [
    ("Riverside Primary", "riverside", "fortnightly"),
    ("Hillcrest Academy", "hillcrest", "weekly"),
]

#: (email, name, [(school slug, role), ...])
STAFF = [
    ("coach@example.org", "Priya Shah", [("riverside", "coach")]),
    ("teacher@example.org", "Tom Baker", [("riverside", "teacher")]),
    ("amara.okafor@example.org", "Amara Okafor", [("riverside", "teacher")]),
    ("dan.lewis@example.org", "Dan Lewis", [("riverside", "teacher")]),
    ("sian.evans@example.org", "Siân Evans", [("riverside", "teacher"), ("riverside", "coach")]),
    ("ben.carter@example.org", "Ben Carter", [("riverside", "teacher")]),
    ("head.riverside@example.org", "Ruth Mensah", [("riverside", "lead"), ("riverside", "coach")]),
    ("teacher2@example.org", "Leo Novak", [("hillcrest", "teacher")]),
    ("grace.kim@example.org", "Grace Kim", [("hillcrest", "coach")]),
    ("olu.adeyemi@example.org", "Olu Adeyemi", [("hillcrest", "teacher")]),
    ("hannah.price@example.org", "Hannah Price", [("hillcrest", "teacher")]),
    ("marek.zielinski@example.org", "Marek Zieliński", [("hillcrest", "teacher")]),
    # A peer triad (below): three coaches who coach each other.
    ("nia.roberts@example.org", "Nia Roberts", [("riverside", "coach")]),
    ("owen.hughes@example.org", "Owen Hughes", [("riverside", "coach")]),
    ("zara.ali@example.org", "Zara Ali", [("riverside", "coach")]),
]

#: The demo's peer triad, in ring order (each coaches the next), and its school.
TRIAD = (
    ("nia.roberts@example.org", "owen.hughes@example.org", "zara.ali@example.org"),
    "riverside",
)
TRIAD_KEY = uuid.UUID("6f1d6a52-2f7e-4d0a-9a51-0c0ffee7a1ad")

GROW_EXAMPLE = {
    "goal": "Every pupil thinks before anyone answers: no hands up in the first minute.",
    "reality": "Nia's Year 4 pause works; Owen's Year 6 still call out; Zara tries it in "
    "maths only so far.",
    "options": "Use a visual timer; cold call from a lolly-stick pot; model the pause "
    "with a think-aloud.",
    "way_forward": "Each of us tries the timer for two weeks and brings one pupil's "
    "answer to the next meeting.",
}

TRUST_STAFF = [
    ("admin@example.org", "Alex Admin", "admin"),
    ("lead@example.org", "Lena Lead", "trust_lead"),
]

#: (coach email, teacher email, school slug)
PAIRS = [
    ("coach@example.org", "teacher@example.org", "riverside"),
    ("coach@example.org", "amara.okafor@example.org", "riverside"),
    ("coach@example.org", "dan.lewis@example.org", "riverside"),
    ("sian.evans@example.org", "ben.carter@example.org", "riverside"),
    ("head.riverside@example.org", "sian.evans@example.org", "riverside"),
    ("grace.kim@example.org", "teacher2@example.org", "hillcrest"),
    ("grace.kim@example.org", "olu.adeyemi@example.org", "hillcrest"),
    ("grace.kim@example.org", "hannah.price@example.org", "hillcrest"),
]

#: A small original starter library: (category, title, guidance).
LIBRARY = [
    (
        "Routines",
        "Greet pupils at the door and give a task that is on the desks as they arrive",
        "Have the first task printed or on the board before the bell so nobody waits.",
    ),
    (
        "Routines",
        "Give transitions a countdown and narrate the pupils who are ready",
        "Count down from five; name what you see done well, not who is late.",
    ),
    (
        "Questioning",
        "Ask the question, pause three seconds, then name who answers",
        "Cold call after the pause so every pupil thinks first.",
    ),
    (
        "Questioning",
        "Follow a right answer with 'how do you know?'",
        "Push for the reasoning behind correct answers too.",
    ),
    (
        "Checking understanding",
        "Use mini-whiteboards for one hinge question mid-lesson",
        "Scan every board; decide to move on or reteach from what you see.",
    ),
    (
        "Checking understanding",
        "Circulate during independent work with a route planned",
        "Visit the pupils you are least sure of first.",
    ),
    (
        "Modelling",
        "Think aloud while you model one worked example",
        "Say the decisions you make, not just the steps.",
    ),
    (
        "Modelling",
        "Show a strong and a weak answer side by side and ask what differs",
        "Pupils name the success criteria themselves.",
    ),
    (
        "Feedback",
        "Give whole-class feedback from five books at the start of the next lesson",
        "Share one common error and one strong example.",
    ),
    (
        "Feedback",
        "Leave time in the lesson for pupils to act on feedback",
        "Ten minutes of 'fix it' time, with the first fix modelled.",
    ),
]

VISIT_NOTES = [
    "Strong start: task on the board, most pupils settled within a minute.",
    "Good use of mini-whiteboards. Two pupils at the back not showing answers.",
    "Clear modelling of the worked example; pupils keen to try.",
    "Questioning mostly hands-up; the same four pupils answering.",
    "Calm room, routines embedded. Transitions took a while after group work.",
]


def _get_or_create(model, defaults: dict | None = None, **keys):
    row = db.session.scalar(sa.select(model).filter_by(**keys))
    if row is None:
        row = model(**keys, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
    return row


def _user(email: str, name: str, password: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    return user


def seed_demo(password: str, today: date | None = None) -> Trust:
    today = today or date.today()
    trust = _get_or_create(Trust, name="Demo Trust")
    schools = {
        slug: _get_or_create(
            School,
            slug=slug,
            defaults={"trust_id": trust.id, "name": name, "cadence": cadence},
        )
        for name, slug, cadence in SCHOOLS
    }
    users: dict[str, User] = {}
    for email, name, role in TRUST_STAFF:
        users[email] = _user(email, name, password)
        _get_or_create(TrustRole, user_id=users[email].id, trust_id=trust.id, role=role)
    for email, name, roles in STAFF:
        users[email] = _user(email, name, password)
        for slug, role in roles:
            _get_or_create(
                Membership, user_id=users[email].id, school_id=schools[slug].id, role=role
            )
    term_start = today - timedelta(days=70)
    for coach, teacher, slug in PAIRS:
        _get_or_create(
            CoachingPair,
            coach_id=users[coach].id,
            teacher_id=users[teacher].id,
            school_id=schools[slug].id,
            defaults={"since": term_start},
        )
    library = [
        _get_or_create(
            LibraryStep,
            trust_id=trust.id,
            school_id=None,
            title=title,
            defaults={"category": category, "guidance": guidance},
        )
        for category, title, guidance in LIBRARY
    ]
    give_library_plans(library)
    _seed_visits(users, schools, library, today)
    _seed_cycles(schools, today)
    _seed_triad(users, schools, term_start, today)
    _seed_self_audits(users, schools, today)
    seed_practice_log(users["teacher@example.org"], today, DEMO_NAMESPACE)
    db.session.commit()
    return trust


def _seed_cycles(schools, today: date) -> None:
    """Per school, a six-week cycle going on now and the six weeks before it."""
    current_start = today - timedelta(days=today.weekday(), weeks=3)
    starts = {"Coaching cycle 1": current_start - timedelta(weeks=6)}
    starts["Coaching cycle 2"] = current_start
    for school in schools.values():
        for name, start in starts.items():
            _get_or_create(
                CoachingCycle,
                school_id=school.id,
                name=name,
                defaults={"starts_on": start, "ends_on": start + timedelta(days=41)},
            )


def _seed_triad(users, schools, since: date, today: date) -> None:
    """The peer triad and one write-up of its last meeting."""
    emails, slug = TRIAD
    for coach, teacher in zip(emails, emails[1:] + emails[:1], strict=True):
        _get_or_create(
            CoachingPair,
            coach_id=users[coach].id,
            teacher_id=users[teacher].id,
            school_id=schools[slug].id,
            defaults={"since": since, "triad_key": TRIAD_KEY},
        )
    if db.session.scalar(sa.select(GrowWriteUp.id).where(GrowWriteUp.triad_key == TRIAD_KEY)):
        return
    write_up = GrowWriteUp(
        school_id=schools[slug].id,
        triad_key=TRIAD_KEY,
        author_id=users[emails[0]].id,
        met_on=today - timedelta(days=7),
        **GROW_EXAMPLE,
    )
    for email in emails:
        write_up.member_steps.append(GrowMemberStep(member_id=users[email].id))
    db.session.add(write_up)
    db.session.flush()


#: (email, experience, phase, focus this term or None, focus last term or None)
SELF_AUDITS = [
    ("teacher@example.org", "early_career", "KS2", None, "time"),
    ("amara.okafor@example.org", "experienced", "KS1", "thinking", None),
    ("dan.lewis@example.org", "developing", "KS2", "thinking", "thinking"),
    ("ben.carter@example.org", "early_career", "EYFS", "thinking", None),
    ("sian.evans@example.org", "experienced", "KS2", "environment", None),
    ("teacher2@example.org", "developing", "KS3", "time", None),
    ("olu.adeyemi@example.org", "experienced", "KS4", "time", None),
    ("hannah.price@example.org", "early_career", "KS3", "time", None),
]


def _seed_self_audits(users, schools, today: date) -> None:
    """A few teachers' self-audits this term (and one of last term), with the experience
    and phase an admin would set, so suggested triads have something to group."""
    this_term = usual_term(today)
    last_term = usual_term(this_term.first_day - timedelta(days=1))
    scale = [value for value, _ in SCALE]
    for index, (email, experience, phase, focus, earlier_focus) in enumerate(SELF_AUDITS):
        teacher = users[email]
        if not teacher.experience and not teacher.phase:
            teacher.experience, teacher.phase = experience, phase
        school = next(m.school for m in teacher.memberships if m.role == "teacher")
        for term, chosen in ((this_term, focus), (last_term, earlier_focus)):
            if chosen is None:
                continue
            answers = {key: scale[(index + n) % len(scale)] for n, key in enumerate(STATEMENT_KEYS)}
            _get_or_create(
                SelfAudit,
                teacher_id=teacher.id,
                school_id=school.id,
                term=term.name,
                defaults={
                    "term_starts_on": term.first_day,
                    "answers": answers,
                    "focus_area": chosen,
                },
            )


def _seed_visits(users, schools, library, today: date) -> None:
    """A few weeks of drop-ins per pair, the coaching loop as it runs: a step is set, the
    next drop-in keeps it practising, the one after judges it embedded and sets the next
    step, which the last drop-in keeps practising."""
    for pair_index, (coach, teacher, slug) in enumerate(PAIRS):
        cadence_days = 7 if slug == "hillcrest" else 14
        # Leave one teacher per school overdue so coverage has something to show.
        weeks_back = 2 if teacher in ("dan.lewis@example.org", "hannah.price@example.org") else 0
        step = None
        for visit_number in range(4):
            visit_id = uuid.uuid5(DEMO_NAMESPACE, f"{coach}:{teacher}:{visit_number}")
            if db.session.get(Visit, visit_id) is not None:
                continue
            days_ago = 3 + weeks_back * 7 + (3 - visit_number) * cadence_days + pair_index % 3
            started_at = datetime(
                *_school_day(today - timedelta(days=days_ago)).timetuple()[:3],
                9 + pair_index % 5,
                15,
                tzinfo=UTC,
            )
            visit = Visit(
                id=visit_id,
                school_id=schools[slug].id,
                coach_id=users[coach].id,
                teacher_id=users[teacher].id,
                started_at=started_at,
                duration_minutes=10,
                class_name=f"Year {3 + pair_index % 4}",
                subject=["Maths", "English", "Science", "History"][visit_number % 4],
                notes=VISIT_NOTES[(pair_index + visit_number) % len(VISIT_NOTES)],
                client_created_at=started_at,
                client_updated_at=started_at,
            )
            if visit_number % 2 == 0 or step is None:
                if step is not None:
                    step.status, step.closed_at = "embedded", started_at
                    step.status_changed_at = started_at
                    db.session.flush()  # closed before the next live step is inserted
                chosen = library[(pair_index + visit_number) % len(library)]
                step = ActionStep(
                    teacher_id=users[teacher].id,
                    school_id=schools[slug].id,
                    text=chosen.title,
                    library_step_id=chosen.id,
                    practice_rehearse=chosen.practice_rehearse,
                    practice_success=chosen.practice_success,
                    set_at=started_at,
                    acknowledged_at=started_at + timedelta(days=1),
                )
            else:
                # The teacher started practising the day after acknowledging it.
                step.status = "practising"
                step.status_changed_at = step.set_at + timedelta(days=2)
            visit.action_step = step
            db.session.add(visit)
            db.session.flush()


def _school_day(day: date) -> date:
    """Drop-ins happen in school: a Saturday moves to the Friday, a Sunday to the Monday
    (never later than two days ago, as every demo drop-in is three or more)."""
    return day + timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


@click.command("seed-demo")
@click.option("--password", required=True, help="Password for every demo account.")
@with_appcontext
def seed_demo_command(password: str) -> None:
    """Create the demo trust, its schools, staff, library and visits (idempotent)."""
    if not password:
        raise click.BadParameter("must not be empty", param_hint="--password")
    seed_demo(password)
    click.echo(
        "Demo data ready. Sign in as coach@example.org, teacher@example.org, "
        "lead@example.org or admin@example.org."
    )
