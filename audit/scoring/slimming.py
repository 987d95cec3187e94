"""Older snapshots keep their scores, not their trace: storage that grows with the portfolio.

Every page, export and roll-up reads an audit's newest snapshot: the scorecard and "how was
this scored" pages, the unit workbook, the roll-ups (the newest validated snapshot of a
validated audit is its newest snapshot) and the change since last cycle (the same, in an
earlier cycle). So when a new snapshot is written, the audit's older ones (the submitted one
before a validation, the validated one before a reopening) keep every score, band, coverage and
comparability basis in a trace-free form (`codec.slim`, `traced` false), and lose their domain,
recommendation and sex-count rows, which no query reads.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from audit.extensions import db
from audit.scoring.engine import Scorecard, codec
from audit.scoring.models import DomainScore, RecommendationScore, ScorecardSnapshot, SexCount


def slim_older(snapshot: ScorecardSnapshot) -> int:
    """After `snapshot` is flushed: slim the audit's older snapshots (in the caller's
    transaction); give how many were slimmed now."""
    older = select(ScorecardSnapshot.id).where(
        ScorecardSnapshot.audit_id == snapshot.audit_id, ScorecardSnapshot.id < snapshot.id
    )
    for model in (DomainScore, RecommendationScore, SexCount):
        db.session.execute(
            delete(model).where(model.scorecard_id.in_(older)),
            execution_options={"synchronize_session": False},
        )
    traced = list(
        db.session.scalars(
            select(ScorecardSnapshot).where(
                ScorecardSnapshot.id.in_(older), ScorecardSnapshot.traced.is_(True)
            )
        )
    )
    for item in traced:
        item.data = codec.slim(item.data)
        item.traced = False
    return len(traced)


def rewrite_stored(conn: Connection, batch: int = 500) -> int:
    """Bring stored snapshots to this module's rule (the migration that introduced it): each
    audit's newest snapshot in the compact format with its trace, the older ones slim and
    without rows. Reads and writes `batch` snapshots at a time; gives how many were slimmed."""
    table = ScorecardSnapshot.__table__
    newest = dict(
        conn.execute(
            select(table.c.audit_id, func.max(table.c.id)).group_by(table.c.audit_id)
        ).all()
    )
    slimmed, after = 0, 0
    while True:
        rows = conn.execute(
            select(table.c.id, table.c.audit_id, table.c.data, table.c.traced)
            .where(table.c.id > after)
            .order_by(table.c.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        for snapshot_id, audit_id, data, traced in rows:
            if newest.get(audit_id) == snapshot_id:
                values = {"data": Scorecard.from_dict(data).to_dict(), "traced": True}
            elif traced:
                values = {"data": codec.slim(data), "traced": False}
                slimmed += 1
            else:
                continue
            conn.execute(update(table).where(table.c.id == snapshot_id).values(**values))
        after = rows[-1][0]
    older = select(table.c.id).where(
        table.c.id.not_in(select(func.max(table.c.id)).group_by(table.c.audit_id))
    )
    for model in (DomainScore, RecommendationScore, SexCount):
        conn.execute(delete(model.__table__).where(model.__table__.c.scorecard_id.in_(older)))
    return slimmed
