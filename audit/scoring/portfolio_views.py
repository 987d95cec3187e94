"""Portfolio scorecards: roll-ups over many units for advisers, aggregates for donors.

- ``/portfolio/`` (advisers and administrators): over the units the user may see
  (scope.visible_unit_ids) with a validated audit in the chosen cycle: how many units, the overall
  mean, units by band, a units × domains heat map, sex-disaggregated totals and the trend across
  cycles. Advisers are reviewers: they see unit names and exact numbers, and every number of a
  unit links to its scorecard.
- ``/portfolio/donor`` (donors and administrators): per funded institution and per funded
  country, aggregates only, under the disclosure rules of audit.scoring.disclosure: a figure
  needs at least ``DISCLOSURE_MIN_UNITS`` units (default 3); a country's figure beside its
  institutions' must not give away a smaller remainder; sex-disaggregated tables go through
  small-cell suppression with ``DISCLOSURE_K`` (default 5), and a country's tables are only
  shown when none of its institutions' tables is (two overlapping tables suppressed separately
  could be subtracted). No unit name, no per-unit number, no narrative reaches the page.

Every figure reads the newest validated snapshot of each audit (scoring.latest_validated_ids):
an audit is one unit in one cycle, so each unit counts once per cycle. Means are means of unit
scores; counts are summed and shares recomputed from the sums.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, func, select

from audit.access.scope import visible_unit_ids
from audit.accounts.models import Role
from audit.audits.models import Audit, AuditCycle, CycleStatus
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.labels import LEVEL_LABELS
from audit.frameworks.models import FrameworkVersion
from audit.i18n import pick, text_direction
from audit.orgs.models import Institution, Unit
from audit.scoring import charts, disclosure, engine
from audit.scoring import services as scoring
from audit.scoring.donor import DisclosureRules, ScopeTally, funded, tallies, validated
from audit.scoring.models import DomainScore, ScorecardSnapshot

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


# --- formatting (given to the templates) ---------------------------------------------------------


def fmt_score(value: float | None) -> str:
    """A 0-100 score with one decimal at most; "—" when there is none."""
    return "—" if value is None else format_decimal(value, format="#,##0.#")


def fmt_share(value: float | None) -> str:
    """A 0-1 share as a percentage; "—" when there is none."""
    return "—" if value is None else format_percent(value, format="#,##0.#%")


def fmt_count(value: int | None) -> str:
    """A whole number with grouping."""
    return "—" if value is None else format_decimal(value, format="#,##0")


def band_label(band: str | None) -> str:
    """The band's name, or "No score"."""
    return str(LEVEL_LABELS[band]) if band in charts.BANDS else _("No score")


@bp.context_processor
def _formatting() -> dict[str, object]:
    return {
        "fmt_score": fmt_score,
        "fmt_share": fmt_share,
        "fmt_count": fmt_count,
        "band_label": band_label,
        "band_class": charts.band_class,
        "BANDS": charts.BANDS,
    }


# --- shared pieces --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A 0-100 score with its band (None when there is no score)."""

    value: float | None
    band: str | None


@dataclass(frozen=True)
class SexLine:
    """One line of a sex-disaggregated table (a category, or the totals when `code` is None)."""

    code: str | None
    label: str
    cells: tuple[disclosure.Cell, ...]  # women, men, not recorded
    total: disclosure.Cell
    women_share: float | None


@dataclass(frozen=True)
class SexTable:
    """A summed sex-disaggregated table: exact for advisers, suppressed for donors."""

    code: str
    title: str
    units: int
    sensitive: bool
    lines: tuple[SexLine, ...]
    totals: SexLine
    any_withheld: bool = False


def _require(*roles: Role) -> None:
    if not any(current_user.has_role(role) for role in roles):
        abort(403)


def _cycles() -> tuple[list[AuditCycle], AuditCycle | None]:
    """Every cycle (newest first) and the chosen one: ?cycle=ID, else the newest open, else the
    newest."""
    cycles = list(
        db.session.scalars(
            select(AuditCycle).order_by(AuditCycle.opens_on.desc(), AuditCycle.id.desc())
        )
    )
    wanted = request.args.get("cycle", "").strip()
    if wanted:
        chosen = next((c for c in cycles if str(c.id) == wanted), None)
        if chosen is None:
            abort(404)
        return cycles, chosen
    newest_open = next((c for c in cycles if c.status is CycleStatus.OPEN), None)
    return cycles, newest_open or (cycles[0] if cycles else None)


def _framework(version_id: int, cache: dict[int, spec.Framework]) -> spec.Framework:
    if version_id not in cache:
        cache[version_id] = frameworks.framework_of(db.get_or_404(FrameworkVersion, version_id))
    return cache[version_id]


def _bands(fw: spec.Framework) -> Sequence[spec.Band]:
    return fw.bands or spec.DEFAULT_FRAMEWORK_BANDS


def _score(value: float | None, fw: spec.Framework) -> Score:
    return Score(value, engine.band(value, _bands(fw)))


def _domain_label(fw: spec.Framework, code: str) -> str:
    try:
        return pick(fw.domain(code).title) or code
    except KeyError:
        return code


def _sex_labels(fw: spec.Framework, code: str) -> tuple[str, dict[str, str], list[str]]:
    """The table's title, its row labels and its rows in framework order."""
    try:
        ind = fw.indicator(code)
    except KeyError:
        return code, {}, []
    labels = {row.code: pick(row.label) or row.code for row in ind.rows}
    return pick(ind.text) or code, labels, [row.code for row in ind.rows]


def _ordered(codes: Iterable[str], order: Sequence[str]) -> list[str]:
    position = {code: i for i, code in enumerate(order)}
    return sorted(codes, key=lambda c: (position.get(c, len(position)), c))


def _sex_table(
    fw: spec.Framework,
    code: str,
    counts: Mapping[str, Sequence[int]],
    *,
    units: int,
    sensitive: bool,
    k: int | None,
) -> SexTable:
    """A summed table; with `k` (donors), small cells and their complements are withheld."""
    title, labels, order = _sex_labels(fw, code)
    rows = {
        row: dict(zip(disclosure.COLUMNS, counts[row], strict=True))
        for row in _ordered(counts, order)
    }
    # k=1 withholds nothing (no count lies between 0 and 1): reviewers see exact numbers.
    # Women's counts are what the audit reports: complements come from the other columns first.
    table = disclosure.suppress_table(rows, k=k or 1, protect=("women",))

    def line(row: str | None) -> SexLine:
        cells = tuple(table.entry(row, c) for c in table.columns)
        total = table.entry(row, None)
        return SexLine(
            code=row,
            label=labels.get(row, row) if row is not None else _("Total"),
            cells=cells,
            total=total,
            women_share=disclosure.share(cells[0].value, total.value),
        )

    return SexTable(
        code=code,
        title=title,
        units=units,
        sensitive=sensitive,
        lines=tuple(line(row) for row in table.rows),
        totals=line(None),
        any_withheld=table.any_suppressed,
    )


def _chart(
    items: list[tuple[str, float | None, str | None]], title: str, chart_id: str, kind: str = "bar"
) -> dict[str, Any]:
    """A chart spec (audit.scoring.charts) in the page's language and direction: "bar" for
    domain means, "line" for a trend across cycles."""
    build = charts.line_spec if kind == "line" else charts.bar_spec
    return build(
        items,
        title=title,
        rtl=text_direction() == "rtl",
        locale=str(get_locale()),
        chart_id=chart_id,
    )


def _trend_chart(
    points: list[tuple[str, Score | None]], title: str, chart_id: str
) -> dict[str, Any] | None:
    """A line through the cycles' means (a withheld one is a gap); None under two cycles."""
    if len(points) < 2 or all(score is None or score.value is None for _, score in points):
        return None
    return _chart(
        [
            (name, score.value if score else None, score.band if score else None)
            for name, score in points
        ],
        title,
        chart_id,
        kind="line",
    )


# --- advisers -------------------------------------------------------------------------------------


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
            Unit.name,
            Institution.name,
            ScorecardSnapshot.overall_score,
        )
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .where(*validated(scope, cycle.id))
        .order_by(Institution.name, Unit.path)
    ):
        lines[snapshot_id] = UnitLine(audit_id, name, institution, _score(overall, fw))
    for snapshot_id, code, value in db.session.execute(
        select(DomainScore.scorecard_id, DomainScore.domain_code, DomainScore.score)
        .join(ScorecardSnapshot, DomainScore.scorecard_id == ScorecardSnapshot.id)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .where(*validated(scope, cycle.id))
    ):
        if snapshot_id in lines:
            lines[snapshot_id].domains[code] = _score(value, fw)
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
            "mean": _score(float(mean) if mean is not None else None, _framework(version, cache)),
        }
        for cycle_id, name, _opens, version, mean, count in rows
    ]


@bp.get("/")
@login_required
def index() -> str:
    """The adviser's portfolio scorecard over the units they may see."""
    _require(Role.ADVISER, Role.ADMIN)
    cycles, cycle = _cycles()
    context: dict[str, Any] = {"cycles": cycles, "cycle": cycle}
    if cycle is None:
        return render_template("scoring/portfolio.html", **context)
    cache: dict[int, spec.Framework] = {}
    fw = _framework(cycle.framework_version_id, cache)
    scope = visible_unit_ids(current_user)
    units = _unit_lines(cycle, scope, fw)
    mean, scored = scoring.overall_rollup(cycle.id, scope)
    rollup = scoring.domain_rollup(cycle.id, scope)
    domain_codes = _ordered(
        {r.domain_code for r in rollup} | {c for u in units for c in u.domains},
        [d.code for d in fw.domains],
    )
    by_band = Counter(u.overall.band for u in units)
    domains = [
        {
            "code": r.domain_code,
            "label": _domain_label(fw, r.domain_code),
            "mean": _score(r.mean_score, fw),
            "units": r.units,
        }
        for r in sorted(rollup, key=lambda r: domain_codes.index(r.domain_code))
    ]
    tables: dict[str, dict[str, Sequence[int]]] = {}
    table_units: dict[str, int] = {}
    sensitive: dict[str, bool] = {}
    for code, row, women, men, not_recorded, count, is_sensitive in scoring.sex_totals(
        cycle.id, scope
    ):
        tables.setdefault(code, {})[row] = (int(women), int(men), int(not_recorded))
        table_units[code] = max(table_units.get(code, 0), int(count))
        sensitive[code] = sensitive.get(code, False) or bool(is_sensitive)
    sex_tables = [
        _sex_table(
            fw, code, tables[code], units=table_units[code], sensitive=sensitive[code], k=None
        )
        for code in _ordered(tables, [i.code for i in fw.indicators])
    ]
    trend = _adviser_trend(scope, cache)
    context.update(
        units=units,
        unit_count=len(units),
        overall=_score(mean, fw),
        scored=scored,
        bands=[(band, by_band.get(band, 0)) for band in charts.BANDS],
        unbanded=by_band.get(None, 0),
        domain_codes=domain_codes,
        domain_labels={code: _domain_label(fw, code) for code in domain_codes},
        domains=domains,
        domain_chart=_chart(
            [(d["label"], d["mean"].value, d["mean"].band) for d in domains],
            _("Mean score by domain, from 0 to 100"),
            "chart-portfolio-domains",
        ),
        sex_tables=sex_tables,
        trend=trend,
        trend_chart=_trend_chart(
            [(row["name"], row["mean"]) for row in trend],
            _("Mean overall score"),
            "chart-portfolio-trend",
        ),
        scorecard_url=lambda audit_id: url_for("scorecards.unit", audit_id=audit_id),
    )
    return render_template("scoring/portfolio.html", **context)


# --- donors ---------------------------------------------------------------------------------------


@dataclass
class DonorScope:
    """What a donor sees of one institution or country."""

    kind: str  # "institution" or "country"
    key: str
    name: str
    detail: str
    published: bool
    reason: str = ""
    overall: Score | None = None
    meeting_share: float | None = None
    domains: list[tuple[str, Score | None]] = field(default_factory=list)
    chart: dict[str, Any] | None = None
    sex_tables: list[SexTable] = field(default_factory=list)
    sex_note: str = ""
    trend: list[tuple[str, Score | None]] = field(default_factory=list)
    trend_chart: dict[str, Any] | None = None


def _donor_scope(
    kind: str,
    key: str,
    name: str,
    detail: str,
    tally: ScopeTally,
    parts: list[ScopeTally] | None,
    *,
    fw: spec.Framework,
    cycles: list[AuditCycle],
    cache: dict[int, spec.Framework],
    rules: DisclosureRules,
) -> DonorScope:
    """The published figures of one scope; `parts` are a country's institutions."""

    def gate(figure: tuple[str, Any]) -> bool:
        return rules.gate(tally, parts, figure)

    scope = DonorScope(kind, key, name, detail, published=gate(("overall", None)))
    if not scope.published:
        if rules.allowed(tally.overall_n, None):
            scope.reason = _(
                "Not published: beside the institutions shown separately, it would reveal "
                "figures of fewer than %(n)d units.",
                n=rules.min_units,
            )
        else:
            scope.reason = _(
                "Not enough units to publish: figures need at least %(n)d units with a "
                "validated audit in this cycle.",
                n=rules.min_units,
            )
    else:
        scope.overall = _score(tally.overall_sum / tally.overall_n, fw)
        scope.meeting_share = disclosure.share(tally.meeting, tally.overall_n)
        for code in _ordered(tally.domains, [d.code for d in fw.domains]):
            total, n = tally.domains[code]
            shown = gate(("domain", code))
            scope.domains.append(
                (_domain_label(fw, code), _score(total / n, fw) if shown and n else None)
            )
        scope.chart = _chart(
            [(label, s.value, s.band) for label, s in scope.domains if s is not None],
            _("Mean score by domain, from 0 to 100"),
            f"chart-donor-{kind}-{key}",
        )
        scope.sex_tables, scope.sex_note = _donor_sex_tables(tally, parts, fw=fw, rules=rules)
    for cycle in sorted(cycles, key=lambda c: (c.opens_on, c.id)):
        if cycle.id not in tally.trend:
            continue
        total, n = tally.trend[cycle.id]
        shown = gate(("cycle", cycle.id))
        mean = _score(total / n, _framework(cycle.framework_version_id, cache)) if shown else None
        scope.trend.append((cycle.name, mean))
    scope.trend_chart = _trend_chart(
        scope.trend,
        _("Mean overall score"),
        f"chart-donor-{kind}-{key}-trend",
    )
    return scope


def _donor_sex_tables(
    tally: ScopeTally, parts: list[ScopeTally] | None, *, fw: spec.Framework, rules: DisclosureRules
) -> tuple[list[SexTable], str]:
    """Suppressed tables of a scope that passes the floor; a note when some are left out."""
    shown: list[SexTable] = []
    left_out = False
    for code in _ordered(tally.sex, [i.code for i in fw.indicators]):
        units = tally.sex_units[code]
        publish = rules.sex_table_published(tally, parts, code)
        if not publish:
            left_out = True
            continue
        shown.append(
            _sex_table(
                fw,
                code,
                tally.sex[code],
                units=units,
                sensitive=tally.sex_sensitive[code],
                k=rules.k,
            )
        )
    note = ""
    if left_out:
        note = _(
            "Some tables are not shown here: they cover fewer than %(n)d units, or they are "
            "shown per institution so that withheld numbers cannot be worked out by subtraction.",
            n=rules.min_units,
        )
    return shown, note


@bp.get("/donor")
@login_required
def donor() -> str:
    """Aggregates of the institutions and countries the donor funds, under disclosure rules."""
    _require(Role.DONOR, Role.ADMIN)
    cycles, cycle = _cycles()
    rules = DisclosureRules()
    context: dict[str, Any] = {
        "cycles": cycles,
        "cycle": cycle,
        "k": rules.k,
        "min_units": rules.min_units,
    }
    institutions, countries = funded(current_user)
    if cycle is None or not institutions:
        return render_template("scoring/donor.html", scopes=[], **context)
    cache: dict[int, spec.Framework] = {}
    fw = _framework(cycle.framework_version_id, cache)
    sums = tallies(cycle, [i.id for i in institutions], fw)
    common = {"fw": fw, "cycles": cycles, "cache": cache, "rules": rules}
    scopes = []
    for country in countries:
        members = [i for i in institutions if i.country_id == country.id]
        total = ScopeTally()
        for member in members:
            total.add(sums[member.id])
        scopes.append(
            _donor_scope(
                "country",
                str(country.id),
                country.name,
                _("Country: every funded institution together"),
                total,
                [sums[m.id] for m in members],
                **common,
            )
        )
    for institution in institutions:
        scopes.append(
            _donor_scope(
                "institution",
                str(institution.id),
                institution.name,
                institution.country.name,
                sums[institution.id],
                None,
                **common,
            )
        )
    return render_template("scoring/donor.html", scopes=scopes, **context)
