"""Scorecards: compute and store snapshots (in workers), read them, and roll them up in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.exc import IntegrityError

from audit.audits import services as audits
from audit.audits.models import Audit, AuditCycle, AuditState
from audit.extensions import db
from audit.outbox import services as outbox
from audit.outbox.models import OutboxMessage
from audit.scoring import current, engine, latest_scores, slimming
from audit.scoring.models import (
    DomainScore,
    RecommendationScore,
    ScorecardSnapshot,
    SexCount,
    Trigger,
)

#: The Celery task that builds an audit's scorecard from an outbox message.
TASK = "audit.scoring.build_scorecard"


def request_scorecard(audit: Audit, trigger: Trigger) -> OutboxMessage:
    """Record, in the caller's transaction, that this audit needs a scorecard."""
    return outbox.add(TASK, audit_id=audit.id, trigger=trigger.value)


def compute(audit: Audit, data: audits.AuditData | None = None) -> engine.Scorecard:
    """The audit's scorecard from its current answers (pure engine over plain data)."""
    data = data or audits.load_data(audit)
    answers = {
        code: engine.AnswerInput(
            value=answer.value,
            not_applicable=answer.not_applicable,
            has_evidence=bool(data.evidence.get(code)),
            override_level=answer.override_level,
        )
        for code, answer in data.answers.items()
    }
    reference = audit.submitted_at.date() if audit.submitted_at else audit.cycle.closes_on
    return engine.score_audit(
        data.framework,
        answers,
        service=audit.unit.service,
        unit_type=audit.unit.unit_type.value,
        reference_date=reference,
    )


def build_scorecard(message_id: int) -> ScorecardSnapshot | None:
    """Do one outbox message's work: idempotent, so a redelivered task changes nothing."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    existing = db.session.scalar(
        select(ScorecardSnapshot).where(ScorecardSnapshot.outbox_id == message_id)
    )
    audit = db.session.get(Audit, message.payload["audit_id"])
    if existing is not None or message.done_at is not None or audit is None:
        outbox.complete(message_id)  # done already, or the audit was deleted meanwhile
        return existing
    snapshot, card = _snapshot(audit, Trigger(message.payload["trigger"]), message_id)
    db.session.add(snapshot)
    outbox.complete(message_id)
    try:
        db.session.flush()
    except IntegrityError:  # the same message finished in another worker first
        db.session.rollback()
        return db.session.scalar(
            select(ScorecardSnapshot).where(ScorecardSnapshot.outbox_id == message_id)
        )
    latest_scores.replace(audit.id, snapshot.id, card)
    if snapshot.trigger is Trigger.VALIDATED:
        current.sync(audit.id, snapshot)
    slimming.slim_older(snapshot)
    return snapshot


def _snapshot(
    audit: Audit, trigger: Trigger, message_id: int
) -> tuple[ScorecardSnapshot, engine.Scorecard]:
    """The scorecard of the audit's current answers, as the rows it is stored in."""
    data = audits.load_data(audit)
    card = compute(audit, data)
    snapshot = ScorecardSnapshot(
        audit_id=audit.id,
        trigger=trigger,
        outbox_id=message_id,
        framework_version_id=audit.cycle.framework_version_id,
        rules_version=card.rules_version,
        overall_score=card.overall.score,
        overall_coverage=card.overall.coverage,
        data=card.to_dict(),
    )
    snapshot.domains = [
        DomainScore(domain_code=code, score=agg.score, coverage=agg.coverage)
        for code, agg in card.domains.items()
    ]
    snapshot.recommendations = [
        RecommendationScore(recommendation_code=code, score=agg.score, coverage=agg.coverage)
        for code, agg in card.recommendations.items()
    ]
    snapshot.sex_counts = _sex_counts(data, card)
    return snapshot, card


def _sex_counts(data: audits.AuditData, card: engine.Scorecard) -> list[SexCount]:
    """The sex-disaggregated tables the scorecard counted, one row per table row."""
    counts: list[SexCount] = []
    for ind in data.framework.indicators:
        table = data.values.get(ind.code) if ind.type == "sex_table" else None
        result = card.indicators.get(ind.code)
        if not isinstance(table, dict) or result is None or result.exclusion is not None:
            continue
        counts += [
            SexCount(
                indicator_code=ind.code,
                row_code=row_code,
                women=int(cells.get("women", 0)),
                men=int(cells.get("men", 0)),
                not_recorded=int(cells.get("not_recorded", 0)),
                sensitive=ind.sensitive,
            )
            for row_code, cells in table.items()
        ]
    return counts


# --- reading ------------------------------------------------------------------------------


def latest(audit: Audit) -> ScorecardSnapshot | None:
    """The newest snapshot of the audit (validated or submitted)."""
    return db.session.scalar(
        select(ScorecardSnapshot)
        .where(ScorecardSnapshot.audit_id == audit.id)
        .order_by(ScorecardSnapshot.id.desc())
        .limit(1)
    )


def is_computing(audit: Audit) -> bool:
    """Whether scorecard work for this audit is still waiting in the outbox."""
    waiting = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.task == TASK,
            OutboxMessage.done_at.is_(None),
            OutboxMessage.payload["audit_id"].as_integer() == audit.id,
        )
    )
    return bool(waiting)


def previous(audit: Audit) -> ScorecardSnapshot | None:
    """The same unit's latest validated snapshot in an earlier cycle (for the change column)."""
    return db.session.scalar(
        select(ScorecardSnapshot)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(AuditCycle, Audit.cycle_id == AuditCycle.id)
        .where(
            Audit.unit_id == audit.unit_id,
            AuditCycle.opens_on < audit.cycle.opens_on,
            Audit.state == AuditState.VALIDATED,  # a reopened audit is not a baseline
            ScorecardSnapshot.trigger == Trigger.VALIDATED,
        )
        .order_by(AuditCycle.opens_on.desc(), ScorecardSnapshot.id.desc())
        .limit(1)
    )


def latest_validated_ids():  # type: ignore[no-untyped-def]
    """A SELECT of the newest validated snapshot id of every audit that is validated."""
    return (
        select(func.max(ScorecardSnapshot.id))
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .where(ScorecardSnapshot.trigger == Trigger.VALIDATED, Audit.state == AuditState.VALIDATED)
        .group_by(ScorecardSnapshot.audit_id)
    )


@dataclass(frozen=True)
class DomainRollup:
    """One domain across units: the mean of unit scores (each unit counts once)."""

    domain_code: str
    mean_score: float | None
    units: int


def domain_rollup(cycle_id: int, unit_ids) -> list[DomainRollup]:  # type: ignore[no-untyped-def]
    """Domain means over the validated audits of a cycle in a set of units, in one GROUP BY."""
    rows = db.session.execute(
        select(DomainScore.domain_code, func.avg(DomainScore.score), func.count(DomainScore.score))
        .join(ScorecardSnapshot, DomainScore.scorecard_id == ScorecardSnapshot.id)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .where(
            ScorecardSnapshot.id.in_(latest_validated_ids()),
            Audit.cycle_id == cycle_id,
            Audit.unit_id.in_(unit_ids),
        )
        .group_by(DomainScore.domain_code)
        .order_by(DomainScore.domain_code)
    ).all()
    return [
        DomainRollup(code, float(mean) if mean is not None else None, int(n))
        for code, mean, n in rows
    ]


def overall_rollup(cycle_id: int, unit_ids) -> tuple[float | None, int]:  # type: ignore[no-untyped-def]
    """Mean overall score over validated audits (each unit once) and how many units."""
    mean, count = db.session.execute(
        select(
            func.avg(ScorecardSnapshot.overall_score), func.count(ScorecardSnapshot.overall_score)
        )
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .where(
            ScorecardSnapshot.id.in_(latest_validated_ids()),
            Audit.cycle_id == cycle_id,
            Audit.unit_id.in_(unit_ids),
        )
    ).one()
    return (float(mean) if mean is not None else None), int(count)


def sex_sums() -> tuple[Any, ...]:
    """The columns of a sex-count roll-up grouped by table and row: code, row, women, men, not
    recorded (sums), how many units gave the row, whether the table is sensitive."""
    return (
        SexCount.indicator_code,
        SexCount.row_code,
        func.sum(SexCount.women),
        func.sum(SexCount.men),
        func.sum(SexCount.not_recorded),
        func.count(SexCount.id),
        func.max(cast(SexCount.sensitive, Integer)),
    )


def sex_totals(cycle_id: int, unit_ids):  # type: ignore[no-untyped-def]
    """Sex-disaggregated counts summed over units (ratios are recomputed from these sums)."""
    return db.session.execute(
        select(*sex_sums())
        .join(ScorecardSnapshot, SexCount.scorecard_id == ScorecardSnapshot.id)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .where(
            ScorecardSnapshot.id.in_(latest_validated_ids()),
            Audit.cycle_id == cycle_id,
            Audit.unit_id.in_(unit_ids),
        )
        .group_by(SexCount.indicator_code, SexCount.row_code)
        .order_by(SexCount.indicator_code, SexCount.row_code)
    ).all()
