"""What a self-audit asks: the four areas of great teaching, a few statements in each,
the answer scale and the people-facing words for experience and phase.

Data, not template: a school group that words its statements differently changes them
here (keys are stored with each answer, so never reuse a key for a different statement).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    key: str
    text: str


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    statements: tuple[Statement, ...]


AREAS: tuple[Area, ...] = (
    Area(
        "content",
        "Understanding the content",
        (
            Statement("content-knowledge", "I know the content I teach deeply and flexibly."),
            Statement(
                "content-misconceptions",
                "I anticipate the misconceptions pupils bring to a topic.",
            ),
            Statement(
                "content-sequence",
                "I know how a topic builds on what pupils learnt before.",
            ),
        ),
    ),
    Area(
        "environment",
        "Creating a supportive environment",
        (
            Statement(
                "environment-relationships", "Pupils feel safe to have a go and get it wrong."
            ),
            Statement("environment-expectations", "I hold high expectations of every pupil."),
            Statement("environment-respect", "Relationships in my room are warm and respectful."),
        ),
    ),
    Area(
        "time",
        "Making the most of time to learn",
        (
            Statement("time-routines", "Routines let lessons start and move on without fuss."),
            Statement("time-transitions", "Transitions between activities are quick and calm."),
            Statement(
                "time-behaviour", "I deal with low-level disruption without losing the lesson."
            ),
        ),
    ),
    Area(
        "thinking",
        "Getting pupils thinking hard",
        (
            Statement(
                "thinking-questioning", "My questions make every pupil think, not just a few."
            ),
            Statement("thinking-modelling", "I model and explain so pupils see how experts think."),
            Statement("thinking-checking", "I check what pupils have understood before moving on."),
        ),
    ),
)

#: The answer scale, from one end to the other: no numbers, no judgement.
SCALE: tuple[tuple[str, str], ...] = (
    ("strength", "A strength"),
    ("secure", "Mostly secure"),
    ("growing", "Still growing"),
    ("work_on", "What I want to work on"),
)

SCALE_LABELS = dict(SCALE)
AREA_BY_KEY = {area.key: area for area in AREAS}
STATEMENT_KEYS = tuple(s.key for area in AREAS for s in area.statements)

#: Set by the admin per person, used to mix triads.
EXPERIENCE: tuple[tuple[str, str], ...] = (
    ("early_career", "Early career"),
    ("developing", "Three to five years"),
    ("experienced", "Experienced"),
)
PHASES: tuple[tuple[str, str], ...] = (
    ("EYFS", "EYFS"),
    ("KS1", "KS1"),
    ("KS2", "KS2"),
    ("KS3", "KS3"),
    ("KS4", "KS4"),
    ("KS5", "KS5"),
)
