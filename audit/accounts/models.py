"""User accounts and the roles they hold over parts of the organisation."""

from __future__ import annotations

import datetime as dt
import secrets

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.access.roles import Role
from audit.db import Base, created_at, enum_column, intpk, str200
from config import LANGUAGES


def new_login_token() -> str:
    """A fresh random session identifier; rotating it signs the user out everywhere."""
    return secrets.token_urlsafe(24)


class User(UserMixin, Base):
    """A person who signs in."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(
            "locale IS NULL OR locale IN (" + ", ".join(f"'{c}'" for c in LANGUAGES) + ")",
            name="locale_known",
        ),
    )

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str200]
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The language the user chose; None means "follow the browser".
    locale: Mapped[str | None] = mapped_column(String(5))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Flask-Login's session id: rotated on password change so old sessions stop working.
    login_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_login_token)
    created_at: Mapped[created_at]
    last_login_at: Mapped[dt.datetime | None]
    #: Two-step sign-in (audit/accounts/two_step.py): the TOTP secret (base32; set when
    #: enrolment begins), when it was confirmed (None: not on yet) and the last time step a
    #: code was accepted for, so a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[dt.datetime | None]
    totp_last_counter: Mapped[int | None]

    assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )

    @property
    def has_two_step(self) -> bool:
        """True when signing in asks for a one-time code after the password."""
        return self.totp_enabled_at is not None and self.totp_secret is not None

    def get_id(self) -> str:
        """Flask-Login identity kept in the session cookie."""
        return self.login_token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Disabled accounts cannot sign in."""
        return self.is_enabled

    @property
    def roles(self) -> set[Role]:
        """Every role this user holds somewhere."""
        return {a.role for a in self.assignments}

    @property
    def works_on_audits(self) -> bool:
        """Commanders, advisers and administrators work on audits; donors see aggregates only."""
        return bool(self.roles - {Role.DONOR})

    def has_role(self, role: Role) -> bool:
        """True when the user holds the role anywhere."""
        return role in self.roles


class RecoveryCode(Base):
    """One single-use recovery code of a user's two-step sign-in, kept as an argon2 hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class RoleAssignment(Base):
    """One role held by one user over one scope.

    administrator: no scope; commander: one unit; adviser: one unit (and its subtree) or one
    institution; donor: one institution or one country. The CHECK constraint keeps it so.
    """

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint(
            "(role = 'admin' AND unit_id IS NULL AND institution_id IS NULL AND country_id IS NULL)"
            " OR (role = 'commander' AND unit_id IS NOT NULL AND institution_id IS NULL"
            " AND country_id IS NULL)"
            " OR (role = 'adviser' AND country_id IS NULL AND"
            " ((unit_id IS NOT NULL AND institution_id IS NULL)"
            " OR (unit_id IS NULL AND institution_id IS NOT NULL)))"
            " OR (role = 'donor' AND unit_id IS NULL AND"
            " ((institution_id IS NOT NULL AND country_id IS NULL)"
            " OR (institution_id IS NULL AND country_id IS NOT NULL)))",
            name="scope_matches_role",
        ),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id", ondelete="CASCADE"))
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="assignments")
    # Named, not imported: audit.orgs sits below accounts (it must not import it back), and the
    # registry resolves the names once every model is loaded.
    unit = relationship("Unit")
    institution = relationship("Institution")
    country = relationship("Country")

    @property
    def scope_label(self) -> str:
        """The scope as a person reads it."""
        if self.unit is not None:
            return f"{self.unit.name} ({self.unit.institution.name})"
        if self.institution is not None:
            return f"{self.institution.name} ({self.institution.country.name})"
        if self.country is not None:
            return self.country.name
        return "—"
