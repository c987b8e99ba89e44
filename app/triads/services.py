"""The triads a person belongs to, and their GROW write-ups. Services flush; the route
commits. Every function takes the reader and answers only for the triads they are in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.authz import triad_keys_of
from app.cycles.models import GrowMemberStep, GrowWriteUp
from app.extensions import db
from app.models import CoachingPair, School, User
from app.steps.services import live_step

#: The four parts of a write-up, in GROW order: (field, heading, what to write).
GROW_PARTS = (
    ("goal", "Goal", "What the triad set out to get better at."),
    ("reality", "Reality", "What is happening now in each member's classroom."),
    ("options", "Options", "What each member could try next."),
    ("way_forward", "Way forward", "What each will do, and by when."),
)


@dataclass(frozen=True)
class MemberTriad:
    """A triad as its members see it: the three peers in ring order, and the school."""

    key: uuid.UUID
    school: School
    members: list[User]
    since: date
    until: date | None

    @property
    def names(self) -> str:
        first, second, third = (member.name for member in self.members)
        return f"{first}, {second} and {third}"


def triads_of(user: User) -> list[MemberTriad]:
    """Every triad `user` is in (current first, then ended), each with its members."""
    pairs = db.session.scalars(
        sa.select(CoachingPair)
        .where(CoachingPair.triad_key.in_(triad_keys_of(user)))
        .options(selectinload(CoachingPair.coach), selectinload(CoachingPair.school))
        .order_by(CoachingPair.since.desc(), CoachingPair.id)
    )
    rings: dict[uuid.UUID, list[CoachingPair]] = {}
    for pair in pairs:
        rings.setdefault(pair.triad_key, []).append(pair)
    triads = []
    for key, ring in rings.items():
        ring.sort(key=lambda pair: pair.id)
        first = ring[0]
        triads.append(
            MemberTriad(key, first.school, [p.coach for p in ring], first.since, first.until)
        )
    return sorted(triads, key=lambda triad: triad.until is not None)


def member_triad(user: User, key: uuid.UUID) -> MemberTriad | None:
    """The triad, if `user` is one of its members; else None."""
    return next((triad for triad in triads_of(user) if triad.key == key), None)


def write_ups(triad: MemberTriad) -> list[GrowWriteUp]:
    """The triad's write-ups, latest meeting first."""
    return list(
        db.session.scalars(
            sa.select(GrowWriteUp)
            .where(GrowWriteUp.triad_key == triad.key)
            .options(
                selectinload(GrowWriteUp.member_steps).selectinload(GrowMemberStep.action_step),
                selectinload(GrowWriteUp.member_steps).selectinload(GrowMemberStep.member),
                selectinload(GrowWriteUp.author),
            )
            .order_by(GrowWriteUp.met_on.desc(), GrowWriteUp.id.desc())
        )
    )


def add_write_up(author: User, triad: MemberTriad, met_on: date, parts: dict) -> GrowWriteUp:
    """A write-up of the meeting, linked to the step each member is practising now (their
    live step; none when they have none). The caller has checked `author` is a member."""
    write_up = GrowWriteUp(
        school_id=triad.school.id,
        triad_key=triad.key,
        author_id=author.id,
        met_on=met_on,
        **{field: parts[field] for field, _, _ in GROW_PARTS},
    )
    for member in triad.members:
        step = live_step(member.id)
        write_up.member_steps.append(
            GrowMemberStep(member_id=member.id, action_step_id=step.id if step else None)
        )
    db.session.add(write_up)
    db.session.flush()
    return write_up
