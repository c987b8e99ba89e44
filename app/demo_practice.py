"""The demo's deliberate practice: a practice plan for each step of the starter library,
and a couple of practice log entries on the demo teacher's live step (fixed ids, so
seed-demo run again changes nothing)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from app.idempotent import insert_once
from app.models import LibraryStep, User
from app.steps.models import PracticeEntry
from app.steps.services import live_step

#: Each library step's practice plan, in LIBRARY's order: (rehearse, success).
PRACTICE_PLANS = [
    (
        "Walk from the door to your desk with the task already showing; time it twice.",
        "Every pupil starts the task within a minute of sitting down.",
    ),
    (
        "Say the countdown aloud to an empty room, narrating two pupils who are ready.",
        "Tidy-up to ready in under a minute.",
    ),
    (
        "Ask your coach three questions aloud, counting the pause silently each time.",
        "Hands stay down; every pupil has an answer ready.",
    ),
    (
        "Plan three 'how do you know?' follow-ups for tomorrow's right answers.",
        "Pupils give a reason without being asked twice.",
    ),
    (
        "Write the hinge question and its wrong answers; rehearse what you do for each.",
        "You decide in ten seconds: move on or reteach.",
    ),
    (
        "Mark your route on the seating plan; walk it once before the lesson.",
        "You reach the five pupils you were least sure of first.",
    ),
    (
        "Model the example aloud to your coach, saying each decision as you make it.",
        "Pupils can say why you chose each step.",
    ),
    (
        "Choose the two answers and script the question you will ask about them.",
        "Pupils name two success criteria themselves.",
    ),
    (
        "Read five books and script the one error and one example you will show.",
        "Most pupils fix the common error in their next piece.",
    ),
    (
        "Model the first fix under the visualiser with your coach watching.",
        "Every pupil has fixed at least one thing in green pen.",
    ),
]

#: The demo teacher's practice log on their live step: (days after it was set, kind, note).
PRACTICE_LOG = [
    (1, "rehearsal", "Rehearsed with my coach after school."),
    (2, "lesson", "Tried it in period 3: better after the second go."),
]


def give_library_plans(library: list[LibraryStep]) -> None:
    """The starter library's plans, in its order; a plan already written is kept."""
    for step, (rehearse, success) in zip(library, PRACTICE_PLANS, strict=True):
        if not (step.practice_rehearse or step.practice_success):  # a library from before plans
            step.practice_rehearse, step.practice_success = rehearse, success


def seed_practice_log(teacher: User, today: date, namespace: uuid.UUID) -> None:
    """A couple of entries on the demo teacher's live step, each under a fixed id."""
    step = live_step(teacher.id)
    if step is None:
        return
    for days_after, kind, note in PRACTICE_LOG:
        practised_on = min(step.set_at.date() + timedelta(days=days_after), today)
        values = {"step_id": step.id, "author_id": teacher.id, "kind": kind, "note": note}
        insert_once(
            PracticeEntry,
            {
                "id": uuid.uuid5(namespace, f"practice:{step.id}:{days_after}"),
                "practised_on": practised_on,
                "created_at": step.set_at + timedelta(days=days_after),
                **values,
            },
        )
