"""The full data's content: every answer of a cycle's audits, read as tuples and streamed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from audit.audits.models import Answer, Audit, AuditCycle
from audit.exports import xlsx
from audit.exports.content.common import Progress, labels, rtl, typed_value
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.models import FrameworkIndicator
from audit.i18n import pick
from audit.orgs.models import Country, Institution, Unit
from audit.orgs.names import localized_name_sql
from audit.scoring.models import ScorecardSnapshot


def full_data_rows(
    cycle: AuditCycle, unit_ids: Sequence[int], progress: Progress
) -> Iterator[xlsx.AnswerRow]:
    """Every answer of the cycle's audits in these units, audit by audit (flat memory: rows
    are read as tuples, never as ORM objects). A sex-disaggregated table gives one row per
    category and column, so its counts stay numbers."""
    fw = frameworks.framework_of(cycle.framework_version)
    by_code = {ind.code: ind for ind in fw.indicators}
    audits = db.session.execute(
        select(
            Audit.id,
            localized_name_sql(Unit),
            localized_name_sql(Institution),
            localized_name_sql(Country),
        )
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .join(Country, Institution.country_id == Country.id)
        .where(Audit.cycle_id == cycle.id, Audit.unit_id.in_(list(unit_ids)))
        .order_by(Country.name, Institution.name, Unit.name, Audit.id)
    ).all()
    total = max(len(audits), 1)
    for done, (audit_id, unit, institution, country) in enumerate(audits):
        yield from _audit_rows((audit_id, unit, institution, country, cycle.name), by_code)
        progress((done + 1) / total)


def _audit_rows(
    base: tuple[int, str, str, str, str], by_code: dict[str, spec.Indicator]
) -> Iterator[xlsx.AnswerRow]:
    """The rows of one audit; `base` is (audit id, unit, institution, country, cycle)."""
    audit_id = base[0]
    snapshot_data = db.session.scalar(
        select(ScorecardSnapshot.data)
        .where(ScorecardSnapshot.audit_id == audit_id)
        .order_by(ScorecardSnapshot.id.desc())
        .limit(1)
    )
    scores = {
        code: item.get("score")
        for code, item in (snapshot_data or {}).get("indicators", {}).items()
    }
    answers = db.session.execute(
        select(FrameworkIndicator.code, Answer.value, Answer.not_applicable, Answer.na_reason)
        .join(FrameworkIndicator, Answer.indicator_id == FrameworkIndicator.id)
        .where(Answer.audit_id == audit_id)
        .order_by(FrameworkIndicator.code)
    )
    for code, value, not_applicable, na_reason in answers:
        ind = by_code.get(code)
        label = pick(ind.text) if ind else code
        domain = ind.domain_code if ind else code[:2]
        kind = ind.type if ind else ""
        score = scores.get(code)
        if ind is not None and kind == "sex_table" and isinstance(value, dict):
            for key, title, number in _sex_table_cells(ind, value):
                yield xlsx.AnswerRow(
                    *base,
                    f"{code}.{key}",
                    f"{label} — {title}",
                    domain,
                    kind,
                    number,
                    score,
                    not_applicable,
                    na_reason,
                )
            continue
        yield xlsx.AnswerRow(
            *base,
            code,
            label,
            domain,
            kind,
            typed_value(ind, value),
            score,
            not_applicable,
            na_reason,
        )


def _sex_table_cells(
    ind: spec.Indicator, value: dict[str, Any]
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


def write_full_data(
    target: Path, cycle: AuditCycle, unit_ids: Sequence[int], progress: Progress
) -> int:
    progress(0.0)
    return xlsx.write_full_data(
        str(target),
        full_data_rows(cycle, unit_ids, progress),
        labels(),
        rtl(),
        tmpdir=str(target.parent),
    )
