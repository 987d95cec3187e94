"""Slimmer snapshots: the compact format reads back exactly, an audit's older snapshots keep
their scores without the trace or rows, and the migration rewrites stored snapshots."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from audit.audits import services as audits
from audit.audits.models import Audit
from audit.extensions import db
from audit.scoring import engine, slimming
from audit.scoring import services as scoring
from audit.scoring.engine import codec
from audit.scoring.models import DomainScore, RecommendationScore, ScorecardSnapshot, SexCount
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGNED, World
from tests.scoring.test_engine import score_shipped


def _card() -> engine.Scorecard:
    from tests.scoring.test_engine import shipped

    answers = {
        ind.code: engine.AnswerInput(value="yes" if ind.type == "yes_no" else None)
        for ind in shipped().indicators
    }
    return score_shipped(answers)


def test_the_compact_format_reads_back_exactly_and_is_smaller() -> None:
    card = _card()
    stored = json.loads(json.dumps(card.to_dict()))
    assert stored["format"] == 2
    assert engine.Scorecard.from_dict(stored) == card
    old = json.loads(json.dumps(codec.encode_format_1(card)))
    assert engine.Scorecard.from_dict(old) == card  # snapshots written before still read
    assert len(json.dumps(stored)) < len(json.dumps(old)) / 2


def test_a_slim_scorecard_keeps_every_score_and_basis() -> None:
    card = _card()
    slim = json.loads(json.dumps(codec.slim(card.to_dict())))
    assert not codec.traced(slim)
    assert codec.traced(card.to_dict())
    back = engine.Scorecard.from_dict(slim)
    for group in ("domains", "recommendations"):
        for code, agg in getattr(card, group).items():
            kept = getattr(back, group)[code]
            assert (kept.score, kept.band, kept.coverage, kept.basis) == (
                agg.score,
                agg.band,
                agg.coverage,
                agg.basis,
            )
            assert kept.contributions == ()
    assert back.overall.score == card.overall.score
    assert {c: r.score for c, r in back.indicators.items()} == {
        c: r.score for c, r in card.indicators.items()
    }
    assert engine.compare(card, back) == engine.compare(card, card)  # the change column
    assert codec.slim(slim) == slim


def _rows(world: World) -> dict[int, tuple[bool, int, int, int, bool]]:
    """Per snapshot of the audit: (traced, domain rows, recommendation rows, sex rows, has
    contributions)."""
    found = {}
    with world.app.app_context(), unit_of_work():
        for snapshot in db.session.scalars(
            select(ScorecardSnapshot)
            .where(ScorecardSnapshot.audit_id == world.audit)
            .order_by(ScorecardSnapshot.id)
        ):
            counts = [
                db.session.scalar(
                    select(func.count()).select_from(model).where(model.scorecard_id == snapshot.id)
                )
                for model in (DomainScore, RecommendationScore, SexCount)
            ]
            card = engine.Scorecard.from_dict(snapshot.data)
            found[snapshot.id] = (
                snapshot.traced,
                *counts,
                any(a.contributions for a in card.domains.values()),
            )
    return found


def test_older_snapshots_lose_their_trace_and_rows(filled: World) -> None:
    filled.act(audits.submit, "commander", SIGNED)
    [(submitted, first)] = _rows(filled).items()
    assert first[0] is True
    assert first[1] > 0
    assert first[2] > 0
    assert first[4]
    filled.act(audits.validate, "adviser")
    rows = _rows(filled)
    older, newest = rows[submitted], rows[max(rows)]
    assert older == (False, 0, 0, 0, False)
    assert newest[0] is True
    assert newest[1] > 0
    assert newest[2] > 0
    assert newest[4]
    with filled.app.app_context(), unit_of_work():
        snapshot = db.session.get(ScorecardSnapshot, submitted)
        assert snapshot.overall_score is not None  # the history keeps its number
        assert engine.Scorecard.from_dict(snapshot.data).overall.score == snapshot.overall_score


def test_the_pages_read_the_newest_snapshot_with_its_trace(filled: World) -> None:
    filled.act(audits.submit, "commander", SIGNED)
    filled.act(audits.validate, "adviser")
    client = filled.client("adviser")
    assert client.get(f"/scorecards/audits/{filled.audit}").status_code == 200
    page = client.get(f"/scorecards/audits/{filled.audit}/how/overall/overall")
    assert page.status_code == 200
    with filled.app.app_context(), unit_of_work():
        newest = scoring.latest(db.session.get(Audit, filled.audit))
        assert newest.traced
        assert engine.Scorecard.from_dict(newest.data).overall.contributions


def test_stored_snapshots_are_rewritten_to_the_rule(filled: World) -> None:
    """As before the migration: both snapshots in format 1 with their rows. After
    `rewrite_stored` (what the migration runs) the newest is compact and traced, the older
    slim and without rows; a second run changes nothing."""
    filled.act(audits.submit, "commander", SIGNED)
    filled.act(audits.validate, "adviser")
    with filled.app.app_context(), unit_of_work():
        snapshots = list(
            db.session.scalars(
                select(ScorecardSnapshot).where(ScorecardSnapshot.audit_id == filled.audit)
            )
        )
        newest = max(s.id for s in snapshots)
        full = engine.Scorecard.from_dict(db.session.get(ScorecardSnapshot, newest).data)
        for snapshot in snapshots:
            snapshot.data = codec.encode_format_1(full)
            snapshot.traced = True
            if snapshot.id != newest:
                snapshot.domains = [DomainScore(domain_code="XX", score=1.0, coverage=1.0)]
    with filled.app.app_context():
        with db.engine.begin() as conn:
            assert slimming.rewrite_stored(conn, batch=1) == 1
        with db.engine.begin() as conn:
            assert slimming.rewrite_stored(conn, batch=1) == 0
    rows = _rows(filled)
    assert rows[newest][0] is True
    assert rows[newest][4]
    assert [value for key, value in rows.items() if key != newest] == [(False, 0, 0, 0, False)]
    with filled.app.app_context(), unit_of_work():
        data = db.session.get(ScorecardSnapshot, newest).data
        assert data["format"] == 2
        assert engine.Scorecard.from_dict(data) == full
