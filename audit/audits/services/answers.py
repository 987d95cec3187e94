"""Saving one answer: parse it, check it against the others, store it with its revision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from audit.accounts.models import User
from audit.audits import values
from audit.audits.models import Answer, Audit, AuditState
from audit.audits.services import log
from audit.audits.services.checks import asked_indicator, clean_text, require_editable
from audit.audits.services.reading import AuditData, indicator_rows, load_data
from audit.audits.workflow import Action, Actor, next_state
from audit.db import utcnow
from audit.extensions import db
from audit.frameworks import evaluation, spec
from audit.refusals import Refused


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the stored revision, problems that block, and non-blocking warnings."""

    saved: bool
    revision: int | None = None
    problems: tuple[values.Problem, ...] = ()
    warnings: tuple[values.Problem, ...] = ()
    #: Set on a conflict: the newer value someone else saved, and its revision.
    conflict: dict[str, object] | None = None
    #: The audit's answers after the save (with their statuses), for the page to show.
    data: AuditData | None = None


def _refused(*problems: values.Problem, **extra: object) -> SaveResult:
    return SaveResult(False, problems=problems, **extra)  # type: ignore[arg-type]


def snapshot(answer: Answer | None) -> dict[str, object] | None:
    """An answer as the log keeps it."""
    if answer is None:
        return None
    return {
        "value": answer.value,
        "currency": answer.currency,
        "not_applicable": answer.not_applicable,
        "na_reason": answer.na_reason,
        "revision": answer.revision,
    }


def conflict_of(answer: Answer | None) -> dict[str, object]:
    """The newer answer a stale save is shown."""
    if answer is None:
        return {
            "value": None,
            "not_applicable": False,
            "na_reason": None,
            "revision": 0,
            "by": None,
            "by_id": None,
            "currency": None,
        }
    return {
        "value": answer.value,
        "not_applicable": answer.not_applicable,
        "na_reason": answer.na_reason,
        "revision": answer.revision,
        "by": answer.updated_by.name if answer.updated_by else None,
        "by_id": answer.updated_by_id,
        "currency": answer.currency,
    }


@dataclass(frozen=True)
class _Parsed:
    value: object | None
    currency: str | None
    na_reason: str


def _parse(
    ind: spec.Indicator,
    raw: object,
    not_applicable: bool,
    na_reason: str,
    currency: str,
    today: dt.date,
) -> _Parsed | tuple[values.Problem, ...]:
    """The typed answer, or the problems that keep it from being stored."""
    try:
        na_reason = clean_text(na_reason)
    except Refused:
        return (values.Problem("control_characters"),)
    if not_applicable:
        if not na_reason:
            return (values.Problem("not_applicable_needs_reason"),)
        if len(na_reason) > 2000:
            return (values.Problem("too_long", {"max": 2000}),)
        return _Parsed(None, None, na_reason)
    value, problems = values.parse(ind, raw, today=today)
    if problems:
        return tuple(problems)
    currency_code = None
    if ind.type == "amount" and value is not None:
        currency_code, problems = values.parse_currency(currency)
        if problems:
            return tuple(problems)
    return _Parsed(value, currency_code, "")


def save_answer(
    user: User,
    audit: Audit,
    code: str,
    raw: object,
    *,
    base_revision: int | None,
    not_applicable: bool = False,
    na_reason: str = "",
    currency: str = "",
    today: dt.date | None = None,
    data: AuditData | None = None,
) -> SaveResult:
    """Save one answer. Bad values, a skipped question or a locked audit change nothing; a save
    based on an older revision is refused and told the newer value. `data` is the audit as the
    caller already loaded it (loaded here otherwise); the answers are evaluated once."""
    require_editable(user, audit)
    data = data or load_data(audit)
    ind = asked_indicator(data, code)
    if ind.type == "percentage":
        return _refused(values.Problem("computed"))
    existing = data.answers.get(code)
    current = existing.revision if existing is not None else 0
    if (base_revision or 0) != current:
        return _refused(
            values.Problem("conflict"), revision=current, conflict=conflict_of(existing)
        )
    parsed = _parse(ind, raw, not_applicable, na_reason, currency, today or dt.date.today())
    if isinstance(parsed, tuple):
        return _refused(*parsed)
    if existing is None and parsed.value is None and not not_applicable:
        return SaveResult(True, revision=0, data=data)  # nothing typed yet: nothing to store

    proposed = {c: v for c, v in data.values.items() if c != code}
    if parsed.value is not None:
        proposed[code] = parsed.value
    marked = _marks_after(data, code, parsed.na_reason if not_applicable else None)
    statuses = evaluation.evaluate(
        data.framework,
        proposed,
        service=data.service,
        unit_type=data.unit_type,
        not_applicable=marked,
    )
    if statuses[code].skipped and parsed.value is not None:
        return _refused(values.Problem("skipped"))
    answer = _store(user, audit, code, existing, parsed, not_applicable)
    if answer is None:
        return _refused(values.Problem("conflict"), conflict=conflict_of(_newer(audit, code)))
    warnings = tuple(
        p
        for c, s in statuses.items()
        if c == code or c in dependents(data.framework).get(code, ())
        for p in s.problems
    )
    after = data.with_values(proposed, statuses)
    after.answers = {**data.answers, code: answer}
    after.not_applicable = marked
    return SaveResult(True, revision=answer.revision, warnings=warnings, data=after)


def _marks_after(data: AuditData, code: str, reason: str | None) -> dict[str, str]:
    """The "does not apply" marks (code → reason) once this answer is stored (`reason` None:
    the answer is not marked)."""
    marked = {c: r for c, r in data.not_applicable.items() if c != code}
    if reason is not None:
        marked[code] = reason
    return marked


def _store(
    user: User, audit: Audit, code: str, existing: Answer | None, parsed: _Parsed, na: bool
) -> Answer | None:
    """Write the answer and its log entry; None when someone else saved it first."""
    old = snapshot(existing)
    rows = indicator_rows(audit.cycle.framework_version)
    answer = existing or Answer(audit_id=audit.id, indicator_id=rows[code].id)
    answer.value = parsed.value
    answer.currency = parsed.currency
    answer.not_applicable = na
    answer.na_reason = parsed.na_reason if na else None
    answer.updated_at = utcnow()
    answer.updated_by_id = user.id
    db.session.add(answer)
    if audit.state is AuditState.NOT_STARTED:
        audit.state = next_state(audit.state, Action.START, {Actor.COMMANDER})
    try:
        # The UPDATE checks the revision; a concurrent INSERT hits the unique key.
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return None
    log.write(
        audit, user, "answer.saved", indicator_id=answer.indicator_id, old=old, new=snapshot(answer)
    )
    return answer


def _newer(audit: Audit, code: str) -> Answer | None:
    return load_data(audit).answers.get(code)


_DEPENDENTS: dict[str, dict[str, frozenset[str]]] = {}


def dependents(fw: spec.Framework) -> dict[str, frozenset[str]]:
    """For each indicator, the indicators whose rules, skip conditions or formulas read it
    (worked out once per framework version: versions never change)."""
    found = _DEPENDENTS.get(fw.checksum)
    if found is None:
        readers: dict[str, set[str]] = {}
        for ind in fw.indicators:
            for ref in ind.references():
                readers.setdefault(ref, set()).add(ind.code)
        found = _DEPENDENTS[fw.checksum] = {k: frozenset(v) for k, v in readers.items()}
    return found
