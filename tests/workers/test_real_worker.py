"""A task sent through real Redis runs in a real `celery worker` process and writes PostgreSQL."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from audit import create_app
from audit.db import utcnow
from audit.extensions import db
from audit.system.models import WorkerHeartbeat
from audit.transactions import unit_of_work
from config import DevelopmentConfig
from tests.services import (
    REDIS_URL,
    clear_test_queue,
    drop_postgres,
    postgres_url,
    require_postgres,
    require_redis,
)
from tests.workers.process import start_worker, stop_worker

pytestmark = pytest.mark.services


@pytest.fixture
def worker_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a worker and a sender sharing one PostgreSQL database and one Redis."""
    database = postgres_url("wps_audit_test_worker")
    require_postgres(database, fresh=True)
    require_redis()
    clear_test_queue()
    yield {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "WPS_ENV": "development",
        "WPS_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "worker-test",
    }
    drop_postgres(database)


def test_task_through_redis_runs_in_a_worker_process_and_writes_postgres(worker_env, tmp_path):
    app = create_app(
        DevelopmentConfig,
        {k: v for k, v in worker_env.items() if k in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")},
    )
    assert app.config["CELERY"].get("task_always_eager") is None  # really through the broker
    with app.app_context(), unit_of_work():
        upgrade()
    log = tmp_path / "worker.log"
    log_file = log.open("wb")
    worker = start_worker(worker_env, log_file)
    token = secrets.token_hex(8)
    try:
        celery = app.extensions["celery"]
        celery.send_task("audit.system.heartbeat", args=[token, utcnow().isoformat()])
        deadline = time.monotonic() + 90
        beat = None
        while beat is None and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
            with app.app_context(), unit_of_work():
                beat = db.session.scalar(
                    select(WorkerHeartbeat).where(WorkerHeartbeat.token == token)
                )
                db.session.remove()
        assert beat is not None, "the worker did not run the task:\n" + log.read_text()
        assert beat.hostname
        assert beat.seen_at >= beat.requested_at
    finally:
        stop_worker(worker)
        log_file.close()
        with app.app_context(), unit_of_work():
            db.engine.dispose()
    assert "audit.system.heartbeat" in log.read_text()


def test_running_the_heartbeat_twice_records_it_once(app):
    from audit.system.services import record_heartbeat

    with app.app_context(), unit_of_work():
        when = utcnow().isoformat()
        first = record_heartbeat("same-token", when, "host-a")
        second = record_heartbeat("same-token", when, "host-b")
        assert first.id == second.id
        assert db.session.scalar(select(db.func.count()).select_from(WorkerHeartbeat)) == 1
