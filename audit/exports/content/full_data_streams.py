"""The full data's queries: one per kind of fact, each streamed in the same audit order.

An export of a national portfolio reads hundreds of thousands of audits, so nothing here is
per audit: each query (the audits, their answers, evidence counts, override authors, stored
scores) runs once over the whole scope with a server-side cursor (`yield_per`), ordered by
(country, institution, unit, audit id), and `Lockstep` walks them side by side, handing each
audit its own rows. The scope is a subquery (`Audit.unit_id IN (SELECT ...)`), never a list of
ids: PostgreSQL binds at most 65,535 parameters per statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Select, func, select

from audit.accounts.models import User
from audit.audits.models import Answer, Audit, AuditCycle, AuditLogEntry, Evidence, EvidenceLink
from audit.extensions import db
from audit.frameworks.models import FrameworkIndicator
from audit.orgs.models import Country, Institution, Unit
from audit.orgs.names import localized_name_sql
from audit.scoring.latest_scores import LatestScore

#: Rows fetched from the server-side cursor at a time.
BATCH = 500


def _scoped(stmt: Select[Any], cycle: AuditCycle, units: Select[Any]) -> Select[Any]:
    """`stmt` (with `Audit` among its tables) limited to the cycle's audits in these units, in
    the export's audit order."""
    return (
        stmt.join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .join(Country, Institution.country_id == Country.id)
        .where(Audit.cycle_id == cycle.id, Audit.unit_id.in_(units.scalar_subquery()))
        .order_by(Country.name, Institution.name, Unit.name, Audit.id)
    )


def _stream(stmt: Select[Any]) -> Iterator[Any]:
    return iter(db.session.execute(stmt, execution_options={"yield_per": BATCH}))


def count_audits(cycle: AuditCycle, units: Select[Any]) -> int:
    scoped = _scoped(select(Audit.id), cycle, units).order_by(None).subquery()
    return int(db.session.scalar(select(func.count()).select_from(scoped)) or 0)


def audits(cycle: AuditCycle, units: Select[Any]) -> Iterator[Any]:
    """(audit id, unit, institution, country, institution kind, unit type, submitted at)."""
    return _stream(
        _scoped(
            select(
                Audit.id,
                localized_name_sql(Unit),
                localized_name_sql(Institution),
                localized_name_sql(Country),
                Institution.kind,
                Unit.unit_type,
                Audit.submitted_at,
            ),
            cycle,
            units,
        )
    )


def answers(cycle: AuditCycle, units: Select[Any]) -> Iterator[Any]:
    """(audit id, question code, value, not applicable, reason, override level and reason)."""
    stmt = select(
        Audit.id,
        FrameworkIndicator.code,
        Answer.value,
        Answer.not_applicable,
        Answer.na_reason,
        Answer.override_level,
        Answer.override_reason,
    ).select_from(Answer)
    stmt = stmt.join(Audit, Answer.audit_id == Audit.id).join(
        FrameworkIndicator, Answer.indicator_id == FrameworkIndicator.id
    )
    return _stream(_scoped(stmt, cycle, units))


def evidence_counts(cycle: AuditCycle, units: Select[Any]) -> Iterator[Any]:
    """(audit id, question code, pieces of evidence linked to it)."""
    counted = (
        select(
            Evidence.audit_id.label("audit_id"),
            EvidenceLink.indicator_id.label("indicator_id"),
            func.count(EvidenceLink.evidence_id).label("pieces"),
        )
        .join(Evidence, EvidenceLink.evidence_id == Evidence.id)
        .group_by(Evidence.audit_id, EvidenceLink.indicator_id)
        .subquery()
    )
    stmt = (
        select(Audit.id, FrameworkIndicator.code, counted.c.pieces)
        .select_from(counted)
        .join(Audit, counted.c.audit_id == Audit.id)
        .join(FrameworkIndicator, counted.c.indicator_id == FrameworkIndicator.id)
    )
    return _stream(_scoped(stmt, cycle, units))


def override_authors(cycle: AuditCycle, units: Select[Any]) -> Iterator[Any]:
    """(audit id, question code, who overrode it), oldest first within an audit."""
    stmt = (
        select(Audit.id, FrameworkIndicator.code, User.name)
        .select_from(AuditLogEntry)
        .join(Audit, AuditLogEntry.audit_id == Audit.id)
        .join(FrameworkIndicator, AuditLogEntry.indicator_id == FrameworkIndicator.id)
        .outerjoin(User, AuditLogEntry.actor_id == User.id)
        .where(AuditLogEntry.action == "answer.overridden")
    )
    return _stream(_scoped(stmt, cycle, units).order_by(AuditLogEntry.id))


def question_scores(cycle: AuditCycle, units: Select[Any]) -> Iterator[Any]:
    """(audit id, {question code: score}) of each audit's newest scorecard."""
    stmt = (
        select(Audit.id, LatestScore.questions)
        .select_from(LatestScore)
        .join(Audit, LatestScore.audit_id == Audit.id)
    )
    return _stream(_scoped(stmt, cycle, units))


def aggregate_scores(cycle: AuditCycle, units: Select[Any]) -> Iterator[Any]:
    """(audit id, unit name, [[kind, code, score, band, coverage], ...]) of each audit that
    has a scorecard."""
    stmt = (
        select(Audit.id, Unit.name, LatestScore.aggregates)
        .select_from(LatestScore)
        .join(Audit, LatestScore.audit_id == Audit.id)
    )
    return _stream(_scoped(stmt, cycle, units))


class Lockstep:
    """Walk streams ordered like the audits stream: `take(audit_id)` gives one stream's rows
    for that audit (rows whose first column is the audit id), leaving later audits' rows."""

    _END = object()

    def __init__(self, rows: Iterable[Any]) -> None:
        self._rows = iter(rows)
        self._head: Any = next(self._rows, self._END)

    def take(self, audit_id: int) -> list[Any]:
        found = []
        while self._head is not self._END and self._head[0] == audit_id:
            found.append(self._head)
            self._head = next(self._rows, self._END)
        return found
