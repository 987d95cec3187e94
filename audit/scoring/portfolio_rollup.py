"""The portfolio's roll-ups over the units a person may see, read the cheapest way there is.

When the scope is whole institutions (an administrator: every country; an adviser assigned
institutions), the figures are sums the read model keeps (`audit.scoring.current`): one query
of a few small rows, whatever the number of audits. A scope of single units or subtrees (a
regional adviser) is summed by grouped queries over the scope's current scores instead. Both
give the same figures: the mean overall score and how many units have one, each domain's mean,
the summed sex-disaggregated tables, the units by band and the overall mean of every cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from audit.access.scope import whole_institutions
from audit.audits.models import Audit, AuditCycle
from audit.extensions import db
from audit.frameworks import spec
from audit.orgs.models import Country
from audit.scoring import current, heatmap, sums
from audit.scoring import services as scoring
from audit.scoring.donor import validated
from audit.scoring.models import ScorecardSnapshot

#: (code, row, women, men, not recorded, units, sensitive), as `scoring.sex_totals` gives.
SexRow = tuple[str, str, int, int, int, int, bool]


@dataclass(frozen=True)
class TrendPoint:
    """One cycle's overall mean over the scope."""

    cycle_id: int
    name: str
    framework_version_id: int
    mean: float | None
    units: int


@dataclass(frozen=True)
class Rollup:
    """The portfolio's figures for one cycle over a scope."""

    mean: float | None
    scored: int
    domains: list[scoring.DomainRollup]
    sex: list[SexRow]
    bands: dict[str | None, int]
    trend: list[TrendPoint]

    @property
    def units(self) -> int:
        return sum(self.bands.values())


def rollup(user: Any, scope: Select[Any], cycle: AuditCycle, fw: spec.Framework) -> Rollup:
    """The figures of `cycle` over the units of `scope` (the user's visible units)."""
    whole = whole_institutions(user)
    if whole is None:
        return _from_queries(scope, cycle, fw)
    if whole.every:
        level = current.Level.COUNTRY
        ids: list[int] = list(db.session.scalars(select(Country.id)))
    else:
        level, ids = current.Level.INSTITUTION, sorted(whole.ids)
    return _from_sums(current.read_all_cycles(level, ids), cycle)


def _from_sums(stored: dict[tuple[int, int], dict[str, Any]], cycle: AuditCycle) -> Rollup:
    by_cycle: dict[int, dict[str, Any]] = {}
    for (cycle_id, _scope_id), kept in stored.items():
        by_cycle[cycle_id] = sums.combine(by_cycle.get(cycle_id, sums.empty()), kept)
    total = by_cycle.get(cycle.id, sums.empty())
    overall_sum, scored = total["overall"]
    domains = [
        scoring.DomainRollup(code, (s / n) if n else None, int(n))
        for code, (s, n) in sorted(total["domains"].items())
    ]
    sex = [
        (code, row, int(c[0]), int(c[1]), int(c[2]), int(c[3]), bool(total["sensitive"].get(code)))
        for code, rows in sorted(total["sex"].items())
        for row, c in rows.items()
    ]
    bands: dict[str | None, int] = {level: int(n) for level, n in total["bands"].items()}
    unbanded = int(total["units"]) - sum(bands.values())
    if unbanded:
        bands[None] = unbanded
    cycles = db.session.execute(
        select(AuditCycle.id, AuditCycle.name, AuditCycle.framework_version_id)
        .where(AuditCycle.id.in_(list(by_cycle)))
        .order_by(AuditCycle.opens_on, AuditCycle.id)
    ).all()
    trend = []
    for cycle_id, name, version in cycles:
        s, n = by_cycle[cycle_id]["overall"]
        trend.append(TrendPoint(cycle_id, name, version, (s / n) if n else None, int(n)))
    return Rollup(
        mean=(overall_sum / scored) if scored else None,
        scored=int(scored),
        domains=domains,
        sex=sex,
        bands=bands,
        trend=trend,
    )


def _from_queries(scope: Select[Any], cycle: AuditCycle, fw: spec.Framework) -> Rollup:
    mean, scored = scoring.overall_rollup(cycle.id, scope)
    sex = [
        (code, row, int(w), int(m), int(n), int(count), bool(sensitive))
        for code, row, w, m, n, count, sensitive in scoring.sex_totals(cycle.id, scope)
    ]
    rows = db.session.execute(
        select(
            AuditCycle.id,
            AuditCycle.name,
            AuditCycle.framework_version_id,
            func.avg(ScorecardSnapshot.overall_score),
            func.count(ScorecardSnapshot.overall_score),
        )
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(AuditCycle, Audit.cycle_id == AuditCycle.id)
        .where(*validated(scope))
        .group_by(
            AuditCycle.id, AuditCycle.name, AuditCycle.framework_version_id, AuditCycle.opens_on
        )
        .order_by(AuditCycle.opens_on, AuditCycle.id)
    ).all()
    trend = [
        TrendPoint(i, name, version, float(m) if m is not None else None, int(n))
        for i, name, version, m, n in rows
    ]
    return Rollup(
        mean=mean,
        scored=scored,
        domains=scoring.domain_rollup(cycle.id, scope),
        sex=sex,
        bands=heatmap.band_counts(cycle.id, scope, fw),
        trend=trend,
    )
