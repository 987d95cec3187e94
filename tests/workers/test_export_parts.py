"""A split full data with two real workers, Redis and PostgreSQL: one part per institution (a
Celery chord with Redis as its result backend), both workers take a part, the last step joins
them into one CSV equal to the same export written in one piece."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from audit.accounts.models import User
from audit.audits import services as audits
from audit.audits.models import AuditCycle
from audit.exports.models import ExportStatus
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import Country, InstitutionKind, UnitType
from audit.transactions import unit_of_work
from tests.services import REDIS_URL
from tests.workers.process import start_worker, stop_worker
from tests.workers.test_export_worker import _app, _client, _export, _wait
from tests.workers.test_outbox_worker import _submit_an_audit, database  # noqa: F401 - fixture

pytestmark = [pytest.mark.services, pytest.mark.slow]


def _army_audits(app, how_many: int) -> int:  # type: ignore[no-untyped-def]
    """A second institution with `how_many` units in the cycle; give the cycle's id."""
    with app.app_context(), unit_of_work():
        admin = db.session.scalar(select(User).where(User.email == "a@example.org"))
        country = db.session.scalar(select(Country))
        army = orgs.save_institution(None, None, country.id, "Army", InstitutionKind.ARMED_FORCES)
        units = [
            orgs.save_unit(
                None,
                None,
                institution_id=army.id,
                parent_id=None,
                code=f"B{n}",
                name=f"Barracks {n}",
                unit_type=UnitType.BARRACKS,
            )
            for n in range(how_many)
        ]
        cycle = db.session.scalar(select(AuditCycle))
        audits.add_units(admin, cycle, [unit.id for unit in units])
        cycle_id = cycle.id
        db.session.commit()
        db.session.remove()
        return cycle_id


def _rows(data: bytes) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        raw = book.read("answers.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_two_workers_share_a_split_export(database: str, tmp_path: Path) -> None:  # noqa: F811
    instance = tmp_path / "instance"
    app = _app(database, instance)
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "WPS_ENV": "development",
        "WPS_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "export-test",
        "EXPORT_SPLIT_AUDITS": "2",
        # Slow enough that the second part is taken by the other worker.
        "EXPORT_STEP_DELAY_MS": "300",
    }
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    handles = [log.open("wb") for log in logs]
    workers = [
        start_worker(env, handles[0], name="parts-one"),
        start_worker(env, handles[1], name="parts-two"),
    ]
    try:
        _submit_an_audit(app)
        cycle_id = _army_audits(app, 3)
        admin = _client(app, "a@example.org")

        def ask(fmt: str) -> int:
            response = admin.post(
                "/exports/", data={"kind": "full_data", "cycle_id": cycle_id, "format": fmt}
            )
            assert response.status_code == 302
            return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

        split_id = ask("csv")
        _wait(lambda: _export(app, split_id).finished, workers[0], logs[0], seconds=120)
        split = _export(app, split_id)
        assert split.status is ExportStatus.DONE, split.error
        assert split.params["parts"] == 2
        response = admin.get(f"/exports/{split_id}/download")
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        split_rows = _rows(response.data)
        response.close()
        # Each worker wrote a part.
        done = re.compile(rb"Task audit\.exports\.build_part\[[^\]]+\] succeeded")
        assert all(done.search(log.read_bytes()) for log in logs), [
            log.read_text()[-2000:] for log in logs
        ]

        # The same export in one piece gives the same rows.
        with app.app_context():
            app.config["EXPORT_SPLIT_AUDITS"] = 0
        for worker in workers:
            stop_worker(worker)
        workers = [start_worker(env | {"EXPORT_SPLIT_AUDITS": "0"}, handles[0], name="whole")]
        whole_id = ask("csv")
        _wait(lambda: _export(app, whole_id).finished, workers[0], logs[0], seconds=120)
        whole = _export(app, whole_id)
        assert whole.status is ExportStatus.DONE, whole.error
        assert "parts" not in whole.params
        response = admin.get(f"/exports/{whole_id}/download")
        assert _rows(response.data) == split_rows
        response.close()
        assert len({row[0] for row in split_rows[1:]}) == 4  # the station and three barracks
    finally:
        for worker in workers:
            if worker.poll() is None:
                stop_worker(worker)
        for handle in handles:
            handle.close()
        with app.app_context(), unit_of_work():
            db.session.remove()
            db.engine.dispose()
