"""Each audit's newest scores in one row: what the full-data export reads instead of snapshots.

One row per audit: the newest scorecard's (submitted or validated) score of every question, as
`{code: score}`, and its domains, recommendations and overall result as
`[[kind, code, score, band, coverage], ...]`. A new snapshot replaces the audit's row in the
same transaction (`replace`), so the table holds one small row per audit (about 3 kB, a tenth of
the snapshot) and an export streams it in one ordered query, never parsing a snapshot.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, ForeignKey, column, delete, func, insert, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from audit.db import Base
from audit.extensions import db
from audit.scoring import engine


class Kind(enum.StrEnum):
    """What an aggregate scores, in the order the "Scores" sheet lists them."""

    DOMAIN = "domain"
    RECOMMENDATION = "recommendation"
    OVERALL = "overall"


class LatestScore(Base):
    """The scores of an audit's newest scorecard."""

    __tablename__ = "latest_scores"

    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    #: {question code: score 0-1 or None}
    questions: Mapped[dict[str, Any]]
    #: [[kind, code, score 0-100, band, coverage], ...] in the scorecard's order
    aggregates: Mapped[list[Any]]


#: (kind, code, score, band, coverage)
ScoreRow = tuple[Kind, str, float | None, str | None, float | None]


def aggregates_of(card: engine.Scorecard) -> Iterator[ScoreRow]:
    """A scorecard's domains, recommendations and overall result, pure."""
    for kind, aggregates in (
        (Kind.DOMAIN, card.domains),
        (Kind.RECOMMENDATION, card.recommendations),
        (Kind.OVERALL, {card.overall.code: card.overall}),
    ):
        for code, agg in aggregates.items():
            yield kind, code, agg.score, agg.band, agg.coverage


def values_of(card: engine.Scorecard) -> dict[str, Any]:
    """The row's columns for a scorecard (without the ids), pure."""
    return {
        "questions": {code: result.score for code, result in card.indicators.items()},
        "aggregates": [[str(kind), *rest] for kind, *rest in aggregates_of(card)],
    }


def replace(audit_id: int, scorecard_id: int, card: engine.Scorecard) -> None:
    """Make this scorecard the audit's newest scores, in the caller's transaction."""
    db.session.execute(delete(LatestScore).where(LatestScore.audit_id == audit_id))
    db.session.execute(
        insert(LatestScore),
        [{"audit_id": audit_id, "scorecard_id": scorecard_id, **values_of(card)}],
    )


def backfill(conn: Connection, batch: int = 500) -> int:
    """Fill the table from each audit's newest snapshot, `batch` audits at a time (the
    migration that creates it, and benches that bulk-load snapshots); give the audits done."""
    snapshots = table("scorecards", column("id"), column("audit_id"), column("data", JSON))
    newest = select(func.max(snapshots.c.id).label("id")).group_by(snapshots.c.audit_id).subquery()
    target = LatestScore.__table__
    done, after = 0, 0
    while True:
        rows = conn.execute(
            select(snapshots.c.id, snapshots.c.audit_id, snapshots.c.data)
            .join(newest, newest.c.id == snapshots.c.id)
            .where(snapshots.c.id > after)
            .order_by(snapshots.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        values = [
            {
                "audit_id": audit_id,
                "scorecard_id": snapshot_id,
                **values_of(engine.Scorecard.from_dict(data)),
            }
            for snapshot_id, audit_id, data in rows
        ]
        conn.execute(delete(target).where(target.c.audit_id.in_([row[1] for row in rows])))
        conn.execute(insert(target), values)
        done += len(rows)
        after = rows[-1][0]
