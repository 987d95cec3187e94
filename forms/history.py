"""The history page's filters (a GET form: nothing changes, so no CSRF token) and the
adviser's confirmation that validating locks the audit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField

from forms.base import BaseForm


class HistoryFilterForm(BaseForm):
    """Which entries of an audit's log to list; the view fills in the choices.

    A value outside the choices is an error of its field, which the view drops (the filter is
    ignored and the page says so) instead of refusing the whole page.
    """

    class Meta:
        csrf = False

    domain = SelectField(_l("Domain"), choices=[], default="", validate_choice=True)
    indicator = SelectField(_l("Question"), choices=[], default="", validate_choice=True)
    person = SelectField(_l("Person"), choices=[], default="", validate_choice=True)
    kind = SelectField(_l("Kind of change"), choices=[], default="", validate_choice=True)
    page = StringField(_l("Page"))


class ValidateForm(BaseForm):
    """Validating locks the audit: the adviser ticks that they mean it."""

    confirm = BooleanField(_l("I have reviewed this audit and want to validate and lock it."))
