"""Suggested peer triads for a school, from this term's self-audits: teachers grouped by the
focus area they chose, each triad mixing experience and phase, nobody left out without a
reason. The admin rearranges and accepts one triad at a time; accepting makes the triad
as any triad is made (app.admin.pairing.add_triad).

The admin sees who chose which focus area (that is the grouping), never the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.admin.pairing import add_triad, members
from app.admin.services import RuleBroken, audit
from app.authz import pair_is_current
from app.extensions import db
from app.models import CoachingPair, Membership, School, User
from app.selfaudit.areas import AREA_BY_KEY, AREAS, EXPERIENCE, PHASES
from app.selfaudit.services import focus_areas_this_term

EXPERIENCE_LABELS = dict(EXPERIENCE)
PHASE_LABELS = dict(PHASES)
NO_SELF_AUDIT = "No self-audit this term"
IN_A_TRIAD = "Already in a current triad"
LEFT_OUT_BY_YOU = "Left out by you"


@dataclass
class SuggestedTriad:
    number: int
    members: list[User]
    #: Why this triad is as it is ("Mixed focus: …"), or "".
    note: str = ""

    @property
    def complete(self) -> bool:
        return len(self.members) == 3


@dataclass
class Suggestion:
    triads: list[SuggestedTriad]
    #: (person, reason) for everyone not in a suggested triad.
    left_out: list[tuple[User, str]]
    focus: dict[int, str] = field(default_factory=dict)
    #: People the admin may move (they have a self-audit and no triad).
    movable: set[int] = field(default_factory=set)

    def focus_title(self, person: User) -> str:
        area = AREA_BY_KEY.get(self.focus.get(person.id, ""))
        return area.title if area else ""


def describe(person: User) -> str:
    """ "Early career · KS2", or "experience and phase not set"."""
    parts = [EXPERIENCE_LABELS.get(person.experience, ""), PHASE_LABELS.get(person.phase, "")]
    return " · ".join(part for part in parts if part) or "experience and phase not set"


def _in_current_triads(school: School, today: date) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(CoachingPair.coach_id).where(
                CoachingPair.school_id == school.id,
                CoachingPair.triad_key.is_not(None),
                pair_is_current(today),
            )
        )
    )


def _candidates(school: School, today: date):
    """(people who may join a suggested triad, focus by person, left out with a reason)."""
    focus = focus_areas_this_term(school)
    in_triad = _in_current_triads(school, today)
    candidates, left_out = [], []
    for teacher in members(school, "teacher"):
        if teacher.id in in_triad:
            left_out.append((teacher, IN_A_TRIAD))
        elif teacher.id not in focus:
            left_out.append((teacher, NO_SELF_AUDIT))
        else:
            candidates.append(teacher)
    return candidates, focus, left_out


def _mixing_order(person: User) -> tuple:
    return (person.experience, person.phase, person.name.lower(), person.id)


def suggest(school: School, today: date) -> Suggestion:
    """Per focus area, people sorted by experience and phase and dealt round the triads, so
    like sits with unlike; those left over join others of another focus, or wait."""
    candidates, focus, left_out = _candidates(school, today)
    triads: list[SuggestedTriad] = []
    leftovers: list[User] = []
    for area in AREAS:
        group = sorted((p for p in candidates if focus[p.id] == area.key), key=_mixing_order)
        count = len(group) // 3
        for index in range(count):
            triads.append(SuggestedTriad(len(triads) + 1, group[index : 3 * count : count]))
        leftovers.extend(group[3 * count :])
    while len(leftovers) >= 3:
        chosen, leftovers = leftovers[:3], leftovers[3:]
        note = "Mixed focus: " + "; ".join(
            f"only {_left_with(focus, chosen, p)} left with {AREA_BY_KEY[focus[p.id]].title}"
            for p in _one_per_area(focus, chosen)
        )
        triads.append(SuggestedTriad(len(triads) + 1, chosen, note))
    for person in leftovers:
        area = AREA_BY_KEY[focus[person.id]].title
        left_out.append(
            (
                person,
                f"Only {len(leftovers)} left over ({area}): too few for a triad. "
                "Move them into one by hand.",
            )
        )
    return Suggestion(triads, left_out, focus, {p.id for p in candidates})


def _one_per_area(focus: dict[int, str], people: list[User]) -> list[User]:
    seen: dict[str, User] = {}
    for person in people:
        seen.setdefault(focus[person.id], person)
    return list(seen.values())


def _left_with(focus: dict[int, str], people: list[User], person: User) -> int:
    return sum(1 for other in people if focus[other.id] == focus[person.id])


def rearranged(school: School, today: date, placement: dict[int, int]) -> Suggestion:
    """The suggestion as the admin moved people: `placement` is person id -> triad number
    (0: leave out). Unknown people and numbers are ignored; each triad keeps its number."""
    suggestion = suggest(school, today)
    everyone = {p.id: p for t in suggestion.triads for p in t.members}
    everyone |= {p.id: p for p, _ in suggestion.left_out if p.id in suggestion.movable}
    numbers = {triad.number for triad in suggestion.triads}
    spare = max(numbers, default=0) + 1
    triads = {number: SuggestedTriad(number, []) for number in sorted(numbers | {spare})}
    left_out = [(p, why) for p, why in suggestion.left_out if p.id not in suggestion.movable]
    current = {p.id: t.number for t in suggestion.triads for p in t.members}
    # Someone the suggestion already left out keeps its reason until the admin places them.
    reasons = {p.id: why for p, why in suggestion.left_out}
    for person_id, person in everyone.items():
        number = placement.get(person_id, current.get(person_id, 0))
        if number in triads:
            triads[number].members.append(person)
        else:
            left_out.append((person, reasons.get(person_id, LEFT_OUT_BY_YOU)))
    kept = [triad for triad in triads.values() if triad.members or triad.number != spare]
    for triad in kept:
        if not triad.complete:
            triad.note = f"{len(triad.members)} people: a triad needs exactly three."
    return Suggestion(kept, left_out, suggestion.focus, suggestion.movable)


def accept(actor: User, school: School, people: list[User], since: date) -> None:
    """Make the triad as any triad is made. Peers coach each other, so anyone without the
    coach role at the school is given it (and the audit trail says so)."""
    if len(people) != 3:
        raise RuleBroken("triad", "A triad needs exactly three people.")
    for person in people:
        if not any(m.school_id == school.id and m.role == "coach" for m in person.memberships):
            db.session.add(Membership(user_id=person.id, school_id=school.id, role="coach"))
            audit(
                school.trust_id,
                actor,
                "staff.update",
                f"Changed {person.name} at {school.name} (to join a peer triad)",
                school=school.slug,
                email=person.email,
                roles_added=["coach"],
                roles_removed=[],
            )
    db.session.flush()
    db.session.expire_all()
    try:
        add_triad(actor, school, [p.id for p in people], since)
    except RuleBroken as broken:
        raise RuleBroken("triad", broken.message) from broken


def set_experience_and_phase(
    actor: User, school: School, person: User, experience: str, phase: str
) -> None:
    """What the admin knows of a person to mix triads: audited like any change to staff."""
    changes = {}
    if experience != person.experience:
        changes["experience"] = [
            EXPERIENCE_LABELS.get(person.experience, ""),
            EXPERIENCE_LABELS.get(experience, ""),
        ]
        person.experience = experience
    if phase != person.phase:
        changes["phase"] = [person.phase, phase]
        person.phase = phase
    if changes:
        audit(
            school.trust_id,
            actor,
            "staff.update",
            f"Changed {person.name} at {school.name}",
            school=school.slug,
            email=person.email,
            **changes,
        )
    db.session.flush()
