"""Routes for signing in, passwords, language and (for administrators) accounts and roles."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from audit import paging
from audit.access.roles import admin_required
from audit.accounts import services
from audit.accounts import two_step_session as two_step
from audit.accounts.labels import ROLE_LABELS
from audit.accounts.models import Role, RoleAssignment, User
from audit.extensions import db, limiter
from audit.orgs.models import Country, Institution, Unit
from audit.refusals import Refused
from audit.refusals import web as refusals
from forms.accounts import AssignmentForm, LanguageForm, LoginForm, PasswordChangeForm, UserForm
from forms.lists import NameFilterForm

bp = Blueprint("accounts", __name__)

#: Accounts a page.
USERS_PER_PAGE = 50


def _login_limit() -> str:
    return str(current_app.config["LOGIN_LIMITS"])


def _login_address_limit() -> str:
    return str(current_app.config["LOGIN_ADDRESS_LIMITS"])


def _login_email_key() -> str:
    """Throttle per account (strictly), so one account cannot be guessed at slowly from many
    addresses; the per-address limit is higher, since a whole station may share one address."""
    return "login-email:" + request.form.get("email", "").strip().lower()[:254]


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after signing in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_address_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login() -> str | Response:
    """Sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = [_("The e-mail address or password is not correct.")]
        elif user.has_two_step:
            # Not signed in yet: the code step (audit/accounts/two_step_views.py) finishes it.
            two_step.start_pending(user)
            return redirect(url_for("two_step.code", next=request.args.get("next")))
        else:
            finish_login(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


def finish_login(user: User) -> None:
    """Sign the user in on a fresh session (no session fixation). A language picked on the
    sign-in page is the user's choice: it outlives the reset and is remembered on the account."""
    chosen = session.get("locale")
    session.clear()
    login_user(user)
    services.signed_in(user)
    if chosen in current_app.config["LANGUAGES"] and chosen != user.locale:
        services.set_locale(user, chosen)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out (a POST, so another site cannot sign people out)."""
    user = current_user._get_current_object()
    locale = user.locale
    services.sign_out(user)  # a copied cookie stops working (every session of the account ends)
    logout_user()
    session.clear()
    session["locale"] = locale  # the sign-in page stays in the user's language
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    """Change one's own password; other sessions of this account end."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # the real User, not the proxy, is re-logged in
        try:
            services.change_password(
                user, form.current_password.data or "", form.new_password.data or ""
            )
        except Refused as error:
            refusals.on_form(error, form)
        else:
            login_user(user)  # the session id rotated with the password
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form)


@bp.post("/language")
def language() -> Response:
    """Switch the language; remembered on the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        chosen = form.locale.data or None
        session["locale"] = chosen
        if current_user.is_authenticated:
            services.set_locale(current_user, chosen)
    else:
        flash(_("That language is not available."), "error")
    return redirect(_safe_next(request.form.get("next")))


# --- administrators: accounts and role assignments -------------------------------------------


def _assignment_form() -> AssignmentForm:
    form = AssignmentForm()
    form.role.choices = [("", _("Choose a role"))] + [
        (role.value, str(ROLE_LABELS[role])) for role in Role
    ]
    none = [(0, "—")]
    form.unit_id.choices = none + [
        (u.id, f"{u.institution.name} · {u.name}")
        for u in db.session.scalars(
            select(Unit).join(Unit.institution).order_by(Institution.name, Unit.path)
        )
    ]
    form.institution_id.choices = none + [
        (i.id, f"{i.name} ({i.country.name})")
        for i in db.session.scalars(select(Institution).order_by(Institution.name))
    ]
    form.country_id.choices = none + [
        (c.id, c.name) for c in db.session.scalars(select(Country).order_by(Country.name))
    ]
    return form


@bp.get("/admin/users")
@admin_required
def users() -> str:
    """The accounts with their roles, a page at a time, narrowed by a piece of the name or
    e-mail address."""
    form = NameFilterForm(formdata=request.args)
    search = paging.name_search(form.page.data, form.q.data, _("Page"))
    stmt = (
        select(User)
        .options(
            # scope_label names the unit's institution and the institution's country.
            selectinload(User.assignments)
            .selectinload(RoleAssignment.unit)
            .selectinload(Unit.institution),
            selectinload(User.assignments)
            .selectinload(RoleAssignment.institution)
            .selectinload(Institution.country),
            selectinload(User.assignments).selectinload(RoleAssignment.country),
        )
        .order_by(User.name, User.id)
    )
    found = paging.searched(stmt, search, USERS_PER_PAGE, User.name, User.email)
    return render_template(
        "accounts/users.html",
        users=found,
        form=form,
        args=search.args,
        ignored=search.ignored,
        role_labels=ROLE_LABELS,
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def user_new() -> str | Response:
    """Create an account."""
    form = UserForm(new=True)
    if form.validate_on_submit():
        if not form.password.data:
            refusals.on_form(Refused("password_needed", "password"), form)
        else:
            try:
                user = services.create_user(
                    current_user,
                    email=form.email.data or "",
                    name=form.name.data or "",
                    password=form.password.data,
                    locale=form.locale.data or None,
                )
            except Refused as error:
                refusals.on_form(error, form)
            else:
                flash(_("The account has been created. Now give it a role."), "success")
                return redirect(url_for("accounts.user_edit", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int) -> str | Response:
    """Edit an account and see its roles."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, enabled=user.is_enabled, locale=user.locale or "")
    if form.validate_on_submit():
        try:
            services.update_user(
                current_user,
                user,
                email=form.email.data or "",
                name=form.name.data or "",
                locale=form.locale.data or None,
                enabled=bool(form.enabled.data),
            )
            if form.password.data:
                services.reset_password(current_user, user, form.password.data)
        except Refused as error:
            refusals.on_form(error, form)
        else:
            flash(_("The account has been saved."), "success")
            return redirect(url_for("accounts.user_edit", user_id=user.id))
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        assignment_form=_assignment_form(),
        role_labels=ROLE_LABELS,
        scope_fields=services.SCOPE_FIELDS,
    )


@bp.post("/admin/users/<int:user_id>/assignments")
@admin_required
def assignment_add(user_id: int) -> Response:
    """Give the user a role over a scope."""
    user = db.get_or_404(User, user_id)
    form = _assignment_form()
    if form.validate_on_submit():
        try:
            services.assign_role(
                current_user,
                user,
                Role(form.role.data),
                unit_id=form.unit_id.data,
                institution_id=form.institution_id.data,
                country_id=form.country_id.data,
            )
        except Refused as error:
            refusals.as_flash(error)
        else:
            flash(_("The role has been given."), "success")
    elif form.role.errors:
        flash(_("Choose a role first, then where it is held."), "error")
    else:
        flash(_("Choose a role and its scope from the lists."), "error")
    return redirect(url_for("accounts.user_edit", user_id=user.id))


@bp.post("/admin/assignments/<int:assignment_id>/delete")
@admin_required
def assignment_delete(assignment_id: int) -> Response:
    """Take a role away."""
    assignment = db.get_or_404(RoleAssignment, assignment_id)
    user_id = assignment.user_id
    try:
        services.remove_assignment(current_user, assignment)
    except Refused as error:
        refusals.as_flash(error)
    else:
        flash(_("The role has been removed."), "success")
    return redirect(url_for("accounts.user_edit", user_id=user_id))
