"""The retention settings form and the two confirmations of an erasure."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from app.privacy.erasure import VISIT_CHOICES
from app.privacy.models import AUDIT_YEARS, PHOTO_MONTHS, SIGN_IN_DAYS, VISIT_ACTIONS, VISIT_YEARS


def _period(label: str, bounds: tuple[int, int, int], unit: str) -> IntegerField:
    _, low, high = bounds
    message = f"Enter a whole number of {unit} from {low} to {high}."
    return IntegerField(
        label,
        validators=[InputRequired(message), NumberRange(low, high, message)],
        render_kw={"min": low, "max": high, "inputmode": "numeric"},
    )


class RetentionForm(FlaskForm):
    photo_months = _period("Photos are deleted after (months)", PHOTO_MONTHS, "months")
    visit_years = _period("Visits and action steps are kept for (years)", VISIT_YEARS, "years")
    visit_action = RadioField(
        "Then visits and steps are",
        choices={"delete": "deleted", "anonymise": "kept without names, for counts and trends"},
        validators=[InputRequired("Choose what happens to old visits.")],
    )
    audit_years = _period("The audit trail is kept for (years)", AUDIT_YEARS, "years")
    sign_in_days = _period("Signed-in devices are forgotten after (days)", SIGN_IN_DAYS, "days")

    def validate_visit_action(self, field) -> None:
        if field.data not in VISIT_ACTIONS:
            raise ValidationError("Choose what happens to old visits.")


class ErasureChoiceForm(FlaskForm):
    """First confirmation: what happens to the visits."""

    visits = RadioField(
        "Their visits",
        choices={"delete": "Delete them", "anonymise": "Keep them without their name"},
        validators=[InputRequired("Choose what happens to their visits.")],
    )

    def validate_visits(self, field) -> None:
        if field.data not in VISIT_CHOICES:
            raise ValidationError("Choose what happens to their visits.")


class ErasureConfirmForm(ErasureChoiceForm):
    """Second confirmation: the admin types the person's email address."""

    email = StringField(
        "Type their email address to confirm",
        validators=[InputRequired("Type their email address.")],
    )

    def __init__(self, person_email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person_email = person_email

    def validate_email(self, field) -> None:
        if (field.data or "").strip().lower() != self.person_email.lower():
            raise ValidationError("That is not their email address: nothing was erased.")
