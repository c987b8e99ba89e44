"""The GROW write-up form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app import limits


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _part(label: str, what: str) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(f"Write the {what}."),
            Length(
                max=limits.GROW_PART,
                message=f"Keep the {what} to {limits.GROW_PART} characters or fewer.",
            ),
        ],
        render_kw={"rows": 4, "maxlength": limits.GROW_PART},
    )


class GrowForm(FlaskForm):
    met_on = DateField(
        "Date of the meeting",
        validators=[InputRequired("Enter the date you met, like 2026-11-27.")],
    )
    goal = _part("Goal", "goal")
    reality = _part("Reality", "reality")
    options = _part("Options", "options")
    way_forward = _part("Way forward", "way forward")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_met_on(self, field) -> None:
        if field.data and field.data > self.today:
            raise ValidationError("The meeting date cannot be in the future.")
        if field.data and field.data.year < limits.FIRST_YEAR:
            raise ValidationError(f"Choose a date from {limits.FIRST_YEAR} on.")
