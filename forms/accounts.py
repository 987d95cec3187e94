"""Forms for signing in, passwords, languages and accounts."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from audit.accounts import passwords
from config import LANGUAGE_NAMES
from forms.base import BaseForm

LANGUAGE_CHOICES = [("", _l("Follow my browser")), *LANGUAGE_NAMES.items()]


class LoginForm(BaseForm):
    """Sign in with e-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class PasswordChangeForm(BaseForm):
    """A signed-in user changes their own password."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=128)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=passwords.MAX_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new_password.description = passwords.rule()


class LanguageForm(BaseForm):
    """The language switcher in the page header."""

    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validate_choice=True)


class UserForm(BaseForm):
    """An administrator creates or edits an account."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validate_choice=True)
    enabled = BooleanField(_l("Account enabled"), default=True)
    password = PasswordField(
        _l("Password"), validators=[Optional(), Length(max=passwords.MAX_LENGTH)]
    )

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        more = (
            _("Required for a new account.")
            if new
            else _("Leave it empty to keep the current password.")
        )
        self.password.description = f"{passwords.rule()} {more}"


class AssignmentForm(BaseForm):
    """An administrator gives a user a role over a scope (the role has no default: the view
    offers "Choose a role" first, and only the scope fields of the chosen role count)."""

    role = SelectField(
        _l("Role"), validators=[DataRequired(message=_l("Choose a role."))], validate_choice=True
    )
    # The scope fields default to 0 ("—"): a field the page's script disabled because the chosen
    # role does not use it is not sent, and counts as not chosen.
    unit_id = SelectField(
        _l("Unit"), coerce=int, default=0, description=_l("For commanders and advisers.")
    )
    institution_id = SelectField(
        _l("Institution"), coerce=int, default=0, description=_l("For advisers and donors.")
    )
    country_id = SelectField(_l("Country"), coerce=int, default=0, description=_l("For donors."))


class CodeForm(BaseForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"},
        description=_l("The six digits your app shows now, or one of your recovery codes."),
    )


class ConfirmCodeForm(BaseForm):
    """The first code from the app, which turns two-step sign-in on."""

    code = StringField(
        _l("Code from your app"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ProofForm(BaseForm):
    """Turning two-step sign-in off or renewing recovery codes: the password or a code."""

    proof = PasswordField(
        _l("Current password or a code"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class StartForm(BaseForm):
    """Begin setting up two-step sign-in (a button only)."""
