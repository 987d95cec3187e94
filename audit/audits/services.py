"""Audit cycles, answers, evidence, queries and the review workflow.

Every function here checks who is asking (through audit.orgs.scope), changes nothing when it
refuses, records each change in the append-only audit log, and commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import NotFound

from audit.accounts.models import Role, User
from audit.audits import values
from audit.audits.models import (
    Answer,
    Audit,
    AuditCycle,
    AuditLogEntry,
    AuditState,
    CycleStatus,
    Evidence,
    EvidenceKind,
    QueryMessage,
    QueryStatus,
    ReviewQuery,
)
from audit.audits.workflow import EDITABLE, Action, Actor, TransitionRefused, next_state
from audit.db import utcnow
from audit.extensions import db
from audit.frameworks import evaluation, spec
from audit.frameworks import services as frameworks
from audit.frameworks.models import FrameworkIndicator, FrameworkVersion
from audit.orgs.models import Unit
from audit.orgs.scope import Can, abilities, visible_unit_ids
from audit.outbox import services as outbox
from audit.scoring import SCORECARD_TASK


class Refused(Exception):
    """A refused request; `reason` is a message key (see audit/audits/messages.py)."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def clean_text(text: str | None) -> str:
    """Free text a person typed, stripped; control characters (NUL and the like, which no one
    types and PostgreSQL cannot store) are refused rather than stored."""
    text = (text or "").strip()
    if values.CONTROL_CHARACTERS.search(text.replace("\r\n", "\n")):
        raise Refused("control_characters")
    return text


# --- reading ----------------------------------------------------------------------------------


def actors_for(user: User, unit: Unit) -> set[Actor]:
    """The capacities in which the user may act on this unit's audits."""
    can = abilities(user, unit)
    found = set()
    if Can.FILL in can:
        found.add(Actor.COMMANDER)
    if Can.REVIEW in can:
        found.add(Actor.ADVISER)
    if user.has_role(Role.ADMIN):
        found.add(Actor.ADMIN)
    return found


def audit_for(user: User, audit_id: int) -> Audit:
    """The audit if the user may see its unit, else NotFound (never confirms it exists)."""
    audit = db.session.get(Audit, audit_id)
    if audit is None or Can.VIEW not in abilities(user, audit.unit):
        raise NotFound
    return audit


def visible_audits(user: User, states: Sequence[AuditState] | None = None) -> list[Audit]:
    """Audits of the units the user may see, newest cycle first."""
    query = (
        select(Audit)
        .where(Audit.unit_id.in_(visible_unit_ids(user)))
        .join(Audit.cycle)
        .options(selectinload(Audit.unit), selectinload(Audit.cycle))
        .order_by(AuditCycle.opens_on.desc(), Audit.id)
    )
    if states:
        query = query.where(Audit.state.in_(states))
    return list(db.session.scalars(query))


def framework_for(audit: Audit) -> spec.Framework:
    """The framework version the audit's cycle is pinned to."""
    return frameworks.framework_of(audit.cycle.framework_version)


@dataclass
class AuditData:
    """An audit's answers as plain data, with the status of every indicator."""

    framework: spec.Framework
    answers: dict[str, Answer]
    values: dict[str, object]
    statuses: dict[str, evaluation.Status]
    not_applicable: dict[str, str]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    def shown(self, code: str) -> bool:
        """Whether the question is asked of this unit (applicable to its service and type)."""
        return self.statuses[code].applicable

    def progress(self, domain: spec.Domain) -> tuple[int, int]:
        """(answered, to answer) among the domain's applicable, not skipped, typed questions."""
        done = total = 0
        for ind in domain.indicators:
            status = self.statuses[ind.code]
            if not status.applicable or status.skipped or ind.type == "percentage":
                continue
            total += 1
            if ind.code in self.values or ind.code in self.not_applicable:
                done += 1
        return done, total


def indicator_rows(version: FrameworkVersion) -> dict[str, FrameworkIndicator]:
    """The indicator rows of a framework version by code."""
    return {row.code: row for row in version.indicators}


def load_data(audit: Audit) -> AuditData:
    """Everything the form and the checks need about one audit, in two queries."""
    fw = framework_for(audit)
    rows = db.session.execute(
        select(Answer, FrameworkIndicator.code)
        .join(FrameworkIndicator, Answer.indicator_id == FrameworkIndicator.id)
        .where(Answer.audit_id == audit.id)
    ).all()
    answers = {code: answer for answer, code in rows}
    stored = {c: a.value for c, a in answers.items() if a.value is not None}
    na = {c: a.na_reason or "" for c, a in answers.items() if a.not_applicable}
    statuses = evaluation.evaluate(
        fw, stored, service=audit.unit.service, unit_type=audit.unit.unit_type.value
    )
    evidence: dict[str, list[Evidence]] = {}
    for item, code in db.session.execute(
        select(Evidence, FrameworkIndicator.code)
        .join(FrameworkIndicator, Evidence.indicator_id == FrameworkIndicator.id)
        .where(Evidence.audit_id == audit.id)
        .order_by(Evidence.id)
    ):
        evidence.setdefault(code, []).append(item)
    return AuditData(fw, answers, stored, statuses, na, evidence)


def blocking(audit: Audit, data: AuditData | None = None) -> list[tuple[str, values.Problem]]:
    """What still keeps the audit from being submitted."""
    data = data or load_data(audit)
    return values.blocking(
        data.framework,
        data.statuses,
        data.values,
        not_applicable=data.not_applicable,
        evidence=set(data.evidence),
    )


# --- the log ----------------------------------------------------------------------------------


def _log(
    audit: Audit,
    actor: User | None,
    action: str,
    *,
    indicator_id: int | None = None,
    old: object = None,
    new: object = None,
    note: str | None = None,
) -> None:
    db.session.add(
        AuditLogEntry(
            audit_id=audit.id,
            indicator_id=indicator_id,
            actor_id=actor.id if actor is not None else None,
            action=action,
            old=old,
            new=new,
            note=note,
        )
    )


def history(audit: Audit, indicator_id: int | None = None) -> list[AuditLogEntry]:
    """The audit's log, newest first; only one answer's entries when indicator_id is given."""
    query = (
        select(AuditLogEntry)
        .where(AuditLogEntry.audit_id == audit.id)
        .options(selectinload(AuditLogEntry.actor), selectinload(AuditLogEntry.indicator))
        .order_by(AuditLogEntry.id.desc())
    )
    if indicator_id is not None:
        query = query.where(AuditLogEntry.indicator_id == indicator_id)
    return list(db.session.scalars(query))


# --- cycles -----------------------------------------------------------------------------------


def open_cycle(
    actor: User,
    *,
    name: str,
    framework_version_id: int,
    opens_on: dt.date,
    closes_on: dt.date,
    unit_ids: Sequence[int],
) -> AuditCycle:
    """An administrator opens a cycle: one audit per chosen unit, pinned to one framework."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("not_allowed")
    name = name.strip()
    if not name:
        raise Refused("cycle_name_required")
    if db.session.scalar(select(AuditCycle).where(AuditCycle.name == name)) is not None:
        raise Refused("cycle_name_taken")
    if closes_on < opens_on:
        raise Refused("cycle_dates")
    if db.session.get(FrameworkVersion, framework_version_id) is None:
        raise Refused("unknown_framework")
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(set(unit_ids)))))
    if not units or len(units) != len(set(unit_ids)):
        raise Refused("cycle_units")
    cycle = AuditCycle(
        name=name,
        framework_version_id=framework_version_id,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    db.session.add(cycle)
    db.session.flush()
    for unit in units:
        audit = Audit(cycle_id=cycle.id, unit_id=unit.id)
        db.session.add(audit)
        db.session.flush()
        _log(audit, actor, "audit.created", new={"cycle": name})
    db.session.commit()
    return cycle


def close_cycle(actor: User, cycle: AuditCycle) -> None:
    """Close a cycle: its audits accept no more edits."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("not_allowed")
    cycle.status = CycleStatus.CLOSED
    db.session.commit()


# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the stored revision, problems that block, and non-blocking warnings."""

    saved: bool
    revision: int | None = None
    problems: tuple[values.Problem, ...] = ()
    warnings: tuple[values.Problem, ...] = ()
    #: Set on a conflict: the newer value someone else saved, and its revision.
    conflict: dict[str, object] | None = None


def _require_editable(user: User, audit: Audit) -> None:
    if Actor.COMMANDER not in actors_for(user, audit.unit):
        raise Refused("not_allowed")
    if audit.cycle.status is CycleStatus.CLOSED:
        raise Refused("cycle_closed")
    if audit.state not in EDITABLE:
        raise Refused("audit_locked")


def _indicator(data: AuditData, version: FrameworkVersion, code: str) -> spec.Indicator:
    try:
        ind = data.framework.indicator(code)
    except KeyError as error:
        raise NotFound from error
    if not data.statuses[code].applicable:
        raise NotFound
    return ind


def _snapshot(answer: Answer | None) -> dict[str, object] | None:
    if answer is None:
        return None
    return {
        "value": answer.value,
        "currency": answer.currency,
        "not_applicable": answer.not_applicable,
        "na_reason": answer.na_reason,
        "revision": answer.revision,
    }


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
) -> SaveResult:
    """Save one answer. Bad values, a skipped question or a locked audit change nothing; a save
    based on an older revision is refused and told the newer value."""
    _require_editable(user, audit)
    data = load_data(audit)
    version = audit.cycle.framework_version
    ind = _indicator(data, version, code)
    if ind.type == "percentage":
        return SaveResult(False, problems=(values.Problem("computed"),))
    existing = data.answers.get(code)
    current = existing.revision if existing is not None else 0
    if (base_revision or 0) != current:
        return SaveResult(
            False,
            revision=current,
            problems=(values.Problem("conflict"),),
            conflict=_conflict(existing),
        )

    try:
        na_reason = clean_text(na_reason)
    except Refused:
        return SaveResult(False, problems=(values.Problem("control_characters"),))
    if not_applicable:
        if not na_reason:
            return SaveResult(False, problems=(values.Problem("not_applicable_needs_reason"),))
        if len(na_reason) > 2000:
            return SaveResult(False, problems=(values.Problem("too_long", {"max": 2000}),))
        value: object | None = None
    else:
        value, problems = values.parse(ind, raw, today=today or dt.date.today())
        if problems:
            return SaveResult(False, problems=tuple(problems))
    currency_code = None
    if ind.type == "amount" and value is not None:
        currency_code, problems = values.parse_currency(currency)
        if problems:
            return SaveResult(False, problems=tuple(problems))

    if existing is None and value is None and not not_applicable:
        return SaveResult(True, revision=0)  # nothing typed yet: nothing to store or log

    proposed = dict(data.values)
    proposed.pop(code, None)
    if value is not None:
        proposed[code] = value
    statuses = evaluation.evaluate(
        data.framework,
        proposed,
        service=audit.unit.service,
        unit_type=audit.unit.unit_type.value,
    )
    if statuses[code].skipped and value is not None:
        return SaveResult(False, problems=(values.Problem("skipped"),))

    rows = indicator_rows(version)
    old = _snapshot(existing)
    answer = existing or Answer(audit_id=audit.id, indicator_id=rows[code].id)
    answer.value = value
    answer.currency = currency_code
    answer.not_applicable = not_applicable
    answer.na_reason = na_reason if not_applicable else None
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
        return SaveResult(
            False, problems=(values.Problem("conflict"),), conflict=_newer(audit, code)
        )
    _log(
        audit,
        user,
        "answer.saved",
        indicator_id=answer.indicator_id,
        old=old,
        new=_snapshot(answer),
    )
    db.session.commit()
    warnings = tuple(
        p
        for c, s in statuses.items()
        if c == code or c in _dependents(data.framework).get(code, ())
        for p in s.problems
    )
    return SaveResult(True, revision=answer.revision, warnings=warnings)


def _conflict(answer: Answer | None) -> dict[str, object]:
    """The newer answer a stale save is shown."""
    if answer is None:
        return {
            "value": None,
            "not_applicable": False,
            "na_reason": None,
            "revision": 0,
            "by": None,
        }
    return {
        "value": answer.value,
        "not_applicable": answer.not_applicable,
        "na_reason": answer.na_reason,
        "revision": answer.revision,
        "by": answer.updated_by.name if answer.updated_by else None,
    }


def _newer(audit: Audit, code: str) -> dict[str, object]:
    return _conflict(load_data(audit).answers.get(code))


_DEPENDENTS: dict[str, dict[str, frozenset[str]]] = {}


def _dependents(fw: spec.Framework) -> dict[str, frozenset[str]]:
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


# --- evidence ---------------------------------------------------------------------------------


ALLOWED_UPLOADS = {
    # extension: (content types browsers send, magic bytes at the start of the file)
    "pdf": ({"application/pdf"}, (b"%PDF-",)),
    "png": ({"image/png"}, (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ({"image/jpeg"}, (b"\xff\xd8\xff",)),
    "jpeg": ({"image/jpeg"}, (b"\xff\xd8\xff",)),
    "docx": (
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        (b"PK\x03\x04",),
    ),
}


def storage_folder() -> Path:
    """Where evidence files are kept (configurable; never under static/)."""
    folder = Path(
        current_app.config.get("EVIDENCE_FOLDER") or Path(current_app.instance_path) / "evidence"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_evidence_file(
    user: User, audit: Audit, code: str, filename: str, content_type: str, stream: IO[bytes]
) -> Evidence:
    """Keep an uploaded file under a random name after checking its size, type and content."""
    _require_editable(user, audit)
    data = load_data(audit)
    _indicator(data, audit.cycle.framework_version, code)
    limit = int(current_app.config.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
    name = values.CONTROL_CHARACTERS.sub("", Path(filename or "").name).strip()[:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_UPLOADS:
        raise Refused("file_type")
    types, magics = ALLOWED_UPLOADS[extension]
    if content_type not in types:
        raise Refused("file_type")
    content = stream.read(limit + 1)
    if not content:
        raise Refused("file_empty")
    if len(content) > limit:
        raise Refused("file_too_large", max_mb=f"{limit / (1024 * 1024):.3g}")
    if not any(content.startswith(magic) for magic in magics):
        raise Refused("file_type")
    stored = f"{secrets.token_hex(16)}.{extension}"
    target = storage_folder() / stored
    temporary = target.with_suffix(".part")
    temporary.write_bytes(content)
    temporary.replace(target)  # never a half-written file under the served name
    evidence = Evidence(
        audit_id=audit.id,
        indicator_id=indicator_rows(audit.cycle.framework_version)[code].id,
        kind=EvidenceKind.FILE,
        filename=name,
        stored_name=stored,
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=user.id,
    )
    db.session.add(evidence)
    db.session.flush()
    _log(
        audit,
        user,
        "evidence.added",
        indicator_id=evidence.indicator_id,
        new={"file": name, "sha256": evidence.sha256},
    )
    db.session.commit()
    return evidence


def add_evidence_reference(user: User, audit: Audit, code: str, reference: str) -> Evidence:
    """Record a document kept elsewhere (e.g. an order number and date)."""
    _require_editable(user, audit)
    data = load_data(audit)
    _indicator(data, audit.cycle.framework_version, code)
    reference = clean_text(reference)
    if not reference:
        raise Refused("reference_required")
    if len(reference) > 500:
        raise Refused("too_long", max=500)
    evidence = Evidence(
        audit_id=audit.id,
        indicator_id=indicator_rows(audit.cycle.framework_version)[code].id,
        kind=EvidenceKind.REFERENCE,
        reference=reference,
        uploaded_by_id=user.id,
    )
    db.session.add(evidence)
    db.session.flush()
    _log(
        audit,
        user,
        "evidence.added",
        indicator_id=evidence.indicator_id,
        new={"reference": reference},
    )
    db.session.commit()
    return evidence


def evidence_for(user: User, evidence_id: int) -> tuple[Evidence, Path | None]:
    """The evidence and its file path, if the user may see the audit it belongs to."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound
    audit_for(user, evidence.audit_id)
    path = storage_folder() / evidence.stored_name if evidence.stored_name else None
    return evidence, path


def remove_evidence(user: User, evidence_id: int) -> Audit:
    """Remove evidence from an answer while the audit is editable (the log keeps its trace)."""
    evidence, path = evidence_for(user, evidence_id)
    audit = audit_for(user, evidence.audit_id)
    _require_editable(user, audit)
    _log(
        audit,
        user,
        "evidence.removed",
        indicator_id=evidence.indicator_id,
        old={"file": evidence.filename, "reference": evidence.reference},
    )
    db.session.delete(evidence)
    db.session.commit()
    if path is not None:
        path.unlink(missing_ok=True)
    return audit


# --- workflow ---------------------------------------------------------------------------------


def _transition(user: User, audit: Audit, action: Action) -> AuditState:
    try:
        return next_state(audit.state, action, actors_for(user, audit.unit))
    except TransitionRefused as error:
        raise Refused(error.reason) from error


def open_queries(audit: Audit) -> list[ReviewQuery]:
    """The audit's queries that still wait for the unit."""
    return list(
        db.session.scalars(
            select(ReviewQuery).where(
                ReviewQuery.audit_id == audit.id, ReviewQuery.status == QueryStatus.OPEN
            )
        )
    )


def submit(user: User, audit: Audit, statement: str) -> None:
    """The commander signs off and submits; refused while anything blocks submission."""
    target = _transition(user, audit, Action.SUBMIT)
    if audit.cycle.status is CycleStatus.CLOSED:
        raise Refused("cycle_closed")
    statement = clean_text(statement)
    if not statement:
        raise Refused("sign_off_required")
    problems = blocking(audit)
    if problems:
        raise Refused("submission_blocked", count=len(problems))
    if open_queries(audit):
        raise Refused("queries_open")
    old = audit.state.value
    audit.state = target
    audit.sign_off = statement[:2000]
    audit.signed_off_by_id = user.id
    audit.submitted_at = utcnow()
    _log(audit, user, "audit.submitted", old=old, new=target.value, note=audit.sign_off)
    message = outbox.add(SCORECARD_TASK, audit_id=audit.id, trigger="submitted")
    db.session.commit()
    outbox.dispatch([message.id])


def return_audit(user: User, audit: Audit, note: str = "") -> None:
    """The adviser returns the audit to the unit; there must be an open query to answer."""
    target = _transition(user, audit, Action.RETURN)
    if not open_queries(audit):
        raise Refused("return_needs_query")
    _log(
        audit,
        user,
        "audit.returned",
        old=audit.state.value,
        new=target.value,
        note=clean_text(note)[:2000] or None,
    )
    audit.state = target
    db.session.commit()


def validate(user: User, audit: Audit) -> None:
    """The adviser validates: the audit locks; answered queries are closed."""
    target = _transition(user, audit, Action.VALIDATE)
    if open_queries(audit):
        raise Refused("queries_open")
    for query in db.session.scalars(
        select(ReviewQuery).where(
            ReviewQuery.audit_id == audit.id, ReviewQuery.status == QueryStatus.ANSWERED
        )
    ):
        query.status = QueryStatus.CLOSED
    _log(audit, user, "audit.validated", old=audit.state.value, new=target.value)
    audit.state = target
    audit.validated_at = utcnow()
    audit.validated_by_id = user.id
    message = outbox.add(SCORECARD_TASK, audit_id=audit.id, trigger="validated")
    db.session.commit()
    outbox.dispatch([message.id])


def reopen(user: User, audit: Audit, reason: str) -> None:
    """An administrator reopens a validated audit, with a reason."""
    target = _transition(user, audit, Action.REOPEN)
    reason = clean_text(reason)
    if not reason:
        raise Refused("reason_required")
    _log(audit, user, "audit.reopened", old=audit.state.value, new=target.value, note=reason[:2000])
    audit.state = target
    audit.validated_at = None
    db.session.commit()


def override(user: User, audit: Audit, code: str, level: str | None, reason: str) -> None:
    """The adviser replaces an answer's rating with a written reason (before validation)."""
    if Actor.ADVISER not in actors_for(user, audit.unit):
        raise Refused("not_allowed")
    if audit.state is not AuditState.SUBMITTED:
        raise Refused("wrong_state")
    data = load_data(audit)
    _indicator(data, audit.cycle.framework_version, code)
    answer = data.answers.get(code)
    if answer is None:
        raise Refused("override_needs_answer")
    if level not in (None, "missing", "approaches", "meets", "exceeds"):
        raise Refused("unknown_level")
    reason = clean_text(reason)
    if level is not None and not reason:
        raise Refused("reason_required")
    old = {"level": answer.override_level, "reason": answer.override_reason}
    answer.override_level = level
    answer.override_reason = reason[:2000] if level else None
    _log(
        audit,
        user,
        "answer.overridden",
        indicator_id=answer.indicator_id,
        old=old,
        new={"level": level, "reason": answer.override_reason},
    )
    db.session.commit()


# --- queries ----------------------------------------------------------------------------------


def _message(body: str) -> str:
    body = clean_text(body)
    if not body:
        raise Refused("message_required")
    if len(body) > 4000:
        raise Refused("too_long", max=4000)
    return body


def open_query(user: User, audit: Audit, code: str, body: str) -> ReviewQuery:
    """The adviser asks about one answer of a submitted audit."""
    if Actor.ADVISER not in actors_for(user, audit.unit):
        raise Refused("not_allowed")
    if audit.state is not AuditState.SUBMITTED:
        raise Refused("wrong_state")
    data = load_data(audit)
    _indicator(data, audit.cycle.framework_version, code)
    text = _message(body)
    query = ReviewQuery(
        audit_id=audit.id,
        indicator_id=indicator_rows(audit.cycle.framework_version)[code].id,
        created_by_id=user.id,
    )
    query.messages.append(QueryMessage(author_id=user.id, body=text))
    db.session.add(query)
    db.session.flush()
    _log(audit, user, "query.opened", indicator_id=query.indicator_id, note=text)
    db.session.commit()
    return query


def reply(user: User, query_id: int, body: str) -> ReviewQuery:
    """Answer in a query thread: the commander's reply marks it answered."""
    query = db.session.get(ReviewQuery, query_id)
    if query is None:
        raise NotFound
    audit = audit_for(user, query.audit_id)
    actors = actors_for(user, audit.unit)
    if not actors & {Actor.COMMANDER, Actor.ADVISER}:
        raise Refused("not_allowed")
    if audit.state is AuditState.VALIDATED or query.status is QueryStatus.CLOSED:
        raise Refused("wrong_state")
    text = _message(body)
    query.messages.append(QueryMessage(author_id=user.id, body=text))
    if Actor.COMMANDER in actors and query.status is QueryStatus.OPEN:
        query.status = QueryStatus.ANSWERED
    _log(audit, user, "query.replied", indicator_id=query.indicator_id, note=text)
    db.session.commit()
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


def current_answers(audit: Audit) -> Mapping[str, object]:
    """The audit's stored answer values by indicator code."""
    return load_data(audit).values
