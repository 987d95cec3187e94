"""Forms for countries, institutions and units."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from audit.i18n import RTL_LANGUAGES
from forms.base import BaseForm

#: What each language's version of a name is called on the form (the languages of config).
VERSION_LABELS = {
    "en": _l("Name in English"),
    "ar": _l("Name in Arabic"),
    "fr": _l("Name in French"),
    "es": _l("Name in Spanish"),
}


def _entered_name() -> StringField:
    return StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"dir": "auto"},  # entered in any language, in its own direction
        description=_l(
            "The name as entered. Readers see it wherever no version in their language is given."
        ),
    )


def _version(code: str) -> StringField:
    """An optional version of the name in one language, typed in that language's direction."""
    return StringField(
        VERSION_LABELS[code],
        validators=[Optional(), Length(max=200)],
        render_kw={"lang": code, "dir": "rtl" if code in RTL_LANGUAGES else "ltr"},
    )


def _versions() -> tuple[StringField, StringField, StringField, StringField]:
    """The four optional versions, in the order of the languages (en, ar, fr, es)."""
    return _version("en"), _version("ar"), _version("fr"), _version("es")


def name_versions(form: BaseForm) -> dict[str, str | None]:
    """The versions of the name a form was given, by language."""
    return {code: form[f"name_{code}"].data for code in VERSION_LABELS}


class CountryForm(BaseForm):
    """A country."""

    code = StringField(
        _l("ISO code"),
        validators=[DataRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Two letters, e.g. LB."))],
    )
    name = _entered_name()
    name_en, name_ar, name_fr, name_es = _versions()


class InstitutionForm(BaseForm):
    """A police service, armed force or gendarmerie."""

    country_id = SelectField(_l("Country"), coerce=int)
    name = _entered_name()
    name_en, name_ar, name_fr, name_es = _versions()
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
    name = _entered_name()
    name_en, name_ar, name_fr, name_es = _versions()
    unit_type = SelectField(_l("Type of unit"))
    active = BooleanField(_l("Active"), default=True)
