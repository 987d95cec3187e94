"""Accounts: signing in, passwords, languages and role assignments.

These functions change and flush; the request, task or command around them commits.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select

from audit.accounts.models import Role, RoleAssignment, User, new_login_token
from audit.accounts.passwords import (
    MAX_LENGTH,
    dummy_verify,
    hash_password,
    min_length,
    needs_rehash,
    verify_password,
)
from audit.activity.services import record
from audit.db import utcnow
from audit.extensions import db
from audit.orgs.models import Country, Institution, Unit
from audit.refusals import Refused


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
    return user


def signed_in(user: User) -> None:
    """Note the sign-in: once every step (the password, and the code when there is one) passed."""
    user.last_login_at = utcnow()


def check_password_strength(password: str, field: str = "password") -> None:
    """Refuse passwords that are too short or too long (the rule of passwords.rule);
    `field` names the form field the password was typed into."""
    minimum = min_length()
    if len(password) < minimum:
        raise Refused("password_too_short", field, n=minimum)
    if len(password) > MAX_LENGTH:
        raise Refused("password_too_long", field)


def create_user(
    actor: User | None, *, email: str, name: str, password: str, locale: str | None = None
) -> User:
    """Create an account with a hashed password."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise Refused("email_taken", "email")
    check_password_strength(password)
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), locale=locale or None
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "accounts.user.created", "user", user.id, email=email)
    return user


def update_user(
    actor: User | None, user: User, *, email: str, name: str, locale: str | None, enabled: bool
) -> User:
    """Change an account's details; disabling signs the user out everywhere."""
    email = normalise_email(email)
    other = user_by_email(email)
    if other is not None and other is not user:
        raise Refused("email_taken", "email")
    if actor is user and not enabled:
        raise Refused("cannot_disable_self", "enabled")
    if user.is_enabled and not enabled:
        user.login_token = new_login_token()
    user.email, user.name, user.locale, user.is_enabled = (
        email,
        name.strip(),
        locale or None,
        enabled,
    )
    record(actor, "accounts.user.updated", "user", user.id, email=email, enabled=enabled)
    return user


def reset_password(actor: User | None, user: User, new_password: str) -> None:
    """An administrator sets a new password; the user's sessions end."""
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.login_token = new_login_token()
    record(actor, "accounts.user.password_reset", "user", user.id)


def change_password(user: User, current: str, new_password: str) -> None:
    """The user changes their own password; other sessions end, this one is renewed by the view."""
    if not verify_password(user.password_hash, current):
        raise Refused("wrong_current_password", "current_password")
    if current == new_password:
        raise Refused("same_password", "new_password")
    check_password_strength(new_password, "new_password")
    user.password_hash = hash_password(new_password)
    user.login_token = new_login_token()
    record(user, "accounts.user.password_changed", "user", user.id)


def sign_out(user: User) -> None:
    """End every session of the account: a cookie copied before signing out stops working
    (the session id is rotated, as on a password change, so other devices are signed out too)."""
    user.login_token = new_login_token()
    db.session.flush()


def set_locale(user: User, locale: str | None) -> None:
    """Remember the language the user chose."""
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise Refused("unknown_language", "locale")
    user.locale = locale


Scope = tuple[int | None, int | None, int | None]

#: The scope fields each role is given over; a field a role does not use is ignored for it
#: (the "Give a role" form shows only these, and the server drops the others).
SCOPE_FIELDS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: (),
    Role.COMMANDER: ("unit_id",),
    Role.ADVISER: ("unit_id", "institution_id"),
    Role.DONOR: ("institution_id", "country_id"),
}


def _scope_for(
    role: Role, unit_id: int | None, institution_id: int | None, country_id: int | None
) -> Scope:
    """The (unit, institution, country) a role is held over, refused when it does not fit;
    the fields the role does not use are dropped."""
    used = SCOPE_FIELDS[role]
    unit_id, institution_id, country_id = (
        (unit_id or None) if "unit_id" in used else None,
        (institution_id or None) if "institution_id" in used else None,
        (country_id or None) if "country_id" in used else None,
    )
    if role is Role.ADMIN:
        return None, None, None
    if role is Role.COMMANDER:
        if unit_id is None:
            raise Refused("commander_needs_unit", "unit_id")
        return unit_id, None, None
    if role is Role.ADVISER:
        if (unit_id is None) == (institution_id is None):
            raise Refused("adviser_needs_scope", "unit_id")
        return unit_id, institution_id, None
    if (institution_id is None) == (country_id is None):
        raise Refused("donor_needs_scope", "institution_id")
    return None, institution_id, country_id


def _same(column: Any, value: int | None) -> Any:
    return column.is_(None) if value is None else column == value


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
    unit_id, institution_id, country_id = _scope_for(role, unit_id, institution_id, country_id)
    for model, value, field in (
        (Unit, unit_id, "unit_id"),
        (Institution, institution_id, "institution_id"),
        (Country, country_id, "country_id"),
    ):
        if value is not None and db.session.get(model, value) is None:
            raise Refused("choose_from_list", field)
    duplicate = db.session.scalar(
        select(func.count())
        .select_from(RoleAssignment)
        .where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role,
            _same(RoleAssignment.unit_id, unit_id),
            _same(RoleAssignment.institution_id, institution_id),
            _same(RoleAssignment.country_id, country_id),
        )
    )
    if duplicate:
        raise Refused("role_held", "role")
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
            raise Refused("last_admin")
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
