"""The review workflow: submit, return, validate, reopen, the adviser's rating override, and
the query threads between adviser and unit.

State changes announce themselves through audit.audits.signals; other features (scoring) act
on them in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from audit.accounts.models import User
from audit.audits import signals
from audit.audits.models import (
    Audit,
    AuditState,
    CycleStatus,
    QueryMessage,
    QueryStatus,
    ReviewQuery,
)
from audit.audits.services import log
from audit.audits.services.checks import asked_indicator, clean_text, lock
from audit.audits.services.reading import (
    actors_for,
    audit_for,
    blocking,
    indicator_rows,
    load_data,
)
from audit.audits.workflow import Action, Actor, next_state
from audit.db import utcnow
from audit.extensions import db
from audit.frameworks.models import FrameworkIndicator
from audit.frameworks.spec import LEVELS
from audit.refusals import Refused


def _transition(user: User, audit: Audit, action: Action) -> AuditState:
    """The state `action` leads to, decided on the audit as it stands under its row lock."""
    lock(audit)
    return next_state(audit.state, action, actors_for(user, audit.unit))


def open_queries(audit: Audit) -> list[ReviewQuery]:
    """The audit's queries that still wait for the unit."""
    return list(
        db.session.scalars(
            select(ReviewQuery).where(
                ReviewQuery.audit_id == audit.id, ReviewQuery.status == QueryStatus.OPEN
            )
        )
    )


@dataclass(frozen=True)
class SignOff:
    """The commander's sign-off: the statement they confirm, and who signs it in which post."""

    statement: str
    name: str
    position: str
    confirmed: bool


def _checked_sign_off(sign_off: SignOff) -> SignOff:
    """The sign-off with its text cleaned, or the first thing it still lacks."""
    statement = clean_text(sign_off.statement)
    name = clean_text(sign_off.name)
    position = clean_text(sign_off.position)
    if not statement:
        raise Refused("sign_off_required", "statement")
    if not name:
        raise Refused("sign_off_name_required", "name")
    if len(name) > 200:
        raise Refused("too_long", "name", max=200)
    if not position:
        raise Refused("sign_off_position_required", "position")
    if len(position) > 200:
        raise Refused("too_long", "position", max=200)
    if sign_off.confirmed is not True:
        raise Refused("sign_off_not_confirmed", "confirm")
    return SignOff(statement[:2000], name, position, True)


def submit(user: User, audit: Audit, sign_off: SignOff) -> None:
    """The commander signs off (name, position, the statement confirmed) and submits; refused
    while anything blocks submission."""
    target = _transition(user, audit, Action.SUBMIT)
    if audit.cycle.status is CycleStatus.CLOSED:
        raise Refused("cycle_closed")
    signed = _checked_sign_off(sign_off)
    problems = blocking(audit)
    if problems:
        raise Refused("submission_blocked", count=len(problems))
    if open_queries(audit):
        raise Refused("queries_open")
    old = audit.state.value
    audit.state = target
    audit.sign_off = signed.statement
    audit.sign_off_name = signed.name
    audit.sign_off_position = signed.position
    audit.sign_off_confirmed = True
    audit.signed_off_by_id = user.id
    audit.submitted_at = utcnow()
    log.write(
        audit,
        user,
        "audit.submitted",
        old=old,
        new=target.value,
        note=f"{signed.statement}\n— {signed.name}, {signed.position}",
    )
    signals.audit_submitted.send(audit)


def return_audit(user: User, audit: Audit, note: str = "") -> None:
    """The adviser returns the audit to the unit; there must be an open query to answer."""
    target = _transition(user, audit, Action.RETURN)
    if not open_queries(audit):
        raise Refused("return_needs_query")
    log.write(
        audit,
        user,
        "audit.returned",
        old=audit.state.value,
        new=target.value,
        note=clean_text(note)[:2000] or None,
    )
    audit.state = target


def validate(user: User, audit: Audit, *, confirmed: bool = True) -> None:
    """The adviser validates: the audit locks; answered queries are closed.

    The web page asks the adviser to confirm first (`confirmed` is their tick); callers that
    validate on someone's behalf (commands, seeds) have decided already.
    """
    target = _transition(user, audit, Action.VALIDATE)
    if open_queries(audit):
        raise Refused("queries_open")
    if not confirmed:
        raise Refused("validate_unconfirmed", "confirm")
    for query in db.session.scalars(
        select(ReviewQuery).where(
            ReviewQuery.audit_id == audit.id, ReviewQuery.status == QueryStatus.ANSWERED
        )
    ):
        query.status = QueryStatus.CLOSED
    log.write(audit, user, "audit.validated", old=audit.state.value, new=target.value)
    audit.state = target
    audit.validated_at = utcnow()
    audit.validated_by_id = user.id
    signals.audit_validated.send(audit)


def reopen(user: User, audit: Audit, reason: str) -> None:
    """An administrator reopens a validated audit, with a reason."""
    target = _transition(user, audit, Action.REOPEN)
    reason = clean_text(reason)
    if not reason:
        raise Refused("reason_required", "reason")
    log.write(
        audit, user, "audit.reopened", old=audit.state.value, new=target.value, note=reason[:2000]
    )
    audit.state = target
    audit.validated_at = None
    signals.audit_reopened.send(audit)


def override(user: User, audit: Audit, code: str, level: str | None, reason: str) -> None:
    """The adviser replaces an answer's rating with a written reason (before validation)."""
    lock(audit)
    if Actor.ADVISER not in actors_for(user, audit.unit):
        raise Refused("not_allowed")
    if audit.state is not AuditState.SUBMITTED:
        raise Refused("wrong_state")
    data = load_data(audit)
    asked_indicator(data, code)
    answer = data.answers.get(code)
    if answer is None:
        raise Refused("override_needs_answer")
    if level is not None and level not in LEVELS:
        raise Refused("unknown_level", "level")
    reason = clean_text(reason)
    if level is not None and not reason:
        raise Refused("reason_required", "reason")
    old = {"level": answer.override_level, "reason": answer.override_reason}
    answer.override_level = level
    answer.override_reason = reason[:2000] if level else None
    log.write(
        audit,
        user,
        "answer.overridden",
        indicator_id=answer.indicator_id,
        old=old,
        new={"level": level, "reason": answer.override_reason},
    )


# --- queries ----------------------------------------------------------------------------------


def _message(body: str) -> str:
    body = clean_text(body)
    if not body:
        raise Refused("message_required", "body")
    if len(body) > 4000:
        raise Refused("too_long", "body", max=4000)
    return body


def open_query(user: User, audit: Audit, code: str, body: str) -> ReviewQuery:
    """The adviser asks about one answer of a submitted audit."""
    lock(audit)
    if Actor.ADVISER not in actors_for(user, audit.unit):
        raise Refused("not_allowed")
    if audit.state is not AuditState.SUBMITTED:
        raise Refused("wrong_state")
    asked_indicator(load_data(audit), code)
    text = _message(body)
    query = ReviewQuery(
        audit_id=audit.id,
        indicator_id=indicator_rows(audit.cycle.framework_version)[code].id,
        created_by_id=user.id,
    )
    query.messages.append(QueryMessage(author_id=user.id, body=text))
    db.session.add(query)
    db.session.flush()
    log.write(audit, user, "query.opened", indicator_id=query.indicator_id, note=text)
    return query


def reply(user: User, query_id: int, body: str) -> ReviewQuery:
    """Answer in a query thread: the commander's reply marks it answered."""
    query = db.session.get(ReviewQuery, query_id)
    if query is None:
        raise NotFound
    audit = lock(audit_for(user, query.audit_id))
    db.session.refresh(query)  # as it stands now that its audit is held
    actors = actors_for(user, audit.unit)
    if not actors & {Actor.COMMANDER, Actor.ADVISER}:
        raise Refused("not_allowed")
    if audit.state is AuditState.VALIDATED or query.status is QueryStatus.CLOSED:
        raise Refused("wrong_state")
    text = _message(body)
    query.messages.append(QueryMessage(author_id=user.id, body=text))
    if Actor.COMMANDER in actors and query.status is QueryStatus.OPEN:
        query.status = QueryStatus.ANSWERED
    log.write(audit, user, "query.replied", indicator_id=query.indicator_id, note=text)
    return query


def queries(audit: Audit) -> dict[str, list[ReviewQuery]]:
    """Every query of the audit, by indicator code."""
    found: dict[str, list[ReviewQuery]] = {}
    for query, code in db.session.execute(
        select(ReviewQuery, FrameworkIndicator.code)
        .join(FrameworkIndicator, ReviewQuery.indicator_id == FrameworkIndicator.id)
        .where(ReviewQuery.audit_id == audit.id)
        .options(selectinload(ReviewQuery.messages).selectinload(QueryMessage.author))
        .order_by(ReviewQuery.id)
    ):
        found.setdefault(code, []).append(query)
    return found
