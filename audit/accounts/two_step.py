"""Two-step sign-in: a time-based one-time code (RFC 6238, pyotp) after the password.

Rules:
- Administrators and gender advisers may turn it on; TOTP_REQUIRED_ROLES names roles that must
  (they are sent to enrol right after signing in and reach no other page until they have).
- Enrolment: a secret is made (shown as a QR code and as text), and it is on only once a first
  code from the app has been accepted. Ten single-use recovery codes are then shown once; only
  their argon2 hashes are kept.
- A code is accepted for the current 30-second step or one either side (valid_window=1), and
  only for a step later than the last one accepted: a code seen over a shoulder or replayed
  from a proxy log is refused.
- A recovery code is consumed when used. Turning it off or making new recovery codes needs the
  current password or a code.

These functions change and flush; the request around them commits.
"""

from __future__ import annotations

import hmac
import secrets

import pyotp
import segno
from flask import current_app

from audit.access.roles import Role
from audit.accounts.models import RecoveryCode, User, new_login_token
from audit.accounts.passwords import hash_password, verify_password
from audit.activity.services import record
from audit.db import utcnow
from audit.extensions import db
from audit.refusals import Refused

ISSUER = "WPS Audit"
#: Roles that may turn two-step sign-in on for themselves.
OPTIONAL_ROLES = frozenset({Role.ADMIN, Role.ADVISER})
RECOVERY_CODE_COUNT = 10
#: Recovery codes: no 0/o, 1/l/i, so they can be read off paper.
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
#: How long the code step waits after a correct password (seconds).
PENDING_SECONDS = 300


def required_roles() -> frozenset[Role]:
    """The roles that must use two-step sign-in (setting TOTP_REQUIRED_ROLES)."""
    return frozenset(Role(value) for value in current_app.config["TOTP_REQUIRED_ROLES"])


def check_setting(values: tuple[str, ...]) -> None:
    """Refuse to start with a role in TOTP_REQUIRED_ROLES that does not exist."""
    known = {role.value for role in Role}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"TOTP_REQUIRED_ROLES: unknown roles {unknown}; use {sorted(known)}")


def may_use(user: User) -> bool:
    """Administrators, gender advisers and anyone whose role requires it."""
    return bool(user.roles & (OPTIONAL_ROLES | required_roles()))


def must_enrol(user: User) -> bool:
    """True when a role of the user requires a second factor the user has not set up."""
    return not user.has_two_step and bool(user.roles & required_roles())


# --- enrolment ---------------------------------------------------------------------------


def begin(user: User) -> str:
    """A new secret for an account that does not have two-step sign-in on yet."""
    if user.has_two_step:
        raise Refused("two_step_on")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_counter = None
    db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    if user.totp_secret is None:
        raise Refused("two_step_not_begun")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(user: User) -> str:
    """The QR code of the provisioning address as an SVG data URI (made here: no network, and
    the page's Content-Security-Policy allows data: images)."""
    qr = segno.make(provisioning_uri(user), error="m")
    return qr.svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def confirm(user: User, code: str) -> list[str]:
    """Turn two-step sign-in on with a first code; returns the recovery codes (shown once)."""
    if user.has_two_step:
        raise Refused("two_step_on")
    if user.totp_secret is None:
        raise Refused("two_step_not_begun")
    if not _accept_totp(user, code):
        raise Refused("wrong_code", "code")
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    record(user, "accounts.two_step.enabled", "user", user.id)
    return codes


def regenerate(user: User, proof: str) -> list[str]:
    """New recovery codes (the old ones stop working), after the password or a code."""
    _check_proof(user, proof)
    codes = _new_recovery_codes(user)
    record(user, "accounts.two_step.recovery_codes_renewed", "user", user.id)
    return codes


def disable(user: User, proof: str) -> None:
    """Turn two-step sign-in off, after the password or a code; refused when a role requires it."""
    if not user.has_two_step:
        raise Refused("two_step_off")
    if user.roles & required_roles():
        raise Refused("two_step_required")
    _check_proof(user, proof)
    _clear(user)
    db.session.flush()
    record(user, "accounts.two_step.disabled", "user", user.id)


def reset_by_admin(actor: User, user: User) -> None:
    """An administrator turns it off for someone who lost both phone and recovery codes; the
    person's sessions end, and a role that requires it sends them to set it up again."""
    if not user.has_two_step:
        raise Refused("two_step_off")
    _clear(user)
    user.login_token = new_login_token()
    db.session.flush()
    record(actor, "accounts.two_step.reset", "user", user.id)


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_counter = None
    user.recovery_codes.clear()


def remaining_recovery_codes(user: User) -> int:
    """How many recovery codes are still unused."""
    return sum(1 for code in user.recovery_codes if code.used_at is None)


# --- signing in ---------------------------------------------------------------------------


def verify(user: User, code: str) -> bool:
    """True when the code is a fresh one-time code or an unused recovery code (then consumed)."""
    if not user.has_two_step:
        return False
    if _accept_totp(user, code):
        return True
    return _consume_recovery_code(user, code)


def _accept_totp(user: User, code: str) -> bool:
    """A code for the current step or one either side, later than the last accepted step."""
    digits = "".join(code.split())
    if user.totp_secret is None or len(digits) != 6 or not digits.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(utcnow())
    for counter in (now - 1, now, now + 1):  # pyotp's valid_window=1, keeping the step
        if hmac.compare_digest(totp.generate_otp(counter), digits):
            if user.totp_last_counter is not None and counter <= user.totp_last_counter:
                return False  # already used (or older than one that was)
            user.totp_last_counter = counter
            db.session.flush()
            return True
    return False


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _consume_recovery_code(user: User, code: str) -> bool:
    typed = _normalise(code)
    if len(typed) != 10:
        return False
    for stored in user.recovery_codes:
        if stored.used_at is None and verify_password(stored.code_hash, typed):
            stored.used_at = utcnow()
            db.session.flush()
            record(
                user,
                "accounts.two_step.recovery_code_used",
                "user",
                user.id,
                remaining=remaining_recovery_codes(user),
            )
            return True
    return False


def _new_recovery_codes(user: User) -> list[str]:
    codes = [
        "".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    user.recovery_codes.clear()
    db.session.flush()
    user.recovery_codes.extend(RecoveryCode(code_hash=hash_password(code)) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _check_proof(user: User, proof: str) -> None:
    if not (verify_password(user.password_hash, proof) or verify(user, proof)):
        raise Refused("wrong_password_or_code", "proof")
