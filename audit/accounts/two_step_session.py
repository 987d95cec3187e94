"""The sign-in step between a correct password and a correct code, kept in the session.

The session then holds who is signing in, that account's session id (so a password change or a
sign-out meanwhile cancels the step) and until when; the person is not signed in yet.
"""

from __future__ import annotations

import time

from flask import session
from sqlalchemy import select

from audit.accounts.models import User
from audit.accounts.two_step import PENDING_SECONDS
from audit.extensions import db

KEY = "two_step_pending"


def start_pending(user: User) -> None:
    """A fresh session that only remembers the language and the pending sign-in."""
    chosen = session.get("locale")
    session.clear()
    if chosen:
        session["locale"] = chosen
    session[KEY] = {
        "user": user.id,
        "token": user.login_token,
        "until": int(time.time()) + PENDING_SECONDS,
    }


def pending_user() -> User | None:
    """The account waiting for its code, or None (none, expired, or its sessions ended)."""
    pending = session.get(KEY)
    if not isinstance(pending, dict) or int(pending.get("until", 0)) < time.time():
        return None
    user = db.session.scalar(
        select(User).where(User.id == pending.get("user"), User.login_token == pending.get("token"))
    )
    if user is None or not user.is_enabled or not user.has_two_step:
        return None
    return user


def pending_key() -> str:
    """What the code step is throttled by: the pending account (or nobody)."""
    pending = session.get(KEY)
    return f"two-step:{pending.get('user') if isinstance(pending, dict) else '-'}"
