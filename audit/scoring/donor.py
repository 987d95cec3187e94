"""Donor roll-ups: sums per funded institution in a few grouped queries, and the disclosure gate.

Shared by the donor page (portfolio_views.donor) and the donor summary workbook (audit.exports),
so both publish exactly the same figures. A country is the sum of its funded institutions.
Every figure reads the newest validated snapshot of each validated audit, as the read model
`audit.scoring.current` keeps its sums; means are means of unit scores, counts are summed and
shares recomputed from the sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select

from audit.access.scope import funded_scope
from audit.accounts.models import Role, User
from audit.audits.models import Audit, AuditCycle
from audit.extensions import db
from audit.frameworks import spec
from audit.i18n import pick
from audit.orgs.models import Country, Institution
from audit.orgs.queries import funded_institutions
from audit.scoring import current, disclosure, engine, sums
from audit.scoring import services as scoring
from audit.scoring.models import ScorecardSnapshot

#: Bands that count as "meets or exceeds" in the donor headline.
MEETING = ("meets", "exceeds")

#: A figure: ("overall", None), ("domain", code), ("recommendation", code), ("cycle", id).
FigureKey = tuple[str, Any]


def validated(unit_ids: Any, cycle_id: int | None = None) -> list[ColumnElement[bool]]:
    """Newest validated snapshot of each audit, of the given units (and cycle)."""
    conditions = [
        ScorecardSnapshot.id.in_(scoring.latest_validated_ids()),
        Audit.unit_id.in_(unit_ids),
    ]
    if cycle_id is not None:
        conditions.append(Audit.cycle_id == cycle_id)
    return conditions


@dataclass
class ScopeTally:
    """Sums over one scope (an institution, or a country as the sum of its institutions)."""

    overall_sum: float = 0.0
    overall_n: int = 0
    meeting: int = 0
    domains: dict[str, list[float]] = field(default_factory=dict)  # code -> [sum, n]
    recommendations: dict[str, list[float]] = field(default_factory=dict)  # code -> [sum, n]
    coverage: dict[str, list[float]] = field(default_factory=dict)  # rec. code -> [sum, n]
    sex: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # code -> row -> counts
    sex_units: dict[str, int] = field(default_factory=dict)
    sex_sensitive: dict[str, bool] = field(default_factory=dict)
    trend: dict[int, list[float]] = field(default_factory=dict)  # cycle id -> [sum, n]

    def _sum(self, figure: FigureKey) -> tuple[float, int]:
        """The sum of unit scores of a figure and how many units it covers."""
        kind, key = figure
        if kind == "overall":
            return self.overall_sum, self.overall_n
        sums = {"domain": self.domains, "recommendation": self.recommendations}.get(
            kind, self.trend
        )
        total, n = sums.get(key, (0.0, 0))
        return total, int(n)

    def units(self, figure: FigureKey) -> int:
        """How many units a figure covers."""
        return self._sum(figure)[1]

    def mean(self, figure: FigureKey) -> float | None:
        """The mean of unit scores of a figure (None when no unit has a score)."""
        total, n = self._sum(figure)
        return total / n if n else None

    def add(self, other: ScopeTally) -> None:
        """Add another scope's sums to this one."""
        self.overall_sum += other.overall_sum
        self.overall_n += other.overall_n
        self.meeting += other.meeting
        for mine_sums, theirs in (
            (self.domains, other.domains),
            (self.recommendations, other.recommendations),
            (self.coverage, other.coverage),
            (self.trend, other.trend),
        ):
            for key, (total, n) in theirs.items():
                mine = mine_sums.setdefault(key, [0.0, 0])
                mine[0], mine[1] = mine[0] + total, mine[1] + n
        for code, rows in other.sex.items():
            table = self.sex.setdefault(code, {})
            for row, cells in rows.items():
                mine_cells = table.setdefault(row, [0, 0, 0])
                table[row] = [a + b for a, b in zip(mine_cells, cells, strict=True)]
            self.sex_units[code] = self.sex_units.get(code, 0) + other.sex_units[code]
            self.sex_sensitive[code] = (
                self.sex_sensitive.get(code, False) or other.sex_sensitive[code]
            )


def tallies(
    cycle: AuditCycle, institution_ids: Sequence[int], fw: spec.Framework
) -> dict[int, ScopeTally]:
    """Per institution: sums for the cycle and the trend, read from the current-scores read
    model (`audit.scoring.current`) in one query."""
    found = {i: ScopeTally() for i in institution_ids}
    stored = current.read_all_cycles(current.Level.INSTITUTION, institution_ids)
    for (cycle_id, institution_id), kept in stored.items():
        tally = found[institution_id]
        tally.trend[cycle_id] = [float(kept["overall"][0]), int(kept["overall"][1])]
        if cycle_id == cycle.id:
            tally_from(tally, kept)
    return found


def tally_from(tally: ScopeTally, kept: dict[str, Any]) -> ScopeTally:
    """Fill a scope's figures for one cycle from its stored sums (`audit.scoring.sums`)."""
    tally.overall_sum, tally.overall_n = float(kept["overall"][0]), int(kept["overall"][1])
    tally.meeting = sum(int(kept["bands"].get(level, 0)) for level in MEETING)
    for mine, key in (
        (tally.domains, "domains"),
        (tally.recommendations, "recommendations"),
        (tally.coverage, "coverage"),
    ):
        for code, (total, n) in kept[key].items():
            mine[code] = [float(total), int(n)]
    for code, rows in kept["sex"].items():
        tally.sex[code] = {row: [int(c) for c in cells[:3]] for row, cells in rows.items()}
        tally.sex_units[code] = sums.sex_units(kept, code)
        tally.sex_sensitive[code] = bool(kept["sensitive"].get(code))
    return tally


class DisclosureRules:
    """The disclosure settings of this app (DISCLOSURE_K, DISCLOSURE_MIN_UNITS) and the gates
    that apply them to the figures of one scope."""

    def __init__(self) -> None:
        self.k = int(current_app.config["DISCLOSURE_K"])
        self.min_units = int(current_app.config["DISCLOSURE_MIN_UNITS"])

    def withheld_text(self, units: int) -> str:
        """Why a figure over `units` units is withheld, with the real threshold (the donor
        workbook says the same, in the same words)."""
        if units < self.min_units:
            return _("withheld: fewer than %(n)d units", n=self.min_units)
        return _("withheld: would reveal figures of fewer than %(n)d units", n=self.min_units)

    def allowed(self, n: int, parts: list[int] | None) -> bool:
        """An institution's figure (no parts) or a country's beside its published parts."""
        if parts is None:
            return disclosure.aggregate_allowed(n, min_units=self.min_units)
        return disclosure.parent_allowed(n, parts, min_units=self.min_units)

    def gate(
        self, tally: ScopeTally, parts: Sequence[ScopeTally] | None, figure: FigureKey
    ) -> bool:
        """Whether a figure of this scope may be published; `parts` are a country's
        institutions (whose own published figures must not give away a smaller remainder)."""
        n = tally.units(figure)
        if parts is None:
            return self.allowed(n, None)
        published = [p.units(figure) for p in parts if self.allowed(p.units(figure), None)]
        return self.allowed(n, published)

    def sex_table_published(
        self, tally: ScopeTally, parts: Sequence[ScopeTally] | None, code: str
    ) -> bool:
        """Whether a scope's sex-disaggregated table may be shown. Two overlapping tables, each
        suppressed on its own, could be subtracted: a country's table is only shown when no
        institution's is (or it is the same table)."""
        units = tally.sex_units[code]
        if parts is None:
            return self.allowed(units, None)
        contributing = [p for p in parts if code in p.sex]
        separately = [p for p in contributing if self.allowed(p.sex_units[code], None)]
        return self.allowed(units, None) and (not separately or len(contributing) == 1)


@dataclass(frozen=True)
class BenchmarkLine:
    """One recommendation of a scope's benchmark: its published mean (None when withheld or
    when no unit has a score), over `units` units."""

    code: str
    title: str
    mean: float | None
    band: str | None
    coverage: float | None
    units: int
    by_part: tuple[float | None, ...] = ()

    @property
    def withheld(self) -> bool:
        return self.mean is None and self.units > 0


def benchmark(
    tally: ScopeTally,
    parts: Sequence[ScopeTally] | None,
    rules: DisclosureRules,
    fw: spec.Framework,
) -> list[BenchmarkLine]:
    """Every recommendation of the framework (R01-R30) for one scope, under the disclosure
    rules: the donor page and the donor workbook both show these lines."""
    bands = fw.bands or spec.DEFAULT_FRAMEWORK_BANDS
    lines = []
    for rec in fw.recommendations:
        figure: FigureKey = ("recommendation", rec.code)
        units = tally.units(figure)
        mean = tally.mean(figure) if units and rules.gate(tally, parts, figure) else None
        covered_sum, covered_n = tally.coverage.get(rec.code, (0.0, 0))
        by_part = tuple(
            p.mean(figure) if rules.allowed(p.units(figure), None) else None for p in parts or ()
        )
        lines.append(
            BenchmarkLine(
                rec.code,
                pick(rec.title),
                mean,
                engine.band(mean, bands),
                covered_sum / covered_n if mean is not None and covered_n else None,
                units,
                by_part,
            )
        )
    return lines


def funded(user: User) -> tuple[list[Institution], list[Country]]:
    """The institutions a donor funds (all of them for an administrator) and the countries
    whose totals they see."""
    institutions = list(db.session.scalars(funded_institutions(user)))
    if user.has_role(Role.ADMIN):
        country_ids = {i.country_id for i in institutions}
    else:
        country_ids = funded_scope(user)[1]
    countries = list(
        db.session.scalars(
            select(Country).where(Country.id.in_(country_ids)).order_by(Country.name)
        )
    )
    return institutions, countries
