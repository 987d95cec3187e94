"""Browser seed for two-step sign-in (tests/browser/test_two_step.py): one administrator per
language and screen size, each without a second factor yet (they set it up in the test)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SIZES = ("desktop", "phone")
LANGS = ("en", "ar")


def two_step_email(lang: str, size: str) -> str:
    """The administrator who enrols in `lang` at `size`."""
    return f"two-step.{lang}.{size}@example.org"


def seed_auth(user: Callable[..., Any]) -> dict[str, object]:
    """The administrators (no scope: the role is organisation-wide)."""
    from audit.accounts.models import Role

    for lang in LANGS:
        for size in SIZES:
            user(two_step_email(lang, size), f"Admin {lang} {size}", Role.ADMIN)
    return {}
