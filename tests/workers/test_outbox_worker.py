"""Redis down when an audit is submitted (refusing connections, or accepting them and never
answering): the submit does not wait on it and the outbox keeps the work; once Redis is back the
sweep sends it and a real worker process writes the scorecard to PostgreSQL, once, however often
the task is delivered."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from audit import create_app
from audit.accounts import services as accounts
from audit.accounts.models import Role
from audit.audits import services as audits
from audit.audits.models import Audit
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.orgs import services as orgs
from audit.orgs.models import InstitutionKind, UnitType
from audit.outbox import services as outbox
from audit.outbox.models import OutboxMessage
from audit.paths import ROOT
from audit.scoring.models import ScorecardSnapshot
from audit.transactions import unit_of_work
from config import DevelopmentConfig
from tests.outage import redis_down
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

FRAMEWORK = ROOT / "tests" / "browser" / "framework"
ANSWERS = {
    "FA1": "yes",
    "FA2": "meets",
    "FA3": "14",
    "PE1": {
        "officers": {"women": "3", "men": "9", "not_recorded": "0"},
        "others": {"women": "12", "men": "40", "not_recorded": "1"},
    },
    "PE2": "yes",
    "PE3": "Quarterly meetings with the women officers' network.",
}


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    url = postgres_url("wps_audit_test_outbox")
    require_postgres(url, fresh=True)
    require_redis()
    clear_test_queue()
    yield url
    drop_postgres(url)


def _app(database: str, redis_url: str, instance: Path) -> Flask:
    os.environ["WPS_INSTANCE_PATH"] = str(instance)
    return create_app(
        DevelopmentConfig,
        {"DATABASE_URL": database, "REDIS_URL": redis_url, "SECRET_KEY": "outbox-test"},
    )


def _submit_an_audit(app: Flask) -> int:
    """A station, its commander, a cycle on a small framework, every answer, then submit."""
    with app.app_context(), unit_of_work():
        upgrade()
        version = frameworks.load(FRAMEWORK).version
        country = orgs.save_country(None, None, "IQ", "Iraq")
        police = orgs.save_institution(None, None, country.id, "Police", InstitutionKind.POLICE)
        station = orgs.save_unit(
            None,
            None,
            institution_id=police.id,
            parent_id=None,
            code="ASHAR",
            name="Al-Ashar",
            unit_type=UnitType.STATION,
        )
        admin = accounts.create_user(
            None, email="a@example.org", name="A", password="long enough pw"
        )
        accounts.assign_role(None, admin, Role.ADMIN)
        commander = accounts.create_user(
            None, email="c@example.org", name="C", password="long enough pw"
        )
        accounts.assign_role(None, commander, Role.COMMANDER, unit_id=station.id)
        cycle = audits.open_cycle(
            admin,
            name="2026",
            framework_version_id=version.id,
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31),
            unit_ids=[station.id],
        )
        audit = cycle.audits[0]
        for code, raw in ANSWERS.items():
            revision = audits.load_data(audit).answers.get(code)
            result = audits.save_answer(
                commander, audit, code, raw, base_revision=revision.revision if revision else None
            )
            assert result.saved, (code, result)
        started = time.monotonic()
        signed = audits.SignOff("Accurate to my knowledge.", "A. Commander", "Commander", True)
        audits.submit(commander, db.session.get(Audit, audit.id), signed)
        audit_id = audit.id
        db.session.commit()  # the commit hands the scorecard job to the broker
        # The submission does not hang on the dead broker (audit/outbox/broker.py: 0.5 s).
        assert time.monotonic() - started < 1
        db.session.remove()
        db.engine.dispose()
        return audit_id


def _snapshots(app: Flask) -> int:
    with app.app_context(), unit_of_work():
        count = db.session.scalar(select(func.count()).select_from(ScorecardSnapshot))
        db.session.remove()
        return int(count)


def _wait(predicate, worker, log_path: Path, seconds: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.poll() is None, log_path.read_text()
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError("timed out:\n" + log_path.read_text())


@pytest.mark.parametrize("kind", ["refusing", "silent"])
def test_outbox_survives_redis_down_and_the_sweep_delivers_once(kind, database, tmp_path):
    with redis_down(kind) as dead:
        down = _app(database, dead, tmp_path / "instance")
        audit_id = _submit_an_audit(down)
    with down.app_context(), unit_of_work():
        message = db.session.scalars(select(OutboxMessage)).one()
        message_id = message.id
        assert message.sent_at is None
        assert message.done_at is None
        assert message.last_error
        assert db.session.get(Audit, audit_id).state.value == "submitted"
        db.session.remove()
        db.engine.dispose()
    assert _snapshots(down) == 0

    up = _app(database, REDIS_URL, tmp_path / "instance")
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "WPS_ENV": "development",
        "WPS_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "outbox-test",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = start_worker(env, log)
        try:
            with up.app_context(), unit_of_work():
                assert outbox.pending() == [message_id]
                assert outbox.sweep() == 1
            _wait(lambda: _snapshots(up) == 1, worker, log_path)
            with up.app_context(), unit_of_work():
                db.session.expire_all()
                assert db.session.get(OutboxMessage, message_id).done_at is not None
                # The same work delivered twice more (a redelivery, a duplicate sweep).
                celery = up.extensions["celery"]
                celery.send_task("audit.scoring.build_scorecard", args=[message_id])
                celery.send_task("audit.scoring.build_scorecard", args=[message_id])
                db.session.remove()
            _wait(lambda: log_path.read_text().count("build_scorecard") >= 6, worker, log_path)
            time.sleep(1)
            assert _snapshots(up) == 1
        finally:
            stop_worker(worker)
            for app in (up, down):
                with app.app_context(), unit_of_work():
                    db.session.remove()
                    db.engine.dispose()
