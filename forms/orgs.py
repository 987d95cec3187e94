"""Forms for countries, institutions and units."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from forms.base import BaseForm


class CountryForm(BaseForm):
    """A country."""

    code = StringField(
        _l("ISO code"),
        validators=[DataRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Two letters, e.g. LB."))],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class InstitutionForm(BaseForm):
    """A police service, armed force or gendarmerie."""

    country_id = SelectField(_l("Country"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"))


class UnitForm(BaseForm):
    """A unit in an institution's tree."""

    institution_id = SelectField(_l("Institution"), coerce=int)
    parent_id = SelectField(
        _l("Parent unit"), coerce=int, description=_l("Leave at “none” for the top of the tree.")
    )
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Letters, digits, dots, dashes only.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    unit_type = SelectField(_l("Type of unit"))
    active = BooleanField(_l("Active"), default=True)
