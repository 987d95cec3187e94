"""Export takeover with real workers, celery beat, Redis and PostgreSQL under a short lease.

- A worker killed while XlsxWriter zips the workbook leaves its work folder (the temporary
  files); once the lease has run out the beat's sweep sends the job again and another worker
  takes it over, removing the folder: one correct workbook, nothing else left or touched.
- A zip slower than the lease is never taken over: the heartbeat renews the lease (and the
  outbox hold) until the rename.

The sweep runs every second (OUTBOX_SWEEP_SECONDS=1) and nothing here calls it by hand or
shortens the outbox's fixed five minutes: takeover follows EXPORT_LEASE_SECONDS alone.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from subprocess import Popen
from typing import BinaryIO

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from audit.exports import workspace
from audit.exports.models import ExportStatus
from audit.extensions import db
from audit.scoring.models import ScorecardSnapshot
from audit.transactions import unit_of_work
from tests.services import REDIS_URL
from tests.workers.process import start_beat, start_worker, stop_worker
from tests.workers.test_export_worker import _app, _ask, _client, _export
from tests.workers.test_outbox_worker import _submit_an_audit, database  # noqa: F401 - fixture

pytestmark = pytest.mark.services

LEASE = 3


class Run:
    """The processes of one test, their logs, and the export folder they share."""

    def __init__(self, tmp_path: Path, stack: ExitStack) -> None:
        self.tmp_path, self.stack = tmp_path, stack
        self.exports = tmp_path / "instance" / "exports"
        self.processes: list[tuple[Popen[bytes], Path]] = []
        self.app: Flask | None = None

    def _log(self, name: str) -> tuple[BinaryIO, Path]:
        log = self.tmp_path / f"{name}.log"
        return self.stack.enter_context(log.open("wb")), log

    def beat(self, env: dict[str, str]) -> Popen[bytes]:
        handle, log = self._log("beat")
        process = start_beat(env, handle, self.tmp_path / "beat-schedule")
        self.processes.append((process, log))
        return process

    def worker(self, env: dict[str, str], name: str, app: str = "workers.app") -> Popen[bytes]:
        handle, log = self._log(name)
        process = start_worker(env, handle, app, name=name)
        self.processes.append((process, log))
        return process

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for _, log in self.processes)

    def wait(self, what: Callable[[], bool], seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if what():
                return
            time.sleep(0.1)
        raise AssertionError("timed out:\n" + self.logs())

    def work(self) -> list[Path]:
        root = self.exports / workspace.WORK
        return sorted(root.iterdir()) if root.is_dir() else []

    def zipping(self) -> bool:
        """A work folder holds the workbook being zipped (XlsxWriter has opened the zip)."""
        return any(list(folder.glob("*.xlsx")) for folder in self.work())


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    with ExitStack() as stack:
        started = Run(tmp_path, stack)
        try:
            yield started
        finally:
            for process, _ in started.processes:
                if process.poll() is None:
                    stop_worker(process)
            if started.app is not None:
                with started.app.app_context():
                    db.session.remove()
                    db.engine.dispose()


def _env(database: str, tmp_path: Path) -> dict[str, str]:  # noqa: F811 - not the fixture
    return {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "WPS_ENV": "development",
        "WPS_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "export-test",
        "EXPORT_LEASE_SECONDS": str(LEASE),
        "OUTBOX_SWEEP_SECONDS": "1",
        "SLOW_ZIP_SECONDS": "1",
    }


def _scored(run: Run, app: Flask, audit_id: int) -> None:
    """Wait for the worker to have written the audit's scorecard (an export needs it)."""

    def stored() -> bool:
        with app.app_context(), unit_of_work():
            found = db.session.scalar(
                select(func.count(ScorecardSnapshot.id)).where(
                    ScorecardSnapshot.audit_id == audit_id
                )
            )
            db.session.remove()
            return bool(found)

    run.wait(stored)


def _download_is_a_scorecard(client: FlaskClient, export_id: int) -> None:
    response = client.get(f"/exports/{export_id}/download")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    response.close()
    assert "Scorecard" in book.sheetnames


def test_a_worker_killed_while_zipping_is_taken_over_after_the_lease(
    database: str,  # noqa: F811
    tmp_path: Path,
    run: Run,
) -> None:
    app = run.app = _app(database, tmp_path / "instance")
    env = _env(database, tmp_path)
    run.beat(env)
    slow = run.worker(env, "slow-worker", "tests.workers.slow_zip")
    audit_id = _submit_an_audit(app)
    _scored(run, app, audit_id)
    commander = _client(app, "c@example.org")
    run.exports.mkdir(parents=True, exist_ok=True)
    beside = run.exports / "kept-by-someone.txt"
    beside.write_text("not ours")

    export_id = _ask(commander, audit_id)
    run.wait(run.zipping)
    slow.kill()
    slow.wait()
    [lost] = run.work()
    assert any(path.name.startswith("tmp") for path in lost.iterdir())  # XlsxWriter's
    assert _export(app, export_id).status is ExportStatus.RUNNING

    run.worker(env, "worker")  # zips at full speed
    run.wait(lambda: _export(app, export_id).status is ExportStatus.DONE)
    done = _export(app, export_id)
    assert done.attempts == 2
    assert not lost.exists()  # removed by the takeover
    assert run.work() == []
    top = sorted(path.name for path in run.exports.iterdir())
    assert top == sorted([done.path, workspace.WORK, beside.name])
    assert beside.read_text() == "not ours"
    _download_is_a_scorecard(commander, export_id)


def test_a_zip_slower_than_the_lease_is_never_taken_over(
    database: str,  # noqa: F811
    tmp_path: Path,
    run: Run,
) -> None:
    app = run.app = _app(database, tmp_path / "instance")
    env = _env(database, tmp_path)
    run.beat(env)
    run.worker(env, "slow-worker", "tests.workers.slow_zip")
    audit_id = _submit_an_audit(app)
    _scored(run, app, audit_id)
    commander = _client(app, "c@example.org")

    export_id = _ask(commander, audit_id)
    run.wait(run.zipping)
    zip_started = time.monotonic()
    # A second worker stands ready to take the job over, should its lease ever run out.
    run.worker(env, "worker")

    def over() -> bool:  # done, or (wrongly) taken over: no need to wait for the timeout
        export = _export(app, export_id)
        return export.status is ExportStatus.DONE or export.attempts > 1

    run.wait(over)
    # The zip outlasted the lease several times over (else this would show nothing).
    assert time.monotonic() - zip_started > 2 * LEASE
    done = _export(app, export_id)
    assert done.attempts == 1
    assert run.work() == []
    assert sorted(p.name for p in run.exports.glob("*.xlsx")) == [done.path]
    _download_is_a_scorecard(commander, export_id)
