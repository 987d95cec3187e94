"""Exports with a real worker, Redis and PostgreSQL: request → progress → download; a worker
killed half-way leaves the job to be taken over, and it completes; nobody else can download."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from audit import create_app
from audit.accounts import services as accounts
from audit.accounts.models import Role
from audit.audits.models import Audit
from audit.exports import services as exports
from audit.exports.models import Export, ExportStatus
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import Unit, UnitType
from audit.outbox import services as outbox
from audit.scoring.models import ScorecardSnapshot
from audit.transactions import unit_of_work
from config import DevelopmentConfig
from tests.services import REDIS_URL
from tests.workers.process import start_worker, stop_worker
from tests.workers.test_outbox_worker import _submit_an_audit, database  # noqa: F401 - fixture

pytestmark = pytest.mark.services

PASSWORD = "long enough pw"


def _app(database: str, instance: Path) -> Flask:  # noqa: F811 - not the fixture
    os.environ["WPS_INSTANCE_PATH"] = str(instance)
    return create_app(
        DevelopmentConfig,
        {
            "DATABASE_URL": database,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "export-test",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_LIMITS": "1000 per minute",
            "LOGIN_ADDRESS_LIMITS": "1000 per minute",
        },
    )


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def _export(app: Flask, export_id: int) -> Export:
    with app.app_context(), unit_of_work():
        export = db.session.get(Export, export_id)
        db.session.expunge(export)
        db.session.remove()
        return export


def _wait(what: Callable[[], bool], worker, log: Path, seconds: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if worker is not None:
            assert worker.poll() is None, log.read_text()
        if what():
            return
        time.sleep(0.2)
    raise AssertionError("timed out:\n" + log.read_text())


def _ask(client: FlaskClient, audit_id: int) -> int:
    response = client.post("/exports/", data={"kind": "unit_scorecard", "audit_id": audit_id})
    assert response.status_code == 302, response.status_code
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_export_with_a_real_worker(database: str, tmp_path: Path) -> None:  # noqa: F811
    instance = tmp_path / "instance"
    app = _app(database, instance)
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "WPS_ENV": "development",
        "WPS_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "export-test",
        # Slow enough to watch the progress and to kill the worker half-way.
        "EXPORT_STEP_DELAY_MS": "1500",
        "EXPORT_LEASE_SECONDS": "2",
    }
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    handles = [log.open("wb") for log in logs]
    first = start_worker(env, handles[0])
    second = None
    try:
        audit_id = _submit_an_audit(app)  # the worker writes its scorecard
        with app.app_context(), unit_of_work():
            count = lambda: db.session.scalar(select(func.count(ScorecardSnapshot.id)))  # noqa: E731
            _wait(lambda: (db.session.expire_all(), count())[1] == 1, first, logs[0])
            unit = db.session.get(Audit, audit_id).unit
            other = orgs.save_unit(
                None,
                None,
                institution_id=unit.institution_id,
                parent_id=None,
                code="OTHER",
                name="Other station",
                unit_type=UnitType.STATION,
            )
            stranger = accounts.create_user(
                None, email="s@example.org", name="S", password=PASSWORD
            )
            accounts.assign_role(None, stranger, Role.COMMANDER, unit_id=other.id)
            assert db.session.get(Unit, other.id) is not None
            db.session.commit()
            db.session.remove()
        commander = _client(app, "c@example.org")

        # 1. Request → progress → download.
        export_id = _ask(commander, audit_id)
        seen: list[tuple[str, int]] = []

        def finished() -> bool:
            state = commander.get(f"/exports/{export_id}/status").get_json()
            seen.append((state["status"], state["progress"]))
            return bool(state["finished"])

        _wait(finished, first, logs[0])
        assert any(status == "running" and 0 < progress < 100 for status, progress in seen)
        assert seen[-1] == ("done", 100)
        page = commander.get(f"/exports/{export_id}").get_data(as_text=True)
        assert f"/exports/{export_id}/download" in page
        response = commander.get(f"/exports/{export_id}/download")
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        response.close()
        assert "Scorecard" in book.sheetnames
        # Someone outside the unit's scope cannot download it (nor see that it exists).
        outsider = _client(app, "s@example.org")
        for suffix in ("", "/status", "/download"):
            assert outsider.get(f"/exports/{export_id}{suffix}").status_code == 404
        assert (
            outsider.post(
                "/exports/", data={"kind": "unit_scorecard", "audit_id": audit_id}
            ).status_code
            == 404
        )

        # 2. The worker is killed during an export: the job stays "running" until its lease
        # runs out; the outbox sweep sends it again and another worker completes it.
        export_id = _ask(commander, audit_id)
        _wait(
            lambda: (
                _export(app, export_id).status is ExportStatus.RUNNING
                and _export(app, export_id).progress > 0
            ),
            first,
            logs[0],
        )
        first.kill()
        first.wait()
        time.sleep(3)  # longer than the 2 s lease
        lost = _export(app, export_id)
        assert lost.status is ExportStatus.RUNNING
        assert lost.attempts == 1
        second = start_worker(env | {"EXPORT_STEP_DELAY_MS": "0"}, handles[1])
        with app.app_context(), unit_of_work():
            assert outbox.sweep(stale_after=outbox.STALE_AFTER * 0) >= 1
            db.session.remove()
        _wait(lambda: _export(app, export_id).status is ExportStatus.DONE, second, logs[1])
        done = _export(app, export_id)
        assert done.attempts == 2
        assert done.progress == 100
        with app.app_context(), unit_of_work():
            folder = exports.folder()
        assert (folder / done.path).is_file()
        assert list(folder.glob("*.part")) == []  # the half-written file is never kept
        response = commander.get(f"/exports/{export_id}/download")
        assert response.status_code == 200
        assert response.data[:2] == b"PK"
        response.close()
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                stop_worker(worker)
        for handle in handles:
            handle.close()
        with app.app_context(), unit_of_work():
            db.session.remove()
            db.engine.dispose()
