"""Checks every change to an audit starts with: who may edit, which question, what text."""

from __future__ import annotations

from werkzeug.exceptions import NotFound

from audit.accounts.models import User
from audit.audits import values
from audit.audits.models import Audit, CycleStatus
from audit.audits.services.reading import AuditData, actors_for
from audit.audits.workflow import EDITABLE, Actor
from audit.frameworks import spec
from audit.refusals import Refused


def clean_text(text: str | None) -> str:
    """Free text a person typed, stripped; control characters (NUL and the like, which no one
    types and PostgreSQL cannot store) are refused rather than stored."""
    text = (text or "").strip()
    if values.CONTROL_CHARACTERS.search(text.replace("\r\n", "\n")):
        raise Refused("control_characters")
    return text


def require_editable(user: User, audit: Audit) -> None:
    """The user commands the unit, the cycle is open and the audit is not locked."""
    if Actor.COMMANDER not in actors_for(user, audit.unit):
        raise Refused("not_allowed")
    if audit.cycle.status is CycleStatus.CLOSED:
        raise Refused("cycle_closed")
    if audit.state not in EDITABLE:
        raise Refused("audit_locked")


def asked_indicator(data: AuditData, code: str) -> spec.Indicator:
    """The indicator, if it exists and is asked of this unit (else NotFound)."""
    try:
        ind = data.framework.indicator(code)
    except KeyError as error:
        raise NotFound from error
    if not data.applies(code):
        raise NotFound
    return ind
