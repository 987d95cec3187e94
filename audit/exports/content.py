"""From the database to the workbook writers: gather plain data, translated, then write.

The writers in `audit.exports.xlsx` know nothing of the database; this module reads snapshots,
answers and roll-ups (the same ones the pages show), turns them into the writers' dataclasses
with labels in the current language (the worker runs under `force_locale` of the requester) and
reports progress (0-1) through a callback as it goes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from audit.accounts.models import User
from audit.audits.models import Answer, Audit, AuditCycle
from audit.exports import xlsx
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.labels import LEVEL_LABELS, chosen_options
from audit.frameworks.models import FrameworkIndicator, FrameworkVersion
from audit.i18n import RTL_LANGUAGES, pick
from audit.orgs.models import Country, Institution, Unit
from audit.scoring import disclosure, donor, engine
from audit.scoring import services as scoring
from audit.scoring.models import ScorecardSnapshot

Progress = Callable[[float], None]


class NothingToExport(Exception):
    """The export has nothing it may show (no scorecard yet, no published figure)."""


def labels() -> dict[str, str]:
    """The writers' labels in the current language."""
    return {key: _(text) for key, text in xlsx.DEFAULT_LABELS.items()}


def rtl() -> bool:
    return str(get_locale()) in RTL_LANGUAGES


def app_version() -> str:
    try:
        return metadata.version("wps-audit")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed with -e
        return "dev"


def version_label(version: FrameworkVersion) -> str:
    return f"{version.code} {version.label}"


def filename(*parts: str) -> str:
    """A download name from its parts: letters of any script, digits, '-' and '_' only."""
    joined = "-".join(parts)
    cleaned = re.sub(r"[^\w-]+", "-", joined, flags=re.UNICODE).strip("-_")
    return (cleaned[:120] or "export") + ".xlsx"


def _bands(fw: spec.Framework) -> Sequence[spec.Band]:
    return fw.bands or spec.DEFAULT_FRAMEWORK_BANDS


def _thresholds(fw: spec.Framework) -> tuple[float, float, float]:
    mins = {band.level: band.min for band in _bands(fw)}
    return (mins.get("approaches", 40), mins.get("meets", 60), mins.get("exceeds", 80))


def typed_value(ind: spec.Indicator | None, value: object) -> xlsx.Value:
    """An answer as a typed cell: numbers stay numbers, dates dates, codes become labels."""
    if value is None or ind is None:
        return None if value is None else str(value)
    kind = ind.type
    if kind in ("yes_no", "no_partly_yes", "rubric") and isinstance(value, str):
        return str(LEVEL_LABELS.get(value, value))
    if kind in ("count", "amount", "percentage"):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if kind in ("choice", "multi_choice"):
        return chosen_options(ind, value)
    if kind == "sex_table" and isinstance(value, dict):
        totals = {column: 0 for column in disclosure.COLUMNS}
        for cells in value.values():
            if isinstance(cells, dict):
                for column in totals:
                    try:
                        totals[column] += int(cells.get(column) or 0)
                    except (TypeError, ValueError):
                        continue
        return _("Women %(women)d, men %(men)d, not recorded %(not_recorded)d", **totals)
    return str(value)


# --- unit scorecard ------------------------------------------------------------------------


def _score_row(
    code: str,
    label: str,
    agg: engine.Aggregate,
    before: engine.Aggregate | None,
) -> xlsx.ScoreRow:
    change = None
    if before is not None and agg.score is not None and before.score is not None:
        change = agg.score - before.score
    return xlsx.ScoreRow(code, label, agg.score, agg.band, agg.coverage, change)


def unit_scorecard(audit: Audit) -> xlsx.UnitScorecardBook:
    """A unit's newest scorecard (validated or submitted), with the change since last cycle."""
    snapshot = scoring.latest(audit)
    if snapshot is None:
        raise NothingToExport(_("This audit has no scorecard yet."))
    version = db.session.get(FrameworkVersion, snapshot.framework_version_id)
    if version is None:  # pragma: no cover - versions are never deleted
        raise NothingToExport(_("This audit has no scorecard yet."))
    fw = frameworks.framework_of(version)
    card = engine.Scorecard.from_dict(snapshot.data)
    earlier = scoring.previous(audit)
    before = engine.Scorecard.from_dict(earlier.data) if earlier is not None else None

    def titled(items: Sequence[Any], code: str) -> str:
        found = next((item for item in items if item.code == code), None)
        return pick(found.title) if found is not None else code

    domains = [
        _score_row(
            code,
            titled(fw.domains, code),
            agg,
            before.domains.get(code) if before else None,
        )
        for code, agg in card.domains.items()
    ]
    recommendations = [
        _score_row(
            code,
            titled(fw.recommendations, code),
            agg,
            before.recommendations.get(code) if before else None,
        )
        for code, agg in card.recommendations.items()
    ]
    indicators = []
    for ind in fw.indicators:
        result = card.indicators.get(ind.code)
        if result is None or result.exclusion in (engine.NOT_FOR_UNIT, engine.SKIPPED):
            continue
        indicators.append(
            xlsx.IndicatorRow(
                code=ind.code,
                label=pick(ind.text),
                domain=ind.domain_code,
                answer_type=ind.type,
                value=typed_value(ind, result.value),
                score=result.score,
                weight=ind.weight,
                capped=result.capped,
                overridden=result.overridden,
                not_applicable=result.exclusion is not None,
            )
        )
    unit = audit.unit
    return xlsx.UnitScorecardBook(
        title=_("Scorecard of %(unit)s", unit=unit.name),
        unit=unit.name,
        institution=unit.institution.name,
        country=unit.institution.country.name,
        cycle=audit.cycle.name,
        framework_version=version_label(version),
        scoring_rules=snapshot.rules_version,
        generated_at=dt.datetime.now(dt.UTC),
        app_version=app_version(),
        labels=labels(),
        rtl=rtl(),
        overall=_score_row(
            "", _("Overall"), card.overall, before.overall if before is not None else None
        ),
        domains=domains,
        recommendations=recommendations,
        indicators=indicators,
        previous_cycle=earlier.audit.cycle.name if earlier is not None else None,
        band_thresholds=_thresholds(fw),
    )


def write_unit_scorecard(target: Path, audit: Audit, progress: Progress) -> None:
    progress(0.1)
    book = unit_scorecard(audit)
    progress(0.6)
    xlsx.write_unit_scorecard(str(target), book)


# --- full data -----------------------------------------------------------------------------


def full_data_rows(
    cycle: AuditCycle, unit_ids: Sequence[int], progress: Progress
) -> Iterator[xlsx.AnswerRow]:
    """Every answer of the cycle's audits in these units, audit by audit (flat memory: rows
    are read as tuples, never as ORM objects). A sex-disaggregated table gives one row per
    category and column, so its counts stay numbers."""
    version = cycle.framework_version
    fw = frameworks.framework_of(version)
    by_code = {ind.code: ind for ind in fw.indicators}
    column_labels = {
        "women": _("Women"),
        "men": _("Men"),
        "not_recorded": _("Not recorded"),
    }
    audits = db.session.execute(
        select(Audit.id, Unit.name, Institution.name, Country.name)
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .join(Country, Institution.country_id == Country.id)
        .where(Audit.cycle_id == cycle.id, Audit.unit_id.in_(list(unit_ids)))
        .order_by(Country.name, Institution.name, Unit.name, Audit.id)
    ).all()
    total = max(len(audits), 1)
    for done, (audit_id, unit, institution, country) in enumerate(audits):
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
        base = (audit_id, unit, institution, country, cycle.name)
        for code, value, not_applicable, na_reason in answers:
            ind = by_code.get(code)
            label = pick(ind.text) if ind else code
            domain = ind.domain_code if ind else code[:2]
            kind = ind.type if ind else ""
            score = scores.get(code)
            if ind is not None and kind == "sex_table" and isinstance(value, dict):
                rows = {row.code: pick(row.label) or row.code for row in ind.rows}
                for row_code, cells in value.items():
                    for column, column_label in column_labels.items():
                        count = cells.get(column) if isinstance(cells, dict) else None
                        try:
                            number: xlsx.Value = float(count) if count not in (None, "") else None
                        except (TypeError, ValueError):
                            number = str(count)
                        yield xlsx.AnswerRow(
                            *base,
                            f"{code}.{row_code}.{column}",
                            f"{label} — {rows.get(row_code, row_code)} — {column_label}",
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
        progress((done + 1) / total)


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


# --- donor summary -------------------------------------------------------------------------


def donor_summary(
    requester: User, cycle: AuditCycle, scope: str, scope_id: int
) -> tuple[xlsx.DonorSummary, str]:
    """The donor summary of one funded institution or country, with the same figures and the
    same disclosure decisions as the donor page (audit.scoring.donor)."""
    rules = donor.Rules()
    version = cycle.framework_version
    fw = frameworks.framework_of(version)
    institutions, _countries = donor.funded(requester)
    if scope == "institution":
        members = [i for i in institutions if i.id == scope_id]
        name = members[0].name if members else ""
    else:
        members = [i for i in institutions if i.country_id == scope_id]
        country = db.session.get(Country, scope_id)
        name = country.name if country is not None else ""
    if not members:
        raise NothingToExport(_("Nothing in this scope is published."))
    sums = donor.tallies(cycle, [m.id for m in members], fw)
    tally = donor.Tally()
    for member in members:
        tally.add(sums[member.id])
    parts = [sums[m.id] for m in members] if scope == "country" else None
    bands = _bands(fw)

    def published_mean(figure: donor.Figure) -> float | None:
        return tally.mean(figure) if rules.gate(tally, parts, figure) else None

    domains = []
    for domain in fw.domains:
        if domain.code not in tally.domains:
            continue
        mean = published_mean(("domain", domain.code))
        domains.append(
            xlsx.DomainMean(
                domain.code,
                pick(domain.title),
                mean,
                tally.units(("domain", domain.code)),
                engine.band(mean, bands) if mean is not None else None,
            )
        )
    groups = [m.name for m in members] if parts is not None else []
    recommendations = []
    for rec in fw.recommendations:
        if rec.code not in tally.recommendations:
            continue
        figure = ("recommendation", rec.code)
        mean = published_mean(figure)
        covered_sum, covered_n = tally.coverage.get(rec.code, (0.0, 0))
        coverage = covered_sum / covered_n if mean is not None and covered_n else None
        by_group = tuple(
            sums[m.id].mean(figure) if rules.allowed(sums[m.id].units(figure), None) else None
            for m in members
        )
        recommendations.append(
            xlsx.RecommendationRow(
                rec.code,
                pick(rec.title),
                mean,
                engine.band(mean, bands) if mean is not None else None,
                coverage,
                by_group if parts is not None else (),
            )
        )
    cycles = db.session.scalars(
        select(AuditCycle).where(AuditCycle.id.in_(list(tally.trend))).order_by(AuditCycle.opens_on)
    )
    trend = [
        xlsx.TrendPoint(c.name, published_mean(("cycle", c.id)), tally.units(("cycle", c.id)))
        for c in cycles
    ]
    sex_tables = []
    order = {ind.code: n for n, ind in enumerate(fw.indicators)}
    published = rules.gate(tally, parts, ("overall", None))
    for code in sorted(tally.sex, key=lambda c: (order.get(c, len(order)), c)):
        if not published or not rules.sex_table_published(tally, parts, code):
            continue
        ind = by_code(fw, code)
        counts = {
            row: dict(zip(disclosure.COLUMNS, cells, strict=True))
            for row, cells in tally.sex[code].items()
        }
        sex_tables.append(
            xlsx.SexTable(
                title=pick(ind.text) if ind else code,
                table=disclosure.suppress_table(counts, k=rules.k, protect=("women",)),
                row_labels={row.code: pick(row.label) or row.code for row in ind.rows}
                if ind
                else {},
            )
        )
    note = _(
        "Aggregates only. A figure needs at least %(units)d units with a validated audit; "
        'counts below %(k)d are shown as "<%(k)d", and further counts are withheld so that '
        "no withheld number can be worked out from the totals.",
        units=rules.min_units,
        k=rules.k,
    )
    summary = xlsx.DonorSummary(
        title=_("Donor summary: %(name)s", name=name),
        cycle=cycle.name,
        framework_version=version_label(version),
        scoring_rules=engine.SCORING_RULES_VERSION,
        disclosure_note=note,
        generated_at=dt.datetime.now(dt.UTC),
        app_version=app_version(),
        labels=labels(),
        rtl=rtl(),
        domains=domains,
        recommendations=recommendations,
        trend=trend,
        sex_tables=sex_tables,
        groups=groups,
        k=rules.k,
        min_units=rules.min_units,
        band_thresholds=_thresholds(fw),
    )
    return summary, name


def by_code(fw: spec.Framework, code: str) -> spec.Indicator | None:
    try:
        return fw.indicator(code)
    except KeyError:
        return None


def write_donor_summary(
    target: Path, requester: User, cycle: AuditCycle, scope: str, scope_id: int, progress: Progress
) -> str:
    progress(0.1)
    summary, name = donor_summary(requester, cycle, scope, scope_id)
    progress(0.6)
    xlsx.write_donor_summary(str(target), summary)
    return name
