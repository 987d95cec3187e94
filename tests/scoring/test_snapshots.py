"""Scorecard snapshots through the outbox: written with the state change, built once, swept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from audit.audits import services
from audit.audits.models import Audit
from audit.extensions import db
from audit.outbox import services as outbox
from audit.outbox.models import OutboxMessage
from audit.scoring import engine
from audit.scoring import services as scoring
from audit.scoring.models import DomainScore, ScorecardSnapshot, SexCount, Trigger
from audit.transactions import unit_of_work

STATEMENT = services.SignOff("I confirm these answers.", "A. Commander", "Commander", True)


def _count(app, model) -> int:
    with app.app_context(), unit_of_work():
        return int(db.session.scalar(select(func.count()).select_from(model)))


def _snapshots(world) -> list[tuple[str, float | None]]:
    with world.app.app_context(), unit_of_work():
        return [
            (s.trigger.value, s.overall_score)
            for s in db.session.scalars(
                select(ScorecardSnapshot)
                .where(ScorecardSnapshot.audit_id == world.audit)
                .order_by(ScorecardSnapshot.id)
            )
        ]


def test_submit_and_validate_each_leave_a_snapshot(filled):
    world = filled
    world.act(services.submit, "commander", STATEMENT)
    assert [t for t, _ in _snapshots(world)] == ["submitted"]
    world.act(services.validate, "adviser")
    snaps = _snapshots(world)
    assert [t for t, _ in snaps] == ["submitted", "validated"]
    assert snaps[0][1] is not None
    with world.app.app_context(), unit_of_work():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.done_at.is_(None))
            )
            == 0
        )
        # The newest snapshot keeps the rows (the older one is slimmed: test_slimming.py).
        snapshot = db.session.scalars(
            select(ScorecardSnapshot).order_by(ScorecardSnapshot.id.desc())
        ).first()
        card = engine.Scorecard.from_dict(snapshot.data)
        # The stored snapshot is exactly what the engine computes from the answers.
        assert card.overall.score == snapshot.overall_score
        assert {d.domain_code for d in snapshot.domains} == set(card.domains)
        counts = {
            (c.indicator_code, c.row_code): (c.women, c.men, c.not_recorded)
            for c in snapshot.sex_counts
        }
        assert counts[("AA4", "officers")] == (3, 7, 0)
        assert counts[("AA4", "others")] == (10, 30, 1)


def test_the_same_message_twice_gives_one_scorecard(filled):
    world = filled
    world.act(services.submit, "commander", STATEMENT)
    with world.app.app_context(), unit_of_work():
        message_id = db.session.scalar(select(OutboxMessage.id))
        first = scoring.build_scorecard(message_id)
        second = scoring.build_scorecard(message_id)
        assert first is not None
        assert second is not None
        assert first.id == second.id
    assert _count(world.app, ScorecardSnapshot) == 1


def test_broker_down_keeps_the_work_and_the_sweep_sends_it(filled, monkeypatch):
    world = filled
    celery = world.app.extensions["celery"]
    task = celery.tasks["audit.scoring.build_scorecard"]

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is unreachable")

    monkeypatch.setattr(task, "apply_async", broker_down)
    world.act(services.submit, "commander", STATEMENT)
    assert world.state().value == "submitted"  # the person's submission went through
    assert _count(world.app, ScorecardSnapshot) == 0
    with world.app.app_context(), unit_of_work():
        message = db.session.scalars(select(OutboxMessage)).one()
        assert message.done_at is None
        assert message.sent_at is None
        assert "unreachable" in message.last_error
        assert scoring.is_computing(db.session.get(Audit, world.audit))
    monkeypatch.undo()  # the broker is back
    with world.app.app_context(), unit_of_work():
        assert outbox.sweep() == 1
        assert outbox.pending() == []
    assert [t for t, _ in _snapshots(world)] == ["submitted"]


def test_sweep_leaves_recent_sent_work_alone(filled, monkeypatch):
    world = filled
    sent = []
    monkeypatch.setattr(
        world.app.extensions["celery"].tasks["audit.scoring.build_scorecard"],
        "apply_async",
        lambda *a, **k: sent.append(a),
    )
    with world.app.app_context(), unit_of_work():
        msg = outbox.add("audit.scoring.build_scorecard", audit_id=world.audit, trigger="submitted")
        assert sent == []  # nothing is sent before the commit
        db.session.commit()  # ... and the commit sends it
        assert len(sent) == 1
        assert outbox.pending() == []  # sent a moment ago: a worker has it
        import datetime as dt

        assert outbox.pending(stale_after=dt.timedelta(0)) == [msg.id]
    assert len(sent) == 1


def test_domain_rollup_means_units_equally_in_sql(filled):
    world = filled
    world.act(services.submit, "commander", STATEMENT)
    world.act(services.validate, "adviser")
    with world.app.app_context(), unit_of_work():
        units = [world.org.station_a, world.org.station_b]
        rollup = scoring.domain_rollup(world.cycle_id, units)
        snapshot = db.session.scalars(
            select(ScorecardSnapshot).where(ScorecardSnapshot.trigger == Trigger.VALIDATED)
        ).one()
        by_code = {d.domain_code: d.score for d in snapshot.domains}
        assert {r.domain_code: r.mean_score for r in rollup} == pytest.approx(by_code)
        assert all(r.units == 1 for r in rollup if r.mean_score is not None)
        mean, count = scoring.overall_rollup(world.cycle_id, units)
        assert count == 1
        assert mean == pytest.approx(snapshot.overall_score)
        totals = {
            (code, row): (w, m, n)
            for code, row, w, m, n, _, _ in scoring.sex_totals(world.cycle_id, units)
        }
        assert totals[("AA4", "others")] == (10, 30, 1)
        assert _count(world.app, DomainScore) >= 1
        assert _count(world.app, SexCount) == 2  # two rows, on the newest snapshot only
