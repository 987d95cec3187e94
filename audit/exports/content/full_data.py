"""The full data's content: every question of a cycle's audits, read as tuples and streamed.

For each audit the rows carry what the scoring rules read and what they gave, so that an
analyst can recompute every score from the workbook and the framework file alone: the stored
answers (in codes), the evidence attached, the reviewer's overrides (who, from the audit log),
the unit's service and type, and the scorecard's per-question results. Whether a question
counts comes from the engine itself (`engine.score_audit` over the same inputs), so a stored
answer that a skip rule hides is marked as such instead of passing for an ordinary answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from audit.accounts.models import User
from audit.audits.models import Answer, Audit, AuditCycle, AuditLogEntry, Evidence, EvidenceLink
from audit.exports import xlsx
from audit.exports.content.common import Progress, labels, rtl, typed_value, version_label
from audit.exports.content.readme import recompute_steps
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.labels import EVIDENCE_LABELS
from audit.frameworks.models import FrameworkIndicator
from audit.i18n import pick
from audit.orgs.models import Country, Institution, Unit
from audit.orgs.names import localized_name_sql
from audit.scoring import engine, formatting
from audit.scoring.models import ScorecardSnapshot


@dataclass(frozen=True)
class _AuditBase:
    """What every row of one audit repeats."""

    audit_id: int
    unit: str
    institution: str
    country: str
    cycle: str
    service: str
    unit_type: str
    reference_date: dt.date

    def cells(self) -> tuple[int, str, str, str, str]:
        return self.audit_id, self.unit, self.institution, self.country, self.cycle


@dataclass(frozen=True)
class _Stored:
    """One stored answer row, as tuples from the database."""

    value: Any
    not_applicable: bool
    na_reason: str | None
    override_level: str | None
    override_reason: str | None


def full_data_rows(
    cycle: AuditCycle, unit_ids: Sequence[int], progress: Progress
) -> Iterator[xlsx.AnswerRow]:
    """Every question of the cycle's audits in these units, audit by audit (flat memory: rows
    are read as tuples, never as ORM objects). A sex-disaggregated table gives one row per
    category and column, so its counts stay numbers."""
    fw = frameworks.framework_of(cycle.framework_version)
    audits = db.session.execute(
        select(
            Audit.id,
            localized_name_sql(Unit),
            localized_name_sql(Institution),
            localized_name_sql(Country),
            Institution.kind,
            Unit.unit_type,
            Audit.submitted_at,
        )
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .join(Country, Institution.country_id == Country.id)
        .where(Audit.cycle_id == cycle.id, Audit.unit_id.in_(list(unit_ids)))
        .order_by(Country.name, Institution.name, Unit.name, Audit.id)
    ).all()
    total = max(len(audits), 1)
    for done, (audit_id, unit, institution, country, kind, unit_type, submitted) in enumerate(
        audits
    ):
        base = _AuditBase(
            audit_id,
            unit,
            institution,
            country,
            cycle.name,
            kind.service,
            unit_type.value,
            # The date the scoring measures date answers from (audit.scoring.services.compute).
            submitted.date() if submitted else cycle.closes_on,
        )
        yield from _audit_rows(base, fw)
        progress((done + 1) / total)


def _audit_rows(base: _AuditBase, fw: spec.Framework) -> Iterator[xlsx.AnswerRow]:
    """The rows of one audit: every question that applies to the unit or has a stored answer."""
    stored = _stored_answers(base.audit_id)
    evidence = _evidence_counts(base.audit_id)
    who = _override_authors(base.audit_id)
    scores = _snapshot_scores(base.audit_id)
    card = engine.score_audit(
        fw,
        {
            code: engine.AnswerInput(
                value=item.value,
                not_applicable=item.not_applicable,
                has_evidence=bool(evidence.get(code)),
                override_level=item.override_level,
            )
            for code, item in stored.items()
        },
        service=base.service,
        unit_type=base.unit_type,
        reference_date=base.reference_date,
    )
    for ind in fw.indicators:
        answer = stored.get(ind.code)
        result = card.indicators[ind.code]
        if answer is None and result.exclusion == engine.NOT_FOR_UNIT:
            continue
        facts = _Facts(ind, answer, result, evidence.get(ind.code, 0), who.get(ind.code))
        yield from _question_rows(base, facts, scores.get(ind.code))


@dataclass(frozen=True)
class _Facts:
    """One question of one audit: its stored answer, the engine's result and the review."""

    ind: spec.Indicator
    answer: _Stored | None
    result: engine.IndicatorResult
    evidence: int
    override_by: str | None


def _question_rows(
    base: _AuditBase, facts: _Facts, score: float | None
) -> Iterator[xlsx.AnswerRow]:
    """One row per question (one per category and column for a sex-disaggregated table)."""
    ind, answer, result = facts.ind, facts.answer, facts.result
    # The value shown: the stored one, or for a computed percentage the value the rules read.
    raw = answer.value if answer is not None and answer.value is not None else result.value
    overridden = answer is not None and answer.override_level is not None
    common = {
        "service": base.service,
        "unit_type": base.unit_type,
        "reference_date": base.reference_date,
        "status": _status(result, answer),
        "counts": result.applicable and result.scored,
        "raw_score": result.raw_score,
        "weight": ind.weight,
        "evidence_rule": str(EVIDENCE_LABELS.get(ind.evidence, ind.evidence)),
        "evidence_count": facts.evidence,
        "capped": result.capped,
        "override_level": formatting.band_label(answer.override_level) if overridden else "",
        "override_reason": answer.override_reason if overridden else None,
        "override_by": facts.override_by if overridden else None,
    }
    label = pick(ind.text)
    na = answer is not None and answer.not_applicable
    note = answer.na_reason if answer is not None else None
    if ind.type == "sex_table" and isinstance(raw, dict):
        for key, title, number in _sex_table_cells(ind, raw):
            yield xlsx.AnswerRow(
                *base.cells(),
                f"{ind.code}.{key}",
                f"{label} — {title}",
                ind.domain_code,
                ind.type,
                number,
                score,
                na,
                note,
                codes=number,
                **common,
            )
        return
    yield xlsx.AnswerRow(
        *base.cells(),
        ind.code,
        label,
        ind.domain_code,
        ind.type,
        typed_value(ind, raw),
        score,
        na,
        note,
        codes=codes(raw),
        **common,
    )


def codes(value: object) -> xlsx.Value:
    """A stored value as the rules read it: level and option codes as text (several joined by
    `CODE_SEPARATOR`), numbers as numbers, anything else as its text."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, list | tuple):
        return xlsx.CODE_SEPARATOR.join(str(item) for item in value)
    return str(value)


def _status(result: engine.IndicatorResult, answer: _Stored | None) -> str:
    """Whether the question counts, and if not why; a stored answer the skip rule hides says
    that its value is not counted."""
    has_value = answer is not None and answer.value is not None
    if result.exclusion == engine.SKIPPED:
        if has_value:
            return _("skipped — stored value not counted")
        return _("skipped by rule")
    if result.exclusion == engine.NOT_FOR_UNIT:
        return _("not for this unit — stored value not counted")
    if result.exclusion == engine.MARKED_NOT_APPLICABLE:
        return _("marked not applicable")
    if result.answered:
        return _("answered")
    return _("not answered")


def _stored_answers(audit_id: int) -> dict[str, _Stored]:
    rows = db.session.execute(
        select(
            FrameworkIndicator.code,
            Answer.value,
            Answer.not_applicable,
            Answer.na_reason,
            Answer.override_level,
            Answer.override_reason,
        )
        .join(FrameworkIndicator, Answer.indicator_id == FrameworkIndicator.id)
        .where(Answer.audit_id == audit_id)
    )
    return {code: _Stored(*rest) for code, *rest in rows}


def _evidence_counts(audit_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(FrameworkIndicator.code, func.count(EvidenceLink.evidence_id))
        .join(Evidence, EvidenceLink.evidence_id == Evidence.id)
        .join(FrameworkIndicator, EvidenceLink.indicator_id == FrameworkIndicator.id)
        .where(Evidence.audit_id == audit_id)
        .group_by(FrameworkIndicator.code)
    )
    return {code: int(n) for code, n in rows}


def _override_authors(audit_id: int) -> dict[str, str]:
    """Who last overrode each question's rating (from the audit's log)."""
    rows = db.session.execute(
        select(FrameworkIndicator.code, User.name)
        .select_from(AuditLogEntry)
        .join(FrameworkIndicator, AuditLogEntry.indicator_id == FrameworkIndicator.id)
        .outerjoin(User, AuditLogEntry.actor_id == User.id)
        .where(AuditLogEntry.audit_id == audit_id, AuditLogEntry.action == "answer.overridden")
        .order_by(AuditLogEntry.id)
    )
    return {code: name or _("a deleted account") for code, name in rows}


def _snapshot_scores(audit_id: int) -> dict[str, float | None]:
    """Each question's score on the audit's newest scorecard."""
    data = db.session.scalar(
        select(ScorecardSnapshot.data)
        .where(ScorecardSnapshot.audit_id == audit_id)
        .order_by(ScorecardSnapshot.id.desc())
        .limit(1)
    )
    return {code: item.get("score") for code, item in (data or {}).get("indicators", {}).items()}


def _sex_table_cells(
    ind: spec.Indicator, value: Mapping[str, Any]
) -> Iterator[tuple[str, str, xlsx.Value]]:
    """Each count of a sex-disaggregated answer as ("row.column", "Row — Column", count)."""
    column_labels = {
        "women": _("Women"),
        "men": _("Men"),
        "not_recorded": _("Not recorded"),
    }
    rows = {row.code: pick(row.label) or row.code for row in ind.rows}
    for row_code, cells in value.items():
        for column, column_label in column_labels.items():
            count = cells.get(column) if isinstance(cells, dict) else None
            try:
                number: xlsx.Value = float(count) if count not in (None, "") else None
            except (TypeError, ValueError):
                number = str(count)
            title = f"{rows.get(row_code, row_code)} — {column_label}"
            yield f"{row_code}.{column}", title, number


def score_lines(cycle: AuditCycle, unit_ids: Sequence[int]) -> Iterator[xlsx.ScoreLine]:
    """Each audit's stored scores (newest scorecard): its domains, its recommendations and the
    overall result, for checking a recomputation against."""
    audits = db.session.execute(
        select(Audit.id, Unit.name)
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .join(Country, Institution.country_id == Country.id)
        .where(Audit.cycle_id == cycle.id, Audit.unit_id.in_(list(unit_ids)))
        .order_by(Country.name, Institution.name, Unit.name, Audit.id)
    ).all()
    levels = (_("Domain"), _("Recommendation"))
    for audit_id, unit in audits:
        data = db.session.scalar(
            select(ScorecardSnapshot.data)
            .where(ScorecardSnapshot.audit_id == audit_id)
            .order_by(ScorecardSnapshot.id.desc())
            .limit(1)
        )
        if not data:
            continue
        card = engine.Scorecard.from_dict(data)
        parts = [(levels[0], card.domains), (levels[1], card.recommendations)]
        for level, aggregates in [*parts, (_("Overall"), {card.overall.code: card.overall})]:
            for code, agg in aggregates.items():
                band = formatting.band_label(agg.band) if agg.band else ""
                yield xlsx.ScoreLine(audit_id, unit, level, code, agg.score, band, agg.coverage)


def write_full_data(
    target: Path, cycle: AuditCycle, unit_ids: Sequence[int], progress: Progress
) -> int:
    progress(0.0)
    title = _("Full data: %(cycle)s", cycle=cycle.name)
    framework = version_label(cycle.framework_version)
    return xlsx.write_full_data(
        str(target),
        full_data_rows(cycle, unit_ids, progress),
        labels(),
        rtl(),
        tmpdir=str(target.parent),
        readme=[(title, framework), *recompute_steps(framework)],
        scores=lambda: score_lines(cycle, unit_ids),
    )
