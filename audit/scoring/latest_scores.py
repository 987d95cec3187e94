"""Each audit's newest scores as rows: what the full-data export reads instead of snapshot JSON.

One row per (audit, kind, code) — every question, domain and recommendation and the overall
result of the audit's newest scorecard (submitted or validated). A new snapshot replaces the
audit's rows in the same transaction (`replace`), so the table never grows with snapshots: it
holds one scorecard per audit, and an export streams it in one ordered query.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

from sqlalchemy import JSON, ForeignKey, String, column, delete, func, insert, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from audit.db import Base, enum_column
from audit.extensions import db
from audit.scoring import engine


class Kind(enum.StrEnum):
    """What a row scores, in the order the "Scores" sheet lists them."""

    QUESTION = "question"
    DOMAIN = "domain"
    RECOMMENDATION = "recommendation"
    OVERALL = "overall"


class LatestScore(Base):
    """One score of an audit's newest scorecard."""

    __tablename__ = "latest_scores"

    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "latest_score_kind"), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    score: Mapped[float | None]
    band: Mapped[str | None] = mapped_column(String(20))
    coverage: Mapped[float | None]


#: (kind, code, score, band, coverage)
ScoreRow = tuple[Kind, str, float | None, str | None, float | None]


def rows_of(card: engine.Scorecard) -> Iterator[ScoreRow]:
    """A scorecard's scores as (kind, code, score, band, coverage), pure."""
    for code, result in card.indicators.items():
        yield Kind.QUESTION, code, result.score, None, None
    for kind, aggregates in (
        (Kind.DOMAIN, card.domains),
        (Kind.RECOMMENDATION, card.recommendations),
        (Kind.OVERALL, {card.overall.code: card.overall}),
    ):
        for code, agg in aggregates.items():
            yield kind, code, agg.score, agg.band, agg.coverage


def replace(audit_id: int, scorecard_id: int, card: engine.Scorecard) -> None:
    """Make this scorecard the audit's newest scores, in the caller's transaction."""
    db.session.execute(delete(LatestScore).where(LatestScore.audit_id == audit_id))
    rows = [
        {
            "audit_id": audit_id,
            "kind": kind,
            "code": code,
            "scorecard_id": scorecard_id,
            "score": score,
            "band": band,
            "coverage": coverage,
        }
        for kind, code, score, band, coverage in rows_of(card)
    ]
    if rows:
        db.session.execute(insert(LatestScore), rows)


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
                "kind": kind,
                "code": code,
                "scorecard_id": snapshot_id,
                "score": score,
                "band": band,
                "coverage": coverage,
            }
            for snapshot_id, audit_id, data in rows
            for kind, code, score, band, coverage in rows_of(engine.Scorecard.from_dict(data))
        ]
        conn.execute(delete(target).where(target.c.audit_id.in_([row[1] for row in rows])))
        if values:
            conn.execute(insert(target), values)
        done += len(rows)
        after = rows[-1][0]
