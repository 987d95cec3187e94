"""Accounts: signing in, passwords, languages and role assignments."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from audit.accounts.models import Role, RoleAssignment, User, new_login_token
from audit.accounts.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from audit.activity.services import record
from audit.db import utcnow
from audit.errors import ServiceError
from audit.extensions import db
from audit.orgs.models import Country, Institution, Unit


def normalise_email(email: str) -> str:
    """E-mail addresses are compared and stored in lower case."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The account with this e-mail address, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with these credentials, or None (same cost either way)."""
    user = user_by_email(email)
    if user is None or not user.is_enabled:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short or too long (long ones are allowed up to 128)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ServiceError(_("Use at least %(n)d characters.", n=minimum), "new_password")
    if len(password) > 128:
        raise ServiceError(_("Use at most 128 characters."), "new_password")


def create_user(
    actor: User | None, *, email: str, name: str, password: str, locale: str | None = None
) -> User:
    """Create an account with a hashed password."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise ServiceError(_("An account with this e-mail address already exists."), "email")
    check_password_strength(password)
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), locale=locale or None
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "accounts.user.created", "user", user.id, email=email)
    db.session.commit()
    return user


def update_user(
    actor: User | None, user: User, *, email: str, name: str, locale: str | None, enabled: bool
) -> User:
    """Change an account's details; disabling signs the user out everywhere."""
    email = normalise_email(email)
    other = user_by_email(email)
    if other is not None and other is not user:
        raise ServiceError(_("An account with this e-mail address already exists."), "email")
    if actor is user and not enabled:
        raise ServiceError(_("You cannot disable your own account."), "enabled")
    if user.is_enabled and not enabled:
        user.login_token = new_login_token()
    user.email, user.name, user.locale, user.is_enabled = (
        email,
        name.strip(),
        locale or None,
        enabled,
    )
    record(actor, "accounts.user.updated", "user", user.id, email=email, enabled=enabled)
    db.session.commit()
    return user


def reset_password(actor: User | None, user: User, new_password: str) -> None:
    """An administrator sets a new password; the user's sessions end."""
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.login_token = new_login_token()
    record(actor, "accounts.user.password_reset", "user", user.id)
    db.session.commit()


def change_password(user: User, current: str, new_password: str) -> None:
    """The user changes their own password; other sessions end, this one is renewed by the view."""
    if not verify_password(user.password_hash, current):
        raise ServiceError(_("The current password is not correct."), "current_password")
    if current == new_password:
        raise ServiceError(_("Choose a password different from the current one."), "new_password")
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.login_token = new_login_token()
    record(user, "accounts.user.password_changed", "user", user.id)
    db.session.commit()


def set_locale(user: User, locale: str | None) -> None:
    """Remember the language the user chose."""
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise ServiceError(_("That language is not available."), "locale")
    user.locale = locale
    db.session.commit()


def assign_role(
    actor: User | None,
    user: User,
    role: Role,
    *,
    unit_id: int | None = None,
    institution_id: int | None = None,
    country_id: int | None = None,
) -> RoleAssignment:
    """Give a user a role over a scope; the scope must fit the role."""
    unit_id, institution_id, country_id = (
        unit_id or None,
        institution_id or None,
        country_id or None,
    )
    if role is Role.ADMIN:
        unit_id = institution_id = country_id = None
    elif role is Role.COMMANDER:
        institution_id = country_id = None
        if unit_id is None:
            raise ServiceError(_("A commander needs a unit."), "unit_id")
    elif role is Role.ADVISER:
        country_id = None
        if (unit_id is None) == (institution_id is None):
            raise ServiceError(
                _("A gender adviser needs either a unit or an institution."), "unit_id"
            )
    elif role is Role.DONOR:
        unit_id = None
        if (institution_id is None) == (country_id is None):
            raise ServiceError(
                _("A donor needs either an institution or a country."), "institution_id"
            )
    for model, value, field in (
        (Unit, unit_id, "unit_id"),
        (Institution, institution_id, "institution_id"),
        (Country, country_id, "country_id"),
    ):
        if value is not None and db.session.get(model, value) is None:
            raise ServiceError(_("Choose an entry from the list."), field)
    duplicate = db.session.scalar(
        select(func.count())
        .select_from(RoleAssignment)
        .where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role,
            RoleAssignment.unit_id.is_(None)
            if unit_id is None
            else RoleAssignment.unit_id == unit_id,
            RoleAssignment.institution_id.is_(None)
            if institution_id is None
            else RoleAssignment.institution_id == institution_id,
            RoleAssignment.country_id.is_(None)
            if country_id is None
            else RoleAssignment.country_id == country_id,
        )
    )
    if duplicate:
        raise ServiceError(_("The user already holds this role there."), "role")
    assignment = RoleAssignment(
        user=user, role=role, unit_id=unit_id, institution_id=institution_id, country_id=country_id
    )
    db.session.add(assignment)
    db.session.flush()
    record(
        actor,
        "accounts.role.assigned",
        "user",
        user.id,
        role=role.value,
        unit_id=unit_id,
        institution_id=institution_id,
        country_id=country_id,
    )
    db.session.commit()
    return assignment


def remove_assignment(actor: User | None, assignment: RoleAssignment) -> None:
    """Take a role away; the last administrator cannot be removed."""
    if assignment.role is Role.ADMIN:
        admins = db.session.scalar(
            select(func.count())
            .select_from(RoleAssignment)
            .where(RoleAssignment.role == Role.ADMIN)
        )
        if admins <= 1:
            raise ServiceError(_("The last administrator cannot be removed."))
    record(
        actor,
        "accounts.role.removed",
        "user",
        assignment.user_id,
        role=assignment.role.value,
        unit_id=assignment.unit_id,
        institution_id=assignment.institution_id,
        country_id=assignment.country_id,
    )
    db.session.delete(assignment)
    db.session.commit()
