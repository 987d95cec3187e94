"""Password hashing with argon2id, and the password rule; the cost and the minimum length come
from the app's configuration."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _

#: The longest password accepted (argon2 does not need a limit; a form does).
MAX_LENGTH = 128


def min_length() -> int:
    """The shortest password accepted (setting PASSWORD_MIN_LENGTH)."""
    return int(current_app.config["PASSWORD_MIN_LENGTH"])


def rule() -> str:
    """The password rule in the reader's language, as a form states it before it is broken."""
    return _(
        "At least %(min)d characters (at most %(max)d). A few unrelated words are easy to "
        "remember and hard to guess.",
        min=min_length(),
        max=MAX_LENGTH,
    )


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """An argon2id hash of the password (salt included)."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises for a bad or foreign hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker settings than the current ones."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost, memory_cost, parallelism).hash("timing-equaliser")


def dummy_verify(password: str) -> None:
    """Spend the time of one verification, so an unknown e-mail is not faster than a known one."""
    config = current_app.config
    verify_password(
        _dummy_hash(
            config["ARGON2_TIME_COST"],
            config["ARGON2_MEMORY_COST_KIB"],
            config["ARGON2_PARALLELISM"],
        ),
        password,
    )
