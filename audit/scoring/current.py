"""The current-scores read model: what the roll-ups read instead of every snapshot.

`current_scores` holds one row per audit that has a validated scorecard (an audit is one unit
in one cycle): that scorecard's contribution to the sums (`audit.scoring.sums`) and whether it
counts now (`counted`: the audit is validated; a reopened audit keeps its row, uncounted, until
it is validated again). `score_sums` holds the sums of the counted contributions per (cycle,
institution) and per (cycle, country), which the donor page, the donor workbook and the
portfolio of whole institutions read in one query.

`sync` keeps both in step, in the caller's transaction: the worker calls it with the new
validated scorecard; validating and reopening an audit call it (through the audits signals)
when the audit's state changes. It takes the audit's previous contribution out of the sums and
puts the current one in, so it may run any number of times. The sums rows are locked while
they are changed (on PostgreSQL; SQLite serializes writers), institution before country, so two
workers validating audits of the same institution add up rather than overwrite each other.
`rebuild` fills both tables from the stored snapshots (the migration and the benchmarks).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ForeignKey, Index, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from audit.audits.models import Audit, AuditState
from audit.db import Base
from audit.extensions import db
from audit.frameworks import spec
from audit.orgs.models import Institution, Unit
from audit.scoring import engine, sums
from audit.scoring.models import (
    ScorecardSnapshot,
    Trigger,
)


class Level(enum.StrEnum):
    """What a row of sums covers."""

    INSTITUTION = "institution"
    COUNTRY = "country"


class CurrentScore(Base):
    """An audit's newest validated scorecard, as it adds to the sums."""

    __tablename__ = "current_scores"
    __table_args__ = (Index("ix_current_scores_cycle_unit", "cycle_id", "counted", "unit_id"),)

    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("audit_cycles.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    institution_id: Mapped[int]
    country_id: Mapped[int]
    counted: Mapped[bool]
    overall_score: Mapped[float | None]
    contribution: Mapped[dict[str, Any]]


class ScoreSum(Base):
    """The sums of the counted contributions of one institution or country in one cycle."""

    __tablename__ = "score_sums"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("audit_cycles.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(12), primary_key=True)
    scope_id: Mapped[int] = mapped_column(primary_key=True)
    units: Mapped[int]
    sums: Mapped[dict[str, Any]]


def contribution_of(snapshot: ScorecardSnapshot, bands: Iterable[spec.Band]) -> dict[str, Any]:
    """What a validated snapshot adds to the sums (from its rows, as roll-ups read them)."""
    return sums.contribution(
        snapshot.overall_score,
        engine.band(snapshot.overall_score, list(bands)),
        [(d.domain_code, d.score) for d in snapshot.domains],
        [(r.recommendation_code, r.score, r.coverage) for r in snapshot.recommendations],
        [
            (s.indicator_code, s.row_code, s.women, s.men, s.not_recorded, s.sensitive)
            for s in snapshot.sex_counts
        ],
    )


def _insert(model: type[Base]) -> Any:
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def _apply(cycle_id: int, scopes: list[tuple[Level, int]], part: dict[str, Any], sign: int) -> None:
    """Add (or take away) a contribution to the sums of each scope, under the rows' locks."""
    for level, scope_id in scopes:
        key = {"cycle_id": cycle_id, "level": str(level), "scope_id": scope_id}
        db.session.execute(
            _insert(ScoreSum)
            .values(**key, units=0, sums=sums.empty())
            .on_conflict_do_nothing(index_elements=["cycle_id", "level", "scope_id"])
        )
        row = db.session.scalars(
            select(ScoreSum)
            .filter_by(**key)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        total = sums.combine(row.sums, part, sign)
        if total["units"] <= 0:
            db.session.delete(row)
        else:
            row.sums, row.units = total, int(total["units"])
    db.session.flush()


def sync(audit_id: int, snapshot: ScorecardSnapshot | None = None) -> None:
    """Bring the audit's row and the sums up to date, in the caller's transaction: with
    `snapshot` (a new validated scorecard) its contribution replaces the audit's; without, the
    audit's stored contribution counts or not as the audit's state now says."""
    audit = db.session.scalars(
        select(Audit)
        .where(Audit.id == audit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    row = db.session.get(CurrentScore, audit_id, populate_existing=True)
    if audit is None:
        return
    unit = db.session.get(Unit, audit.unit_id)
    institution = db.session.get(Institution, unit.institution_id) if unit else None
    if institution is None:
        return
    if row is not None and row.counted:
        _apply(row.cycle_id, _scopes(row.institution_id, row.country_id), row.contribution, -1)
    if snapshot is not None:
        bands = bands_of(db.session, snapshot.framework_version_id)
        values = {
            "scorecard_id": snapshot.id,
            "overall_score": snapshot.overall_score,
            "contribution": contribution_of(snapshot, bands),
        }
        if row is None:
            row = CurrentScore(audit_id=audit_id, counted=False, **values)
            db.session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
    if row is None:
        return
    row.cycle_id, row.unit_id = audit.cycle_id, audit.unit_id
    row.institution_id, row.country_id = institution.id, institution.country_id
    row.counted = audit.state is AuditState.VALIDATED
    if row.counted:
        _apply(row.cycle_id, _scopes(row.institution_id, row.country_id), row.contribution, 1)
    db.session.flush()


def _scopes(institution_id: int, country_id: int) -> list[tuple[Level, int]]:
    return [(Level.INSTITUTION, institution_id), (Level.COUNTRY, country_id)]


def read(
    cycle_ids: Iterable[int], level: Level, scope_ids: Iterable[int]
) -> dict[tuple[int, int], dict[str, Any]]:
    """{(cycle id, scope id): sums} of these cycles and scopes (absent: no counted unit)."""
    return {
        (cycle_id, scope_id): found
        for cycle_id, scope_id, found in db.session.execute(
            select(ScoreSum.cycle_id, ScoreSum.scope_id, ScoreSum.sums).where(
                ScoreSum.cycle_id.in_(list(cycle_ids)),
                ScoreSum.level == str(level),
                ScoreSum.scope_id.in_(list(scope_ids)),
            )
        )
    }


def read_all_cycles(level: Level, scope_ids: Iterable[int]) -> dict[tuple[int, int], Any]:
    """{(cycle id, scope id): sums} of every cycle, for the trend."""
    return {
        (cycle_id, scope_id): found
        for cycle_id, scope_id, found in db.session.execute(
            select(ScoreSum.cycle_id, ScoreSum.scope_id, ScoreSum.sums).where(
                ScoreSum.level == str(level), ScoreSum.scope_id.in_(list(scope_ids))
            )
        )
    }


def rebuild(conn: Connection | None = None, batch: int = 500) -> int:
    """Fill both tables afresh from the stored snapshots: each audit's newest validated
    snapshot, counted when the audit is validated. Gives how many audits have a row."""
    from sqlalchemy import func
    from sqlalchemy.orm import Session

    session = Session(bind=conn) if conn is not None else db.session
    session.execute(delete(ScoreSum))
    session.execute(delete(CurrentScore))
    newest = (
        select(func.max(ScorecardSnapshot.id))
        .where(ScorecardSnapshot.trigger == Trigger.VALIDATED)
        .group_by(ScorecardSnapshot.audit_id)
    )
    ids = list(session.scalars(newest.order_by(func.max(ScorecardSnapshot.id))))
    bands: dict[int, list[spec.Band]] = {}
    totals: dict[tuple[int, Level, int], dict[str, Any]] = {}
    for start in range(0, len(ids), batch):
        _rebuild_batch(session, ids[start : start + batch], bands, totals)
    for (cycle_id, level, scope_id), total in totals.items():
        session.add(
            ScoreSum(
                cycle_id=cycle_id,
                level=str(level),
                scope_id=scope_id,
                units=int(total["units"]),
                sums=total,
            )
        )
    session.flush()
    if conn is not None:
        session.close()
    return len(ids)


def bands_of(session: Any, version_id: int) -> list[spec.Band]:
    """A framework version's bands, read through `session` (the migration's own)."""
    from audit.frameworks import services as frameworks
    from audit.frameworks.models import FrameworkVersion

    version = session.get(FrameworkVersion, version_id)
    fw = frameworks.framework_of(version) if version is not None else None
    return list((fw.bands if fw else None) or spec.DEFAULT_FRAMEWORK_BANDS)


def _rebuild_batch(
    session: Any,
    ids: list[int],
    bands: dict[int, list[spec.Band]],
    totals: dict[tuple[int, Level, int], dict[str, Any]],
) -> None:
    """One batch of `rebuild`: these snapshots' rows, their sums added to `totals`."""
    from sqlalchemy.orm import selectinload

    rows = session.execute(
        select(ScorecardSnapshot, Audit.cycle_id, Audit.unit_id, Audit.state, Unit)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(Unit, Audit.unit_id == Unit.id)
        .where(ScorecardSnapshot.id.in_(ids))
        .options(
            selectinload(ScorecardSnapshot.domains),
            selectinload(ScorecardSnapshot.recommendations),
            selectinload(ScorecardSnapshot.sex_counts),
        )
    ).all()
    country_of = dict(
        session.execute(
            select(Institution.id, Institution.country_id).where(
                Institution.id.in_({unit.institution_id for *_, unit in rows})
            )
        ).all()
    )
    for snapshot, cycle_id, unit_id, state, unit in rows:
        version = snapshot.framework_version_id
        if version not in bands:
            bands[version] = bands_of(session, version)
        part = contribution_of(snapshot, bands[version])
        counted = state == AuditState.VALIDATED
        country_id = country_of[unit.institution_id]
        session.add(
            CurrentScore(
                audit_id=snapshot.audit_id,
                scorecard_id=snapshot.id,
                cycle_id=cycle_id,
                unit_id=unit_id,
                institution_id=unit.institution_id,
                country_id=country_id,
                counted=counted,
                overall_score=snapshot.overall_score,
                contribution=part,
            )
        )
        if counted:
            for level, scope_id in _scopes(unit.institution_id, country_id):
                key = (cycle_id, level, scope_id)
                totals[key] = sums.combine(totals.get(key, sums.empty()), part)
    session.flush()
    session.expunge_all()
