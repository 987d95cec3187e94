"""Checks every change to an audit starts with: who may edit, which question, what text."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from audit.accounts.models import User
from audit.audits import values
from audit.audits.models import Audit, AuditCycle, CycleStatus
from audit.audits.services.reading import AuditData, actors_for
from audit.audits.workflow import EDITABLE, Actor
from audit.extensions import db
from audit.frameworks import spec
from audit.refusals import Refused


def clean_text(text: str | None) -> str:
    """Free text a person typed, stripped; control characters (NUL and the like, which no one
    types and PostgreSQL cannot store) are refused rather than stored."""
    text = (text or "").strip()
    if values.CONTROL_CHARACTERS.search(text.replace("\r\n", "\n")):
        raise Refused("control_characters")
    return text


def lock(audit: Audit) -> Audit:
    """Hold the audit's row until the transaction ends, and re-read it under the hold.

    Every change to an audit (its state, an answer, evidence, a query) starts here, so two
    requests that race (a double click on "Submit", an autosave and a submit, two advisers)
    run one after the other and the second sees what the first did. On PostgreSQL this is
    ``SELECT … FOR UPDATE``; SQLite has no row locks, and there the request's transaction
    began with ``BEGIN IMMEDIATE`` (audit.transactions), which serializes writers as a whole.
    """
    # The rows must be fetched: the ORM refreshes the objects from them (populate_existing).
    # The cycle is re-read too: closing it takes every audit's lock (cycles.close_cycle).
    locked = db.session.scalars(
        select(Audit)
        .where(Audit.id == audit.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.scalars(
        select(AuditCycle)
        .where(AuditCycle.id == locked.cycle_id)
        .execution_options(populate_existing=True)
    ).one()
    return locked


def lock_cycle(cycle: AuditCycle) -> None:
    """Hold every audit of the cycle (in id order, so two such holds cannot deadlock): an
    answer racing the cycle's closure lands before it or is refused after it."""
    db.session.execute(
        select(Audit.id).where(Audit.cycle_id == cycle.id).order_by(Audit.id).with_for_update()
    ).all()


def require_editable(user: User, audit: Audit) -> None:
    """The user commands the unit, the cycle is open and the audit is not locked (checked on
    the audit as it stands under its row lock)."""
    lock(audit)
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
