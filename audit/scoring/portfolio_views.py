"""The advisers' portfolio scorecard: roll-ups over many units.

``/portfolio/`` (advisers and administrators): over the units the user may see
(scope.visible_unit_ids) with a validated audit in the chosen cycle: how many units, the overall
mean, units by band, a units × domains heat map, sex-disaggregated totals and the trend across
cycles. Advisers are reviewers: they see unit names and exact numbers, and every number of a
unit links to its scorecard. The donors' page, ``/portfolio/donor``, is audit.scoring.donor_views;
this blueprint routes it.

Every figure reads the newest validated snapshot of each audit (scoring.latest_validated_ids):
an audit is one unit in one cycle, so each unit counts once per cycle. Means are means of unit
scores; counts are summed and shares recomputed from the sums.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, func, select

from audit.access.scope import visible_unit_ids
from audit.accounts.models import Role
from audit.audits.models import Audit, AuditCycle
from audit.extensions import db
from audit.frameworks import spec
from audit.orgs.models import Institution, Unit
from audit.orgs.names import localized_name_sql
from audit.scoring import charts, donor_views, formatting
from audit.scoring import services as scoring
from audit.scoring.donor import validated
from audit.scoring.models import DomainScore, ScorecardSnapshot
from audit.scoring.portfolio_parts import (
    Score,
    SexTable,
    banded,
    cached_framework,
    chart,
    chosen_cycles,
    domain_label,
    ordered,
    require,
    sex_table,
    trend_chart,
)

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")
bp.context_processor(formatting.template_helpers)
bp.add_url_rule("/donor", view_func=donor_views.donor, methods=["GET"])


@dataclass
class UnitLine:
    """One unit in the heat map (adviser view only)."""

    audit_id: int
    name: str
    institution: str
    overall: Score
    domains: dict[str, Score] = field(default_factory=dict)


def _unit_lines(cycle: AuditCycle, scope: Select[Any], fw: spec.Framework) -> list[UnitLine]:
    """The units with a validated audit in the cycle, each with its domain scores (2 queries)."""
    lines: dict[int, UnitLine] = {}
    for audit_id, snapshot_id, name, institution, overall in db.session.execute(
        select(
            Audit.id,
            ScorecardSnapshot.id,
            localized_name_sql(Unit),
            localized_name_sql(Institution),
            ScorecardSnapshot.overall_score,
        )
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .where(*validated(scope, cycle.id))
        .order_by(Institution.name, Unit.path)
    ):
        lines[snapshot_id] = UnitLine(audit_id, name, institution, banded(overall, fw))
    for snapshot_id, code, value in db.session.execute(
        select(DomainScore.scorecard_id, DomainScore.domain_code, DomainScore.score)
        .join(ScorecardSnapshot, DomainScore.scorecard_id == ScorecardSnapshot.id)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .where(*validated(scope, cycle.id))
    ):
        if snapshot_id in lines:
            lines[snapshot_id].domains[code] = banded(value, fw)
    return list(lines.values())


def _adviser_trend(scope: Select[Any], cache: dict[int, spec.Framework]) -> list[dict[str, Any]]:
    """Overall mean per cycle over the same scope (one GROUP BY over cycles)."""
    rows = db.session.execute(
        select(
            AuditCycle.id,
            AuditCycle.name,
            AuditCycle.opens_on,
            AuditCycle.framework_version_id,
            func.avg(ScorecardSnapshot.overall_score),
            func.count(ScorecardSnapshot.overall_score),
        )
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(AuditCycle, Audit.cycle_id == AuditCycle.id)
        .where(*validated(scope))
        .group_by(
            AuditCycle.id, AuditCycle.name, AuditCycle.opens_on, AuditCycle.framework_version_id
        )
        .order_by(AuditCycle.opens_on, AuditCycle.id)
    ).all()
    return [
        {
            "cycle_id": cycle_id,
            "name": name,
            "units": int(count),
            "mean": banded(
                float(mean) if mean is not None else None, cached_framework(version, cache)
            ),
        }
        for cycle_id, name, _opens, version, mean, count in rows
    ]


def _sex_tables(cycle: AuditCycle, scope: Select[Any], fw: spec.Framework) -> list[SexTable]:
    """The sex-disaggregated tables summed over the scope, exact (advisers are reviewers)."""
    tables: dict[str, dict[str, Sequence[int]]] = {}
    table_units: dict[str, int] = {}
    sensitive: dict[str, bool] = {}
    for code, row, women, men, not_recorded, count, is_sensitive in scoring.sex_totals(
        cycle.id, scope
    ):
        tables.setdefault(code, {})[row] = (int(women), int(men), int(not_recorded))
        table_units[code] = max(table_units.get(code, 0), int(count))
        sensitive[code] = sensitive.get(code, False) or bool(is_sensitive)
    return [
        sex_table(
            fw, code, tables[code], units=table_units[code], sensitive=sensitive[code], k=None
        )
        for code in ordered(tables, [i.code for i in fw.indicators])
    ]


@bp.get("/")
@login_required
def index() -> str:
    """The adviser's portfolio scorecard over the units they may see."""
    require(Role.ADVISER, Role.ADMIN)
    scope = visible_unit_ids(current_user)
    cycles, cycle = chosen_cycles(scope)
    context: dict[str, Any] = {"cycles": cycles, "cycle": cycle}
    if cycle is None:
        return render_template("scoring/portfolio.html", **context)
    cache: dict[int, spec.Framework] = {}
    fw = cached_framework(cycle.framework_version_id, cache)
    units = _unit_lines(cycle, scope, fw)
    mean, scored = scoring.overall_rollup(cycle.id, scope)
    rollup = scoring.domain_rollup(cycle.id, scope)
    domain_codes = ordered(
        {r.domain_code for r in rollup} | {c for u in units for c in u.domains},
        [d.code for d in fw.domains],
    )
    by_band = Counter(u.overall.band for u in units)
    domains = [
        {
            "code": r.domain_code,
            "label": domain_label(fw, r.domain_code),
            "mean": banded(r.mean_score, fw),
            "units": r.units,
        }
        for r in sorted(rollup, key=lambda r: domain_codes.index(r.domain_code))
    ]
    sex_tables = _sex_tables(cycle, scope, fw)
    trend = _adviser_trend(scope, cache)
    context.update(
        units=units,
        unit_count=len(units),
        overall=banded(mean, fw),
        scored=scored,
        bands=[(band, by_band.get(band, 0)) for band in charts.BANDS],
        unbanded=by_band.get(None, 0),
        domain_codes=domain_codes,
        domain_labels={code: domain_label(fw, code) for code in domain_codes},
        domains=domains,
        domain_chart=chart(
            [(d["label"], d["mean"].value, d["mean"].band) for d in domains],
            _("Mean score by domain, from 0 to 100"),
            "chart-portfolio-domains",
        ),
        sex_tables=sex_tables,
        trend=trend,
        trend_chart=trend_chart(
            [(row["name"], row["mean"]) for row in trend],
            _("Mean overall score"),
            "chart-portfolio-trend",
        ),
        scorecard_url=lambda audit_id: url_for("scorecards.unit", audit_id=audit_id),
    )
    return render_template("scoring/portfolio.html", **context)
