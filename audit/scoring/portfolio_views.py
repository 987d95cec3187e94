"""The advisers' portfolio scorecard: roll-ups over many units.

``/portfolio/`` (advisers and administrators): over the units the user may see
(scope.visible_unit_ids) with a validated audit in the chosen cycle: how many units, the overall
mean, units by band, a units × domains heat map, sex-disaggregated totals and the trend across
cycles. Advisers are reviewers: they see unit names and exact numbers, and every number of a
unit links to its scorecard. The donors' page, ``/portfolio/donor``, is audit.scoring.donor_views;
this blueprint routes it.

Every figure reads the newest validated snapshot of each validated audit: an audit is one unit
in one cycle, so each unit counts once per cycle. The figures come from the sums the read model
keeps (audit.scoring.portfolio_rollup), the heat map a page at a time (audit.scoring.heatmap).
Means are means of unit scores; counts are summed and shares recomputed from the sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from audit import paging
from audit.access.scope import visible_unit_ids
from audit.accounts.models import Role
from audit.audits import listing
from audit.audits.models import AuditCycle
from audit.frameworks import spec
from audit.scoring import charts, donor_views, formatting, heatmap, portfolio_rollup
from audit.scoring.formatting import band_label, fmt_score
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
from forms.lists import HeatMapForm, ignored_filters

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")
bp.context_processor(formatting.template_helpers)
bp.add_url_rule("/donor", view_func=donor_views.donor, methods=["GET"])


def _adviser_trend(
    points: list[portfolio_rollup.TrendPoint], cache: dict[int, spec.Framework]
) -> list[dict[str, Any]]:
    """Overall mean per cycle over the same scope, banded by each cycle's framework."""
    return [
        {
            "cycle_id": p.cycle_id,
            "name": p.name,
            "units": p.units,
            "mean": banded(p.mean, cached_framework(p.framework_version_id, cache)),
        }
        for p in points
    ]


def _sex_tables(rows: list[portfolio_rollup.SexRow], fw: spec.Framework) -> list[SexTable]:
    """The sex-disaggregated tables summed over the scope, exact (advisers are reviewers)."""
    tables: dict[str, dict[str, Sequence[int]]] = {}
    table_units: dict[str, int] = {}
    sensitive: dict[str, bool] = {}
    for code, row, women, men, not_recorded, count, is_sensitive in rows:
        tables.setdefault(code, {})[row] = (int(women), int(men), int(not_recorded))
        table_units[code] = max(table_units.get(code, 0), int(count))
        sensitive[code] = sensitive.get(code, False) or bool(is_sensitive)
    return [
        sex_table(
            fw, code, tables[code], units=table_units[code], sensitive=sensitive[code], k=None
        )
        for code in ordered(tables, [i.code for i in fw.indicators])
    ]


@dataclass(frozen=True)
class HeatCell:
    """One score of the heat map, ready to show: its text, colour class and spoken label."""

    code: str
    text: str
    css: str
    label: str


@dataclass(frozen=True)
class HeatRow:
    """One unit of the heat map with its scorecard's address and its cells."""

    audit_id: int
    name: str
    institution: str
    url: str
    cells: list[HeatCell | None]


def _heat_rows(
    lines: Sequence[heatmap.UnitLine], codes: list[str], labels: dict[str, str]
) -> list[HeatRow]:
    """The page's units as rows of ready cells: each number is formatted, each band named and
    the spoken-label pattern translated once per page, not once per cell."""
    pattern = _("%(label)s: %(score)s (%(band)s)")
    shown: dict[float | None, str] = {}
    names: dict[str | None, str] = {}

    def cell(code: str, label: str, score: Score | None) -> HeatCell | None:
        if score is None:
            return None
        if score.value not in shown:
            shown[score.value] = fmt_score(score.value)
        if score.band not in names:
            names[score.band] = band_label(score.band)
        text = shown[score.value]
        spoken = pattern % {"label": label, "score": text, "band": names[score.band]}
        return HeatCell(code, text, charts.band_class(score.band), spoken)

    overall = _("Overall")
    return [
        HeatRow(
            line.audit_id,
            line.name,
            line.institution,
            url_for("scorecards.unit", audit_id=line.audit_id),
            [cell("overall", overall, line.overall)]
            + [cell(code, labels[code], line.domains.get(code)) for code in codes],
        )
        for line in lines
    ]


def _heat_map_filters(
    fw: spec.Framework, domain_codes: list[str]
) -> tuple[HeatMapForm, heatmap.Filters, list[str]]:
    """The heat map's filter form read from the query string, the filters it gives, and the
    labels of the filters that were not understood (and are ignored)."""
    form = HeatMapForm(formdata=request.args)
    form.institution.choices = [("", _("Any"))] + [
        (str(i), name) for i, name in listing.institutions(current_user)
    ]
    form.domain.choices = [("", _("Overall"))] + [
        (code, domain_label(fw, code)) for code in domain_codes
    ]
    form.band.choices = (
        [("", _("Any"))]
        + [(level, band_label(level)) for level in reversed(charts.BANDS)]
        + [(heatmap.NO_SCORE, band_label(None))]
    )
    ignored = ignored_filters(form)
    filters = heatmap.Filters(
        institution_id=int(form.institution.data) if form.institution.data else None,
        band=form.band.data or None,
        domain=form.domain.data or None,
        sort=form.sort.data or "unit",
    )
    return form, filters, ignored


def _heat_map(
    cycle: AuditCycle,
    scope: Any,
    fw: spec.Framework,
    units: int,
    codes: list[str],
    labels: dict[str, str],
) -> dict[str, Any]:
    """The heat map's page of units, its filter form and the pager's arguments."""
    form, filters, ignored = _heat_map_filters(fw, codes)
    page = paging.requested_page(request.args.get("page"), ignored, _("Page"))
    found = heatmap.lines(cycle.id, scope, fw, filters, page, units=units)
    return {
        "units": found,
        "heat_rows": _heat_rows(found.items, codes, labels),
        "form": form,
        "ignored": ignored,
        "heat_args": {
            "cycle": cycle.id,
            **{f.name: f.data for f in form if f.name != "page" and f.data != f.default},
        },
        "filtered": any(f.data != f.default for f in form if f.name != "page"),
    }


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
    figures = portfolio_rollup.rollup(current_user, scope, cycle, fw)
    mean, scored, rollup = figures.mean, figures.scored, figures.domains
    domain_codes = ordered({r.domain_code for r in rollup}, [d.code for d in fw.domains])
    domain_labels = {code: domain_label(fw, code) for code in domain_codes}
    context.update(_heat_map(cycle, scope, fw, figures.units, domain_codes, domain_labels))
    by_band = figures.bands
    unit_count = figures.units
    domains = [
        {
            "code": r.domain_code,
            "label": domain_label(fw, r.domain_code),
            "mean": banded(r.mean_score, fw),
            "units": r.units,
        }
        for r in sorted(rollup, key=lambda r: domain_codes.index(r.domain_code))
    ]
    sex_tables = _sex_tables(figures.sex, fw)
    trend = _adviser_trend(figures.trend, cache)
    context.update(
        unit_count=unit_count,
        overall=banded(mean, fw),
        scored=scored,
        bands=[(band, by_band.get(band, 0)) for band in charts.BANDS],
        unbanded=by_band.get(None, 0),
        domain_codes=domain_codes,
        domain_labels=domain_labels,
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
    )
    return render_template("scoring/portfolio.html", **context)
