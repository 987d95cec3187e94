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
