"""The portfolio's units × domains heat map, a page at a time, filtered and sorted in SQL.

At national scale an adviser reviews thousands of units: the page shows `PER_PAGE` of them,
with the units by band counted by the database over the whole scope. The filters narrow the
units (an institution; a band of the overall score, or of one domain's when a domain is
chosen); the sort orders them by institution and unit, or by the chosen score, weakest or
strongest first. A band is computed in SQL by `band_case`, the same rule as
`engine.band` (the last band whose minimum the score reaches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, null, select
from sqlalchemy.sql.elements import ColumnElement

from audit import paging
from audit.extensions import db
from audit.frameworks import spec
from audit.orgs.models import Institution, Unit
from audit.orgs.names import localized_name_sql
from audit.scoring.current import CurrentScore
from audit.scoring.models import DomainScore
from audit.scoring.portfolio_parts import Score

#: Units a page of the heat map.
PER_PAGE = 50
#: The band filter's value for units without a score.
NO_SCORE = "none"
SORTS = ("unit", "weakest", "strongest")
#: The same allowance below a band's minimum as the scoring engine's.
_TOLERANCE = 1e-9


@dataclass
class UnitLine:
    """One unit in the heat map (adviser view only)."""

    audit_id: int
    name: str
    institution: str
    overall: Score
    domains: dict[str, Score] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    """Which units the heat map shows and in what order; None: any."""

    institution_id: int | None = None
    band: str | None = None
    domain: str | None = None
    sort: str = "unit"


def _bands(fw: spec.Framework) -> list[spec.Band]:
    return sorted(fw.bands or spec.DEFAULT_FRAMEWORK_BANDS, key=lambda b: b.min)


def band_case(score: Any, fw: spec.Framework) -> ColumnElement[Any]:
    """The band level of a score column, in SQL (NULL when there is no score)."""
    bands = _bands(fw)
    whens: list[tuple[Any, Any]] = [(score.is_(None), null())]
    whens += [(score >= b.min - _TOLERANCE, literal(b.level)) for b in reversed(bands[1:])]
    return case(*whens, else_=literal(bands[0].level) if bands else null())


def _score_column(filters: Filters) -> Any:
    return DomainScore.score if filters.domain else CurrentScore.overall_score


def _units(cycle_id: int, scope: Select[Any], filters: Filters) -> Select[Any]:
    """The validated audits of the cycle in the scope, from the read model (one row each)."""
    stmt = (
        select(
            CurrentScore.audit_id,
            CurrentScore.scorecard_id,
            localized_name_sql(Unit),
            localized_name_sql(Institution),
            CurrentScore.overall_score,
        )
        .join(Unit, CurrentScore.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .where(
            CurrentScore.cycle_id == cycle_id,
            CurrentScore.counted.is_(True),
            CurrentScore.unit_id.in_(scope),
        )
    )
    if filters.domain:
        stmt = stmt.outerjoin(
            DomainScore,
            and_(
                DomainScore.scorecard_id == CurrentScore.scorecard_id,
                DomainScore.domain_code == filters.domain,
            ),
        )
    if filters.institution_id is not None:
        stmt = stmt.where(Unit.institution_id == filters.institution_id)
    return stmt


def lines(
    cycle_id: int,
    scope: Select[Any],
    fw: spec.Framework,
    filters: Filters,
    page: int,
    units: int | None = None,
) -> paging.Page[UnitLine]:
    """One page of the units with a validated audit in the cycle, each with its domain scores
    (a count, the page, and the page's domain scores: three queries). `units`: how many units
    the scope has in the cycle, when the roll-up has counted them already (used only when no
    filter narrows the list)."""
    score = _score_column(filters)
    stmt = _units(cycle_id, scope, filters)
    if filters.band == NO_SCORE:
        stmt = stmt.where(score.is_(None))
    elif filters.band:
        stmt = stmt.where(band_case(score, fw) == filters.band)
    name = localized_name_sql(Unit)
    orders: dict[str, tuple[Any, ...]] = {
        "unit": (Institution.name, Unit.path, CurrentScore.audit_id),
        "weakest": (score.asc().nulls_last(), name, CurrentScore.audit_id),
        "strongest": (score.desc().nulls_last(), name, CurrentScore.audit_id),
    }
    stmt = stmt.add_columns(band_case(CurrentScore.overall_score, fw))
    narrowed = filters.band is not None or filters.institution_id is not None
    found = paging.paginate(
        stmt.order_by(*orders.get(filters.sort, orders["unit"])),
        page,
        PER_PAGE,
        scalars=False,
        total=None if narrowed else units,
    )
    by_snapshot = {
        snapshot_id: UnitLine(audit_id, unit, institution, Score(overall, band))
        for audit_id, snapshot_id, unit, institution, overall, band in found.items
    }
    if by_snapshot:
        # The bands come from SQL too: `band_case` is the engine's rule, without a Fraction
        # per cell.
        for snapshot_id, code, value, band in db.session.execute(
            select(
                DomainScore.scorecard_id,
                DomainScore.domain_code,
                DomainScore.score,
                band_case(DomainScore.score, fw),
            ).where(DomainScore.scorecard_id.in_(list(by_snapshot)))
        ):
            by_snapshot[snapshot_id].domains[code] = Score(value, band)
    return paging.Page(list(by_snapshot.values()), found.page, found.per_page, found.total)


def band_counts(
    cycle_id: int, scope: Select[Any], fw: spec.Framework, filters: Filters | None = None
) -> dict[str | None, int]:
    """Units by band of their overall score over the whole scope (or of the chosen domain's
    score, within the chosen institution), counted by the database."""
    filters = filters or Filters()
    band = band_case(_score_column(filters), fw).label("band")
    # Grouped outside a subquery: PostgreSQL would not match the CASE's bound parameters in
    # the GROUP BY with those in the SELECT.
    banded_units = _units(cycle_id, scope, filters).with_only_columns(band).subquery()
    counted = select(banded_units.c.band, func.count()).group_by(banded_units.c.band)
    return {level: int(n) for level, n in db.session.execute(counted)}
