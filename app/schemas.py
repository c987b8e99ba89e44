"""marshmallow schemas: the single source of truth for the JSON sync API and its OpenAPI
document (`GET /api/v1/openapi.json`, built from these classes by app/api/docs.py).

Input schemas refuse unknown fields and name every bad field; output schemas list exactly
what a device or another page may read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import url_for
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app import limits
from app.models import STEP_STATUSES

#: A device clock may run this far ahead of the server's before a start time counts as
#: "in the future".
CLOCK_SKEW = timedelta(minutes=5)
DURATION_MINUTES = (1, 240)

#: Booleans are JSON true/false only, never "yes" or 1.
STRICT_BOOLEAN = {"truthy": {True}, "falsy": {False}}


def _not_blank(text: str) -> None:
    if not text.strip():
        raise ValidationError("Write the action step.")


def _no_duplicates(ids: list) -> None:
    if len(set(ids)) != len(ids):
        raise ValidationError("Each photo id may appear only once.")


#: Ids are PostgreSQL integers: anything larger would fail in the database, not here.
ID_RANGE = validate.Range(min=1, max=2**31 - 1)


class Text(fields.String):
    """A string the databases can store: no NUL characters, no lone surrogates."""

    default_error_messages = {"unstorable": "Contains characters that cannot be saved."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("unstorable") from None
        if "\x00" in text:
            raise self.make_error("unstorable")
        return text


class Moment(fields.AwareDateTime):
    """An ISO 8601 time with its UTC offset, returned in UTC."""

    default_error_messages = {"range": "Not a time that can be saved."}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            raise self.make_error("range") from None
        if moment.year < 2000:
            raise self.make_error("range")
        return moment


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class PracticePlanSchema(StrictSchema):
    """How the teacher rehearses the step before class, and what success looks like."""

    rehearse = Text(load_default="", validate=validate.Length(max=limits.PRACTICE_REHEARSE))
    success = Text(load_default="", validate=validate.Length(max=limits.PRACTICE_SUCCESS))


class ActionStepInSchema(StrictSchema):
    """The visit's one step: {"step_id"} keeps the teacher practising their live step;
    {"text", "library_step_id"} sets a new one, closing the live step as replaced, or as
    embedded when `embedded_step_id` names it (the coach's judgement on this visit)."""

    step_id = fields.Integer(
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "Keep practising: the id of the teacher's live step."},
    )
    text = Text(
        validate=[validate.Length(min=1, max=limits.ACTION_STEP), _not_blank],
        metadata={"description": "A new step: the one thing the teacher practises next."},
    )
    library_step_id = fields.Integer(
        strict=True,
        allow_none=True,
        validate=ID_RANGE,
        metadata={"description": "The library step this text came from, if any."},
    )
    embedded_step_id = fields.Integer(
        strict=True,
        allow_none=True,
        validate=ID_RANGE,
        metadata={"description": "With a new step: the live step this visit judged embedded."},
    )
    practice_plan = fields.Nested(
        PracticePlanSchema,
        metadata={
            "description": "With a new step, optional: its practice plan as the coach "
            "adjusted it. Left out: the library step's plan (none for a step written fresh)."
        },
    )

    @validates_schema
    def revisit_or_new(self, data, **kwargs):
        if "step_id" in data:
            extra = [
                name
                for name in ("text", "library_step_id", "embedded_step_id", "practice_plan")
                if name in data
            ]
            for name in extra:
                raise ValidationError("Send step_id alone to keep practising a step.", name)
        elif "text" not in data:
            raise ValidationError("Missing data for required field.", "text")


class VisitInSchema(StrictSchema):
    """What a device sends to create or update one drop-in (PUT /api/v1/visits/<uuid>)."""

    teacher_id = fields.Integer(strict=True, required=True, validate=ID_RANGE)
    started_at = Moment(
        required=True,
        format="iso",
        metadata={"description": "ISO 8601 with a UTC offset; not in the future."},
    )
    duration_minutes = fields.Integer(
        strict=True, load_default=10, validate=validate.Range(*DURATION_MINUTES)
    )
    class_name = Text(load_default="", validate=validate.Length(max=limits.CLASS_NAME))
    subject = Text(load_default="", validate=validate.Length(max=limits.SUBJECT))
    notes = Text(load_default="", validate=validate.Length(max=limits.NOTES))
    action_step = fields.Nested(ActionStepInSchema, required=True)
    photo_ids = fields.List(
        fields.UUID(),
        load_default=None,
        validate=[validate.Length(max=limits.PHOTOS_PER_VISIT), _no_duplicates],
        metadata={
            "description": "Photos the visit expects; complete once all have arrived. "
            "Sent again without some, those photos are deleted (the device's final list); "
            "left out, the visit's photos stay as they are."
        },
    )
    captured_offline = fields.Boolean(load_default=False, **STRICT_BOOLEAN)
    created_at = Moment(
        load_default=None,
        allow_none=True,
        format="iso",
        metadata={"description": "The device's clock when the drop-in began (kept, not trusted)."},
    )
    updated_at = Moment(
        load_default=None,
        allow_none=True,
        format="iso",
        metadata={"description": "The device's clock at the last edit: last write wins."},
    )

    @validates_schema
    def last_edit_is_not_far_ahead(self, data, **kwargs):
        """A device whose clock runs days ahead would make every later edit lose (the
        latest `updated_at` wins): refuse it, so the coach sees it and fixes the clock."""
        updated_at = data.get("updated_at")
        if updated_at and updated_at > datetime.now(UTC) + timedelta(days=1):
            raise ValidationError(
                "The device's clock is more than a day ahead: set its date and time, "
                "then send again.",
                "updated_at",
            )

    @validates_schema
    def start_is_not_in_the_future(self, data, **kwargs):
        started_at = data.get("started_at")
        if started_at and started_at > datetime.now(UTC) + CLOCK_SKEW:
            raise ValidationError("The start time is in the future.", "started_at")


class ActionStepPatchSchema(StrictSchema):
    """A teacher's acknowledgement, reflection or progress, or a coach's status verdict."""

    status = fields.String(validate=validate.OneOf(STEP_STATUSES[:3]))
    acknowledged = fields.Boolean(
        validate=validate.Equal(True, error="Only true: an acknowledgement is never undone."),
        **STRICT_BOOLEAN,
    )
    reflection = Text(
        validate=validate.Length(
            max=limits.REFLECTION,
            error=f"Shorten your reflection to {limits.REFLECTION:,} characters or fewer.",
        )
    )

    @validates_schema
    def something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError("Send status, acknowledged or reflection.")


# Output ------------------------------------------------------------------------------


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ActionStepOutSchema(Schema):
    """A step as one viewer may read it: the reflection is null for anyone but the teacher
    and their current coach(es) (see app.authz.may_read_reflection)."""

    id = fields.Integer(metadata={"description": "Kept across the visits that revisit it."})
    text = fields.String()
    library_step_id = fields.Integer(allow_none=True)
    category = fields.Function(
        lambda step: step.library_step.category if step.library_step else None,
        allow_none=True,
        metadata={"type": "string"},
    )
    status = fields.String(metadata={"enum": list(STEP_STATUSES)})
    status_changed_at = fields.AwareDateTime(allow_none=True)
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    reflection = fields.String(allow_none=True)
    reflected_at = fields.AwareDateTime(allow_none=True)
    set_at = fields.AwareDateTime(metadata={"description": "When the visit that set it began."})
    closed_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "When it was embedded or replaced."}
    )
    practice_plan = fields.Function(
        lambda step: {"rehearse": step.practice_rehearse, "success": step.practice_success},
        metadata={"type": "object", "description": "{rehearse, success}: how to practise it."},
    )
    visit_ids = fields.Function(
        lambda step: [str(visit.id) for visit in step.visits],
        metadata={
            "type": "array",
            "description": "Its visits, oldest (the one that set it) first.",
        },
    )


class StepCommentInSchema(StrictSchema):
    """One comment on a step (PUT /api/v1/steps/<id>/comments/<uuid>)."""

    body = Text(required=True, validate=validate.Length(min=1, max=limits.COMMENT))
    created_at = Moment(load_default=None, allow_none=True, format="iso")


class StepCommentOutSchema(Schema):
    id = fields.UUID()
    step_id = fields.Integer()
    author = fields.Nested(lambda: PersonSchema())
    body = fields.String()
    created_at = fields.AwareDateTime(metadata={"description": "Server time: the order shown."})


class PracticeEntryInSchema(StrictSchema):
    """One time the step was practised (PUT /api/v1/steps/<id>/practice/<uuid>)."""

    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            ("rehearsal", "lesson"), error="Say how: rehearsal or lesson (tried it in class)."
        ),
    )
    practised_on = fields.Date(
        required=True, metadata={"description": "The school-local day, YYYY-MM-DD."}
    )
    note = Text(
        load_default="",
        validate=validate.Length(
            max=limits.PRACTICE_NOTE,
            error=f"Shorten the line to {limits.PRACTICE_NOTE} characters or fewer.",
        ),
    )
    created_at = Moment(load_default=None, allow_none=True, format="iso")


class PracticeEntryOutSchema(Schema):
    id = fields.UUID()
    step_id = fields.Integer()
    author = fields.Nested(lambda: PersonSchema())
    kind = fields.String(metadata={"enum": ["rehearsal", "lesson"]})
    practised_on = fields.Date()
    note = fields.String()
    created_at = fields.AwareDateTime(metadata={"description": "Server time."})


class PhotoOutSchema(Schema):
    id = fields.UUID()
    visit_id = fields.UUID()
    url = fields.Function(
        lambda photo: url_for("photos.display", photo_id=photo.id),
        metadata={"type": "string", "description": "Display size (long edge at most 1600 px)."},
    )
    thumbnail_url = fields.Function(
        lambda photo: url_for("photos.thumbnail", photo_id=photo.id),
        metadata={"type": "string", "description": "Thumbnail (long edge at most 320 px)."},
    )
    width = fields.Integer()
    height = fields.Integer()
    bytes = fields.Integer()
    caption = fields.String()


class PhotoUploadOutSchema(PhotoOutSchema):
    visit_complete = fields.Boolean(
        attribute="visit.is_complete",
        metadata={"description": "True once every photo the visit expects has arrived."},
    )


class VisitOutSchema(Schema):
    id = fields.UUID()
    teacher_id = fields.Integer()
    teacher = fields.Nested(PersonSchema)
    coach = fields.Nested(PersonSchema)
    school = fields.Function(lambda visit: visit.school.slug, metadata={"type": "string"})
    started_at = fields.AwareDateTime()
    duration_minutes = fields.Integer()
    class_name = fields.String()
    subject = fields.String()
    notes = fields.String()
    captured_offline = fields.Boolean()
    action_step = fields.Nested(ActionStepOutSchema)
    photo_ids = fields.List(fields.String(), attribute="expected_photo_ids")
    photos = fields.List(fields.Nested(PhotoOutSchema))
    complete = fields.Boolean(
        attribute="is_complete",
        metadata={"description": "True once every photo in photo_ids has arrived."},
    )
    created_at = fields.AwareDateTime(metadata={"description": "Server time."})
    updated_at = fields.AwareDateTime(metadata={"description": "Server time."})
    client_created_at = fields.AwareDateTime(allow_none=True)
    client_updated_at = fields.AwareDateTime(allow_none=True)


class LibraryStepSchema(Schema):
    id = fields.Integer()
    category = fields.String()
    title = fields.String()
    guidance = fields.String()
    practice_rehearse = fields.String()
    practice_success = fields.String()
    school_id = fields.Integer(allow_none=True, metadata={"description": "None: trust-wide."})


class TeacherSchema(Schema):
    """One teacher the user may write a visit for: dumps an authz.Coachee."""

    id = fields.Integer(attribute="teacher.id")
    name = fields.String(attribute="teacher.name")
    email = fields.String(attribute="teacher.email")
    school = fields.String(attribute="school.slug", metadata={"description": "The school's slug."})


class MeSchema(Schema):
    """Dumps a `Me`: the signed-in user, their roles and the teachers they may write for."""

    id = fields.Integer(attribute="user.id")
    email = fields.String(attribute="user.email")
    name = fields.String(attribute="user.name")
    roles = fields.List(fields.String())
    teachers = fields.List(
        fields.Nested(TeacherSchema),
        metadata={"description": "Teachers the user may write a visit for."},
    )
    more_teachers = fields.Boolean(
        metadata={"description": "Present (true) only when teachers lists the first 500."}
    )


class ErrorSchema(Schema):
    id = fields.String(metadata={"description": "The visit's (or photo's) id, when there is one."})
    visit_id = fields.String(metadata={"description": "On photo answers: the photo's visit."})
    error = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={"description": 'Messages per field, e.g. {"teacher_id": ["…"]}.'},
    )
