"""Forms for opening, filling and closing audit cycles."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import BaseForm


class UnitChoicesField(SelectMultipleField):
    """Several units (or institutions) as checkboxes; anything not offered is "Not a valid
    choice."."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            self.data = [self.coerce(value) for value in valuelist]
        except (TypeError, ValueError) as error:
            self.data = []
            raise ValueError(self.gettext("Not a valid choice.")) from error

    def pre_validate(self, form: Any) -> None:
        offered = {self.coerce(choice[0]) for choice in self.iter_choices()}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(self.gettext("Not a valid choice."))


class CycleForm(BaseForm):
    """An administrator opens an audit cycle for some units."""

    name = StringField(
        _l("Name"),
        description=_l("For example “2026”; every cycle has its own name."),
        validators=[DataRequired(), Length(max=200)],
    )
    framework_version_id = SelectField(
        _l("Framework version"),
        coerce=int,
        description=_l("The cycle's audits are answered and scored under this version."),
    )
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired()])
    unit_ids = UnitChoicesField(
        _l("Units"), coerce=int, description=_l("Each unit chosen gets one audit in this cycle.")
    )
    institution_ids = UnitChoicesField(_l("Every unit of the institution"), coerce=int)

    def validate_closes_on(self, field: Field) -> None:
        """The cycle cannot close before it opens."""
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date cannot be before the opening date."))


class AddUnitsForm(BaseForm):
    """An administrator adds units to an open cycle."""

    unit_ids = UnitChoicesField(
        _l("Units to add"),
        coerce=int,
        description=_l("Each unit chosen gets one audit in this cycle, as if it had been there."),
    )
    institution_ids = UnitChoicesField(_l("Every unit of the institution"), coerce=int)


class CloseCycleForm(BaseForm):
    """Close a cycle, or take a unit out of it (a button: only the CSRF token)."""
