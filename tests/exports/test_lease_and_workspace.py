"""The export lease decides takeover: while a worker renews it the outbox leaves the job's
message alone (however long it runs); once it runs out the sweep sends it again at once, not
after the outbox's fixed staleness. The lease is renewed by a heartbeat during steps that
report no progress (XlsxWriter zipping the workbook). The clean-up removes the work folders of
lost attempts and nothing else."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

import pytest
from sqlalchemy import update

from audit import transactions
from audit.db import utcnow
from audit.exports import lease, workspace
from audit.exports import services as exports
from audit.exports.models import Export, ExportStatus
from audit.extensions import db
from audit.outbox import services as outbox
from audit.outbox.models import OutboxMessage
from audit.transactions import unit_of_work
from tests.audits.conftest import World
from tests.exports.test_jobs import _queued, validated  # noqa: F401 - a fixture


def test_the_sweep_follows_the_hold_not_the_fixed_staleness(validated: World) -> None:  # noqa: F811
    world = validated
    export_id, message_id = _queued(world)
    with world.app.app_context(), unit_of_work():
        message = db.session.get(OutboxMessage, message_id)
        message.sent_at = utcnow() - dt.timedelta(seconds=10)  # sent, a worker has it
        db.session.commit()
        assert outbox.pending() == []
        attempt = lease.claim(export_id, message_id)
        assert attempt == 1
        db.session.expire_all()
        # Held for the lease: not sent again even when "stale" by the fixed measure.
        assert outbox.pending(stale_after=dt.timedelta(0)) == []
        # The worker died: the lease (and the hold) ran out, so it is due at once.
        db.session.get(OutboxMessage, message_id).held_until = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
        assert outbox.pending() == [message_id]
        # Sent again after the hold ran out: not sent once more until stale or held again.
        db.session.get(OutboxMessage, message_id).sent_at = utcnow()
        db.session.commit()
        assert outbox.pending() == []
        assert outbox.pending(stale_after=dt.timedelta(0)) == [message_id]


def test_the_heartbeat_renews_the_lease_while_a_step_reports_nothing(validated: World) -> None:  # noqa: F811
    world = validated
    world.app.config["EXPORT_LEASE_SECONDS"] = 1
    export_id, message_id = _queued(world)
    with world.app.app_context(), unit_of_work():
        attempt = lease.claim(export_id, message_id)
        assert attempt is not None
        started = db.session.get(Export, export_id).lease_until
        with lease.kept(export_id, attempt, message_id):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # a silent step (the zip), until renewed
                db.session.expire_all()
                renewed = db.session.get(Export, export_id).lease_until
                if renewed > started + dt.timedelta(seconds=1):
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("the lease was not renewed")
            held = db.session.get(OutboxMessage, message_id).held_until
            assert held is not None
            assert held >= renewed - dt.timedelta(seconds=1)
        db.session.expire_all()
        assert db.session.get(Export, export_id).status is ExportStatus.RUNNING
        # Another attempt's lease is not renewed by this one.
        assert not lease.renew(db.session(), export_id, attempt + 1, message_id)


def test_cleanup_removes_the_work_folders_of_lost_attempts_only(validated: World) -> None:  # noqa: F811
    world = validated
    export_id, _ = _queued(world)
    with world.app.app_context(), unit_of_work():
        export = db.session.get(Export, export_id)
        export.status, export.attempts = ExportStatus.RUNNING, 2
        export.lease_until = utcnow() + dt.timedelta(minutes=1)  # attempt 2 is alive
        db.session.commit()
        work = exports.folder() / workspace.WORK
        live = workspace.open_job(export_id, 2)
        (live / "tmp1").write_bytes(b"rows")
        lost = work / f"{export_id}-1-00ff"
        lost.mkdir()
        (lost / "tmp2").write_bytes(b"rows")
        young = work / f"{export_id + 7}-1-00ff"
        young.mkdir()  # just made: younger than the lease, left alone
        beside = exports.folder() / "notes.txt"
        beside.write_text("not ours")
        old = time.time() - 3600
        for path in (live, lost):
            os.utime(path, (old, old))
        exports.cleanup()
        kept = sorted(p.name for p in work.iterdir())
        assert kept == sorted([live.name, young.name])
        assert beside.read_text() == "not ours"
        # Once attempt 2's lease has run out too, its folder goes with the next clean-up.
        db.session.get(Export, export_id).lease_until = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
        exports.cleanup()
        assert sorted(p.name for p in work.iterdir()) == [young.name]


def test_an_attempt_that_lost_its_lease_leaves_the_job_to_the_next(
    validated: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = validated
    export_id, message_id = _queued(world)
    write = exports._write

    def overtaken(export: Export, *args: Any) -> str:
        with transactions.separately() as session:  # another worker takes the job over
            session.execute(
                update(Export).where(Export.id == export_id).values(attempts=Export.attempts + 1)
            )
        return write(export, *args)

    monkeypatch.setattr(exports, "_write", overtaken)
    with world.app.app_context(), unit_of_work():
        exports.run(message_id)
        db.session.commit()
        export = db.session.get(Export, export_id)
        assert (export.status, export.attempts, export.path) == (ExportStatus.RUNNING, 2, None)
        assert db.session.get(OutboxMessage, message_id).done_at is None
        assert list(exports.folder().glob("*.xlsx")) == []  # its file went, not served
