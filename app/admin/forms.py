"""Forms for administration."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NoneOf,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app import limits
from app.models import CADENCES, SCHOOL_ROLES
from app.selfaudit.areas import EXPERIENCE, PHASES

ROLE_LABELS = {
    "teacher": "Teacher",
    "coach": "Coach",
    "lead": "School lead",
    "trust_lead": "Trust lead",
    "admin": "Admin",
}
#: Largest CSV accepted on the web; it travels back as one field of the (multipart)
#: confirm form, which Werkzeug caps at 500 KB. Bigger files go through `flask import-staff`.
MAX_IMPORT_BYTES = 400_000


def _a_real_year(form, field) -> None:
    if field.data and not limits.FIRST_YEAR <= field.data.year <= limits.LAST_YEAR:
        raise ValidationError(f"Choose a date between {limits.FIRST_YEAR} and {limits.LAST_YEAR}.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def at_most(limit: int, what: str = "it") -> Length:
    """A length limit whose message says what to do: "Keep it to 500 characters or fewer"."""
    return Length(max=limit, message=f"Keep {what} to {limit} characters or fewer.")


def email_field():
    return EmailField(
        "Email",
        filters=[_lower],
        validators=[
            DataRequired("Enter an email address."),
            Length(max=limits.EMAIL),
            Email("Enter a valid email address, like name@school.org."),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def name_field():
    return StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the person's name."),
            Length(max=limits.PERSON_NAME),
        ],
        render_kw={"autocomplete": "off"},
    )


class SchoolForm(FlaskForm):
    name = StringField(
        "School name",
        filters=[_strip],
        validators=[DataRequired("Enter the school's name."), Length(max=200)],
    )
    slug = StringField(
        "Short name",
        filters=[_lower],
        validators=[Length(max=80)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    timezone = SelectField("Time zone", default="Europe/London", validate_choice=False)
    cadence = SelectField(
        "Coaching cadence",
        default="fortnightly",
        validate_choice=False,
        choices={c: c.capitalize() for c in CADENCES},
        validators=[AnyOf(CADENCES, "Choose weekly or fortnightly.")],
    )
    reminder_after_days = IntegerField(
        "School days before a reminder of an unread step",
        default=3,
        validators=[
            Optional(),
            NumberRange(1, 20, "Enter a number of school days from 1 to 20."),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": 20},
    )

    def __init__(self, *args, timezones: list[str], valid_timezones: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        # A school already on a zone left out of the list (an old alias) keeps it shown.
        current = self.timezone.data
        extra = [current] if current in valid_timezones and current not in timezones else []
        self.timezone.choices = [*timezones, *extra]
        self.timezone.validators = [
            AnyOf(valid_timezones, "Choose a time zone from the list, like Europe/London.")
        ]


class StaffForm(FlaskForm):
    email = email_field()
    name = name_field()
    roles = CheckboxesField(
        "Roles",
        choices={r: ROLE_LABELS[r] for r in SCHOOL_ROLES},
        validators=[DataRequired("Choose at least one role.")],
    )


class StaffEditForm(FlaskForm):
    name = name_field()
    roles = CheckboxesField(
        "Roles",
        choices={r: ROLE_LABELS[r] for r in SCHOOL_ROLES},
        validators=[DataRequired("Choose at least one role.")],
    )
    #: To mix peer triads (app/admin/suggestions.py); optional.
    experience = SelectField("Experience", choices={"": "Not set", **dict(EXPERIENCE)}, default="")
    phase = SelectField("Phase they teach", choices={"": "Not set", **dict(PHASES)}, default="")


class TrustRoleForm(FlaskForm):
    email = email_field()
    name = name_field()
    role = SelectField("Role", choices={"admin": "Admin", "trust_lead": "Trust lead"})


def chosen(message: str) -> list:
    """A person select must not be left at "Choose…" (value 0): say so at that field."""
    return [InputRequired(message), NoneOf([0], message)]


class PairForm(FlaskForm):
    # The service checks who may coach whom, with a clearer message than "Not a valid choice".
    coach_id = SelectField(
        "Coach", coerce=int, validate_choice=False, validators=chosen("Choose a coach.")
    )
    teacher_id = SelectField(
        "Person coached",
        coerce=int,
        validate_choice=False,
        validators=chosen("Choose who they coach."),
    )
    since = DateField(
        "From",
        default=date.today,
        validators=[InputRequired("Enter the date the coaching starts."), _a_real_year],
    )


class TriadForm(FlaskForm):
    first_id = SelectField(
        "First peer", coerce=int, validate_choice=False, validators=chosen("Choose a peer.")
    )
    second_id = SelectField(
        "Second peer", coerce=int, validate_choice=False, validators=chosen("Choose a peer.")
    )
    third_id = SelectField(
        "Third peer", coerce=int, validate_choice=False, validators=chosen("Choose a peer.")
    )
    since = DateField(
        "From",
        default=date.today,
        validators=[InputRequired("Enter the date the coaching starts."), _a_real_year],
    )


class LibraryStepForm(FlaskForm):
    school_id = SelectField("For", coerce=int, default=0)
    category = StringField(
        "Category",
        filters=[_strip],
        validators=[DataRequired("Enter a category, like Questioning."), Length(max=80)],
        render_kw={"list": "categories", "autocomplete": "off"},
    )
    title = TextAreaField(
        "Action step",
        filters=[_strip],
        validators=[
            DataRequired("Write the action step."),
            at_most(limits.ACTION_STEP, "the step"),
        ],
    )
    guidance = TextAreaField(
        "Guidance for the coach", filters=[_strip], validators=[Optional(), Length(max=2000)]
    )
    practice_rehearse = TextAreaField(
        "Practice plan: what to rehearse, and how",
        filters=[_strip],
        validators=[Optional(), at_most(limits.PRACTICE_REHEARSE)],
    )
    practice_success = TextAreaField(
        "Practice plan: what success looks like",
        filters=[_strip],
        validators=[Optional(), at_most(limits.PRACTICE_SUCCESS)],
    )


class ImportUploadForm(FlaskForm):
    csv_file = FileField("CSV file")


class ImportConfirmForm(FlaskForm):
    csv_text = HiddenField(validators=[DataRequired()])


class CycleForm(FlaskForm):
    name = StringField(
        "Cycle name",
        filters=[_strip],
        validators=[
            DataRequired("Enter a name for the cycle, like Autumn cycle 1."),
            at_most(limits.CYCLE_NAME, "the name"),
        ],
        render_kw={"autocomplete": "off"},
    )
    starts_on = DateField(
        "First day",
        validators=[InputRequired("Enter the cycle's first day, like 2026-11-02."), _a_real_year],
    )
    ends_on = DateField(
        "Last day",
        validators=[InputRequired("Enter the cycle's last day, like 2026-12-11."), _a_real_year],
    )


class TermForm(FlaskForm):
    """A term as the school names it; self-audits are once per term."""

    name = StringField(
        "Name",
        filters=[_strip],
        validators=[
            DataRequired("Name the term, as the school says it (“Autumn term 2026”)."),
            Length(max=60, message="Keep the name to 60 characters."),
        ],
    )
    first_day = DateField(
        "First day", validators=[InputRequired("Enter the term's first day."), _a_real_year]
    )
    last_day = DateField(
        "Last day", validators=[InputRequired("Enter the term's last day."), _a_real_year]
    )

    def validate_last_day(self, field) -> None:
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError("The last day must not come before the first day.")
        if self.first_day.data and field.data and (field.data - self.first_day.data).days > 200:
            raise ValidationError("A term lasts at most 200 days: check the dates.")
