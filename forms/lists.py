"""The filters of the long lists (GET forms: nothing changes, so no CSRF token).

A value outside the choices is an error of its field, which the view drops (that filter is
ignored and the page says so) instead of refusing the whole page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from forms.base import BaseForm


class AuditListForm(BaseForm):
    """Which audits to list, and in what order; the view fills in the choices."""

    class Meta:
        csrf = False

    institution = SelectField(_l("Institution"), choices=[], default="", validate_choice=True)
    cycle = SelectField(_l("Cycle"), choices=[], default="", validate_choice=True)
    state = SelectField(_l("State"), choices=[], default="", validate_choice=True)
    sort = SelectField(
        _l("Sort by"),
        choices=[
            ("state", _l("What needs doing first")),
            ("unit", _l("Unit")),
            ("deadline", _l("Deadline")),
            ("submitted", _l("Newest submission")),
        ],
        default="state",
        validate_choice=True,
    )
    page = StringField(_l("Page"))


class NameFilterForm(BaseForm):
    """A list of names (units, accounts) narrowed by a piece of the name."""

    class Meta:
        csrf = False

    q = StringField(_l("Name contains"))
    page = StringField(_l("Page"))


class HeatMapForm(BaseForm):
    """Which units the portfolio's heat map shows, and in what order; the view fills in the
    institutions, bands and domains."""

    class Meta:
        csrf = False

    institution = SelectField(_l("Institution"), choices=[], default="", validate_choice=True)
    domain = SelectField(_l("Score"), choices=[], default="", validate_choice=True)
    band = SelectField(_l("Band"), choices=[], default="", validate_choice=True)
    sort = SelectField(
        _l("Sort by"),
        choices=[
            ("unit", _l("Institution and unit")),
            ("weakest", _l("Weakest score first")),
            ("strongest", _l("Strongest score first")),
        ],
        default="unit",
        validate_choice=True,
    )
    page = StringField(_l("Page"))


def ignored_filters(form: BaseForm) -> list[str]:
    """Validate a list's filter form; each field whose value is not one of its choices is set
    back to its default, and its label returned so the page can say it was ignored (the page
    number is read by `audit.paging`, not here)."""
    form.validate()
    ignored = []
    for field in form:
        if field.name != "page" and field.errors:
            ignored.append(str(field.label.text))
            field.data = field.default or ""
    return ignored
