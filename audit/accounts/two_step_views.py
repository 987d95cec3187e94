"""Routes of two-step sign-in: the code step after the password, and the page where
administrators and gender advisers set it up (rules in audit/accounts/two_step.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit.access.roles import admin_required
from audit.accounts import two_step
from audit.accounts.models import User
from audit.accounts.two_step_session import KEY, pending_key, pending_user
from audit.accounts.views import _safe_next, finish_login
from audit.extensions import db, limiter
from audit.refusals import Refused
from audit.refusals import web as refusals
from forms.accounts import CodeForm, ConfirmCodeForm, ProofForm, StartForm

bp = Blueprint("two_step", __name__)

#: Pages a person who must still enrol may reach (the set-up itself, signing out, languages).
_OPEN_WHILE_ENROLLING = {"static", "home.favicon", "accounts.logout", "accounts.language"}


@bp.record_once
def _check_setting(state: Any) -> None:
    two_step.check_setting(tuple(state.app.config["TOTP_REQUIRED_ROLES"]))


@bp.before_app_request
def _enrol_first() -> Response | None:
    """TOTP_REQUIRED_ROLES: an account whose role requires a second factor sets it up first."""
    endpoint = request.endpoint or ""
    if (
        not current_app.config["TOTP_REQUIRED_ROLES"]
        or endpoint.startswith("two_step.")
        or endpoint in _OPEN_WHILE_ENROLLING
        or not current_user.is_authenticated
        or not two_step.must_enrol(current_user)
    ):
        return None
    flash(_("Your role requires two-step sign-in. Set it up to continue."), "info")
    return redirect(url_for("two_step.settings"))


def _login_limit() -> str:
    return str(current_app.config["LOGIN_LIMITS"])


def _login_address_limit() -> str:
    return str(current_app.config["LOGIN_ADDRESS_LIMITS"])


def _account_key() -> str:
    return f"two-step-proof:{current_user.get_id()}"


def _may_use(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in as an administrator, a gender adviser, or a role that requires it; else 403."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not two_step.may_use(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_address_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=pending_key)
def code() -> str | Response:
    """The second step of signing in: a code from the app or a recovery code."""
    user = pending_user()
    if user is None:
        session.pop(KEY, None)
        flash(_("Sign in again: the code step has expired."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_step.verify(user, form.code.data or ""):
            finish_login(user)
            left = two_step.remaining_recovery_codes(user)
            if left <= 3:
                only = ngettext(
                    "Only %(num)d recovery code is left: make new ones.",
                    "Only %(num)d recovery codes are left: make new ones.",
                    left,
                )
                flash(only, "info")
            return redirect(_safe_next(request.args.get("next")))
        form.code.errors = [_("That code is not correct or has already been used.")]
    return render_template("accounts/login_code.html", form=form)


@bp.get("/account/two-step")
@_may_use
def settings() -> str:
    """Set up, renew recovery codes for, or turn off two-step sign-in."""
    user = current_user._get_current_object()
    return _settings_page(user, ConfirmCodeForm(formdata=None))


def _settings_page(user: Any, confirm_form: ConfirmCodeForm) -> str:
    enrolling = user.totp_secret is not None and not user.has_two_step
    return render_template(
        "accounts/two_step.html",
        user=user,
        enrolling=enrolling,
        qr=two_step.qr_data_uri(user) if enrolling else None,
        secret=user.totp_secret if enrolling else None,
        required=bool(user.roles & two_step.required_roles()),
        remaining=two_step.remaining_recovery_codes(user),
        start_form=StartForm(formdata=None),
        confirm_form=confirm_form,
        renew_form=ProofForm(formdata=None, prefix="renew"),
        disable_form=ProofForm(formdata=None, prefix="disable"),
    )


@bp.post("/account/two-step/begin")
@_may_use
def begin() -> Response:
    """Make a new secret and show its QR code."""
    if StartForm().validate_on_submit():
        try:
            two_step.begin(current_user._get_current_object())
        except Refused as error:
            refusals.as_flash(error)
    return redirect(url_for("two_step.settings"))


@bp.post("/account/two-step/confirm")
@_may_use
@limiter.limit(_login_limit, key_func=_account_key)
def confirm() -> str | Response:
    """The first code turns it on; the recovery codes are shown on this answer only."""
    user = current_user._get_current_object()
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_step.confirm(user, form.code.data or "")
        except Refused as error:
            refusals.on_form(error, form)
        else:
            flash(_("Two-step sign-in is on."), "success")
            return render_template("accounts/recovery_codes.html", codes=codes)
    return _settings_page(user, form)


@bp.post("/account/two-step/<any(renew, disable):action>")
@_may_use
@limiter.limit(_login_limit, key_func=_account_key)
def change(action: str) -> str | Response:
    """New recovery codes, or turning it off; both need the password or a code."""
    user = current_user._get_current_object()
    form = ProofForm(prefix=action)
    if not form.validate_on_submit():
        flash(_("Enter your current password or a code from your app."), "error")
        return redirect(url_for("two_step.settings"))
    try:
        if action == "renew":
            codes = two_step.regenerate(user, form.proof.data or "")
        else:
            two_step.disable(user, form.proof.data or "")
    except Refused as error:
        refusals.as_flash(error)
        return redirect(url_for("two_step.settings"))
    if action == "renew":
        return render_template("accounts/recovery_codes.html", codes=codes)
    flash(_("Two-step sign-in is off."), "success")
    return redirect(url_for("two_step.settings"))


@bp.post("/admin/users/<int:user_id>/two-step/reset")
@admin_required
def admin_reset(user_id: int) -> Response:
    """An administrator turns two-step sign-in off for a user who is locked out."""
    user = db.get_or_404(User, user_id)
    if StartForm().validate_on_submit():
        try:
            two_step.reset_by_admin(current_user._get_current_object(), user)
        except Refused as error:
            refusals.as_flash(error)
        else:
            flash(_("Two-step sign-in is off for this account."), "success")
    return redirect(url_for("accounts.user_edit", user_id=user.id))


@bp.app_context_processor
def _menu() -> dict[str, object]:
    return {"may_use_two_step": two_step.may_use}
