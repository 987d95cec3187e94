"""The donors' page: aggregates of the institutions and countries a donor funds.

``/portfolio/donor`` (donors and administrators; routed by audit.scoring.portfolio_views): per
funded institution and per funded country, aggregates only, under the disclosure rules of
audit.scoring.disclosure: a figure needs at least ``DISCLOSURE_MIN_UNITS`` units (default 3); a
country's figure beside its institutions' must not give away a smaller remainder;
sex-disaggregated tables go through small-cell suppression with ``DISCLOSURE_K`` (default 5),
and a country's tables are only shown when none of its institutions' tables is (two
overlapping tables suppressed separately could be subtracted). No unit name, no per-unit
number, no narrative reaches the page.

Like the portfolio it reads the newest validated snapshot of each audit, so each unit counts
once per cycle; the sums come from audit.scoring.donor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from audit.accounts.models import Role
from audit.audits.models import AuditCycle
from audit.frameworks import spec
from audit.scoring import disclosure
from audit.scoring.donor import (
    BenchmarkLine,
    DisclosureRules,
    ScopeTally,
    benchmark,
    funded,
    tallies,
)
from audit.scoring.portfolio_parts import (
    Score,
    SexTable,
    banded,
    cached_framework,
    chart,
    chosen_cycles,
    domain_label,
    funded_unit_ids,
    ordered,
    require,
    sex_table,
    trend_chart,
)


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
    #: (name, published score or None, why it is withheld)
    domains: list[tuple[str, Score | None, str]] = field(default_factory=list)
    benchmark: list[BenchmarkLine] = field(default_factory=list)
    chart: dict[str, Any] | None = None
    sex_tables: list[SexTable] = field(default_factory=list)
    sex_note: str = ""
    trend: list[tuple[str, Score | None]] = field(default_factory=list)
    trend_chart: dict[str, Any] | None = None
    #: Why each withheld cycle's mean is withheld, by cycle name.
    trend_withheld: dict[str, str] = field(default_factory=dict)


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
        scope.reason = _withheld_reason(tally, rules)
    else:
        scope.overall = banded(tally.overall_sum / tally.overall_n, fw)
        scope.meeting_share = disclosure.share(tally.meeting, tally.overall_n)
        for code in ordered(tally.domains, [d.code for d in fw.domains]):
            total, n = tally.domains[code]
            shown = gate(("domain", code))
            scope.domains.append(
                (
                    domain_label(fw, code),
                    banded(total / n, fw) if shown and n else None,
                    rules.withheld_text(int(n)),
                )
            )
        scope.benchmark = benchmark(tally, parts, rules, fw)
        scope.chart = chart(
            [(label, s.value, s.band) for label, s, _why in scope.domains if s is not None],
            _("Mean score by domain, from 0 to 100"),
            f"chart-donor-{kind}-{key}",
        )
        scope.sex_tables, scope.sex_note = _donor_sex_tables(tally, parts, fw=fw, rules=rules)
    scope.trend = _donor_trend(tally, parts, cycles=cycles, cache=cache, rules=rules)
    units = {c.name: int(tally.trend[c.id][1]) for c in cycles if c.id in tally.trend}
    scope.trend_withheld = {
        name: rules.withheld_text(units[name]) for name, score in scope.trend if score is None
    }
    scope.trend_chart = trend_chart(
        scope.trend,
        _("Mean overall score"),
        f"chart-donor-{kind}-{key}-trend",
    )
    return scope


def _withheld_reason(tally: ScopeTally, rules: DisclosureRules) -> str:
    """Why a scope's figures are not published: too few units, or a giveaway remainder."""
    if rules.allowed(tally.overall_n, None):
        return _(
            "Not published: beside the institutions shown separately, it would reveal "
            "figures of fewer than %(n)d units.",
            n=rules.min_units,
        )
    return _(
        "Not enough units to publish: figures need at least %(n)d units with a "
        "validated audit in this cycle.",
        n=rules.min_units,
    )


def _donor_trend(
    tally: ScopeTally,
    parts: list[ScopeTally] | None,
    *,
    cycles: list[AuditCycle],
    cache: dict[int, spec.Framework],
    rules: DisclosureRules,
) -> list[tuple[str, Score | None]]:
    """The scope's mean per cycle, oldest first; None for a cycle whose mean is withheld."""
    trend: list[tuple[str, Score | None]] = []
    for cycle in sorted(cycles, key=lambda c: (c.opens_on, c.id)):
        if cycle.id not in tally.trend:
            continue
        total, n = tally.trend[cycle.id]
        if rules.gate(tally, parts, ("cycle", cycle.id)):
            trend.append(
                (cycle.name, banded(total / n, cached_framework(cycle.framework_version_id, cache)))
            )
        else:
            trend.append((cycle.name, None))
    return trend


def _donor_sex_tables(
    tally: ScopeTally, parts: list[ScopeTally] | None, *, fw: spec.Framework, rules: DisclosureRules
) -> tuple[list[SexTable], str]:
    """Suppressed tables of a scope that passes the floor; a note when some are left out."""
    shown: list[SexTable] = []
    left_out = False
    for code in ordered(tally.sex, [i.code for i in fw.indicators]):
        units = tally.sex_units[code]
        publish = rules.sex_table_published(tally, parts, code)
        if not publish:
            left_out = True
            continue
        shown.append(
            sex_table(
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


@login_required
def donor() -> str:
    """Aggregates of the institutions and countries the donor funds, under disclosure rules."""
    require(Role.DONOR, Role.ADMIN)
    cycles, cycle = chosen_cycles(funded_unit_ids(current_user))
    rules = DisclosureRules()
    context: dict[str, Any] = {
        "cycles": cycles,
        "cycle": cycle,
        "k": rules.k,
        "min_units": rules.min_units,
        "withheld_text": rules.withheld_text,
    }
    institutions, countries = funded(current_user)
    if cycle is None or not institutions:
        return render_template("scoring/donor.html", scopes=[], **context)
    cache: dict[int, spec.Framework] = {}
    fw = cached_framework(cycle.framework_version_id, cache)
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
