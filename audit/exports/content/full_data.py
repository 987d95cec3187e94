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
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from audit.audits.models import AuditCycle
from audit.exports import tabular, xlsx
from audit.exports.content import full_data_streams as streams
from audit.exports.content.common import Progress, labels, rtl, typed_value, version_label
from audit.exports.content.readme import recompute_steps
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.labels import EVIDENCE_LABELS
from audit.i18n import pick
from audit.scoring import engine, formatting
from audit.scoring.latest_scores import Kind


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


class _Texts:
    """Everything a row repeats, translated once per export instead of once per row."""

    def __init__(self, fw: spec.Framework) -> None:
        self.labels = {ind.code: pick(ind.text) for ind in fw.indicators}
        self.evidence = {
            ind.code: str(EVIDENCE_LABELS.get(ind.evidence, ind.evidence)) for ind in fw.indicators
        }
        self.status = {key: str(text) for key, text in _STATUS.items()}
        self.columns = {key: str(text) for key, text in _SEX_COLUMNS.items()}
        self.rows = {
            ind.code: {row.code: pick(row.label) or row.code for row in ind.rows}
            for ind in fw.indicators
            if ind.type == "sex_table"
        }
        self.deleted = _("a deleted account")
        self._bands: dict[str, str] = {}

    def band(self, level: str | None) -> str:
        if not level:
            return ""
        if level not in self._bands:
            self._bands[level] = formatting.band_label(level)
        return self._bands[level]


def full_data_rows(
    cycle: AuditCycle, units: Select[Any], progress: Progress
) -> Iterator[xlsx.AnswerRow]:
    """Every question of the cycle's audits in these units (a SELECT of unit ids), audit by
    audit: five streamed queries walked side by side, so the number of queries and the memory
    stay the same however many audits there are. A sex-disaggregated table gives one row per
    category and column, so its counts stay numbers."""
    fw = frameworks.framework_of(cycle.framework_version)
    texts = _Texts(fw)
    total = max(streams.count_audits(cycle, units), 1)
    answers = streams.Lockstep(streams.answers(cycle, units))
    evidence = streams.Lockstep(streams.evidence_counts(cycle, units))
    authors = streams.Lockstep(streams.override_authors(cycle, units))
    scores = streams.Lockstep(streams.question_scores(cycle, units))
    for done, (audit_id, unit, institution, country, kind, unit_type, submitted) in enumerate(
        streams.audits(cycle, units)
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
        stored = {code: _Stored(*rest) for _id, code, *rest in answers.take(audit_id)}
        facts = _AuditFacts(
            stored,
            {code: int(n) for _id, code, n in evidence.take(audit_id)},
            {code: name or texts.deleted for _id, code, name in authors.take(audit_id)},
            next((found for _id, found in scores.take(audit_id)), {}),
        )
        yield from _audit_rows(base, fw, facts, texts)
        progress((done + 1) / total)


@dataclass(frozen=True)
class _AuditFacts:
    """What the database holds for one audit, by question code."""

    stored: dict[str, _Stored]
    evidence: dict[str, int]
    who: dict[str, str]
    scores: dict[str, float | None]


def _audit_rows(
    base: _AuditBase, fw: spec.Framework, audit: _AuditFacts, texts: _Texts
) -> Iterator[xlsx.AnswerRow]:
    """The rows of one audit: every question that applies to the unit or has a stored answer."""
    stored, evidence = audit.stored, audit.evidence
    results = engine.score_questions(
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
        result = results[ind.code]
        if answer is None and result.exclusion == engine.NOT_FOR_UNIT:
            continue
        facts = _Facts(ind, answer, result, evidence.get(ind.code, 0), audit.who.get(ind.code))
        yield from _question_rows(base, facts, audit.scores.get(ind.code), texts)


@dataclass(frozen=True)
class _Facts:
    """One question of one audit: its stored answer, the engine's result and the review."""

    ind: spec.Indicator
    answer: _Stored | None
    result: engine.IndicatorResult
    evidence: int
    override_by: str | None


def _question_rows(
    base: _AuditBase, facts: _Facts, score: float | None, texts: _Texts
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
        "status": texts.status[_status(result, answer)],
        "counts": result.applicable and result.scored,
        "raw_score": result.raw_score,
        "weight": ind.weight,
        "evidence_rule": texts.evidence[ind.code],
        "evidence_count": facts.evidence,
        "capped": result.capped,
        "override_level": texts.band(answer.override_level) if overridden else "",
        "override_reason": answer.override_reason if overridden else None,
        "override_by": facts.override_by if overridden else None,
    }
    label = texts.labels[ind.code]
    na = answer is not None and answer.not_applicable
    note = answer.na_reason if answer is not None else None
    if ind.type == "sex_table" and isinstance(raw, dict):
        for key, title, number in _sex_table_cells(ind, raw, texts):
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


#: The "status" column's texts, by the key `_status` gives.
_STATUS = {
    "skipped_stored": _l("skipped — stored value not counted"),
    "skipped": _l("skipped by rule"),
    "not_for_unit": _l("not for this unit — stored value not counted"),
    "not_applicable": _l("marked not applicable"),
    "answered": _l("answered"),
    "not_answered": _l("not answered"),
}

#: A sex-disaggregated table's columns and their headings.
_SEX_COLUMNS = {"women": _l("Women"), "men": _l("Men"), "not_recorded": _l("Not recorded")}


def _status(result: engine.IndicatorResult, answer: _Stored | None) -> str:
    """Whether the question counts, and if not why (a key of `_STATUS`); a stored answer the
    skip rule hides says that its value is not counted."""
    has_value = answer is not None and answer.value is not None
    if result.exclusion == engine.SKIPPED:
        return "skipped_stored" if has_value else "skipped"
    if result.exclusion == engine.NOT_FOR_UNIT:
        return "not_for_unit"
    if result.exclusion == engine.MARKED_NOT_APPLICABLE:
        return "not_applicable"
    return "answered" if result.answered else "not_answered"


def _sex_table_cells(
    ind: spec.Indicator, value: Mapping[str, Any], texts: _Texts
) -> Iterator[tuple[str, str, xlsx.Value]]:
    """Each count of a sex-disaggregated answer as ("row.column", "Row — Column", count)."""
    rows = texts.rows.get(ind.code, {})
    for row_code, cells in value.items():
        for column, column_label in texts.columns.items():
            count = cells.get(column) if isinstance(cells, dict) else None
            try:
                number: xlsx.Value = float(count) if count not in (None, "") else None
            except (TypeError, ValueError):
                number = str(count)
            title = f"{rows.get(row_code, row_code)} — {column_label}"
            yield f"{row_code}.{column}", title, number


def score_lines(cycle: AuditCycle, units: Select[Any]) -> Iterator[xlsx.ScoreLine]:
    """Each audit's stored scores (newest scorecard): its domains, its recommendations and the
    overall result, in the framework's order, for checking a recomputation against. One
    streamed query, whatever the number of audits."""
    fw = frameworks.framework_of(cycle.framework_version)
    texts = _Texts(fw)
    order = {
        (kind, code): position
        for position, (kind, code) in enumerate(
            [(Kind.DOMAIN, domain.code) for domain in fw.domains]
            + [(Kind.RECOMMENDATION, rec.code) for rec in fw.recommendations]
        )
    }
    levels = {
        Kind.DOMAIN: _("Domain"),
        Kind.RECOMMENDATION: _("Recommendation"),
        Kind.OVERALL: _("Overall"),
    }
    for audit_id, unit, aggregates in streams.aggregate_scores(cycle, units):
        rows = sorted(aggregates, key=lambda row: order.get((row[0], row[1]), len(order)))
        for kind, code, score, band, coverage in rows:
            yield xlsx.ScoreLine(
                audit_id, unit, levels[Kind(kind)], code, score, texts.band(band), coverage
            )


def write_full_data(target: Path, cycle: AuditCycle, units: Select[Any], progress: Progress) -> int:
    """Write the full data workbook of the cycle's audits in these units (a SELECT of ids)."""
    progress(0.0)
    title = _("Full data: %(cycle)s", cycle=cycle.name)
    framework = version_label(cycle.framework_version)
    return xlsx.write_full_data(
        str(target),
        full_data_rows(cycle, units, progress),
        labels(),
        rtl(),
        tmpdir=str(target.parent),
        readme=[(title, framework), *recompute_steps(framework)],
        scores=lambda: score_lines(cycle, units),
        split_note=split_note,
    )


def split_note(sheets: int) -> tuple[str, str]:
    """The Read me's line when the answers passed Excel's row limit and went on more sheets."""
    return (
        _("More than one Answers sheet"),
        _(
            "Excel allows 1,048,576 rows on a sheet, so the answers continue on %(count)d "
            'sheets: "Answers", then "Answers (2)" and so on, in the same order and with '
            "the same columns. Read them one after the other as a single table.",
            count=sheets,
        ),
    )


def write_full_data_part(
    folder: Path, stem: str, cycle: AuditCycle, units: Select[Any], fmt: str, progress: Progress
) -> int:
    """One part of a CSV or Parquet full data (the whole scope, or one institution of it)."""
    rows = full_data_rows(cycle, units, progress)
    return tabular.write_part(folder, stem, fmt, rows, lambda: score_lines(cycle, units))


def assemble_full_data(
    target: Path, folder: Path, stems: Sequence[str], fmt: str, cycle: AuditCycle
) -> None:
    """The CSV or Parquet download from its parts, in order, with the Read me as README.txt."""
    title = _("Full data: %(cycle)s", cycle=cycle.name)
    framework = version_label(cycle.framework_version)
    found = labels()
    readme = tabular.readme_text([(title, framework), *recompute_steps(framework)], found)
    tabular.assemble(target, folder, stems, fmt, found, readme)
