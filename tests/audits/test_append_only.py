"""The logs cannot be rewritten: on PostgreSQL the database refuses UPDATE and DELETE of audit
log and activity log rows (audit/append_only.py), whatever the code asks; inserting still works.
The same trigger is installed by the migration (tests/test_migrations.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from audit.activity.models import ActivityEvent
from audit.audits.models import Audit, AuditLogEntry
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.audits.conftest import World

REWRITES = {
    "audit_log": ("UPDATE audit_log SET note = 'rewritten'", "DELETE FROM audit_log"),
    "activity_events": (
        "UPDATE activity_events SET action = 'rewritten'",
        "DELETE FROM activity_events",
    ),
}


#: The trigger is PostgreSQL's (SQLite is one person's own file): these tests run on
#: PostgreSQL only, rather than skipping on SQLite.
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def on_postgresql(database_url: str) -> None:
    assert database_url.startswith("postgresql")


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)))


@pytest.mark.parametrize("table", sorted(REWRITES))
@pytest.mark.parametrize("which", ["update", "delete"])
def test_the_database_refuses_to_rewrite_a_log(on_postgresql, world: World, table, which):
    statement = REWRITES[table][which == "delete"]
    with world.app.app_context(), unit_of_work():
        before = db.session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
        assert before  # opening the cycle logged its audits and itself
        with pytest.raises(DBAPIError, match=f"{table} is append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert db.session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all() == before


def test_code_that_forgets_is_refused_too(on_postgresql, world: World):
    """The ORM path: changing a loaded entry and committing fails, and nothing changes."""
    with world.app.app_context(), unit_of_work():
        entry = db.session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id)).first()
        note = entry.note
        entry.note = "rewritten"
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(AuditLogEntry, entry.id).note == note


def test_new_entries_are_still_written(on_postgresql, world: World):
    with world.app.app_context(), unit_of_work():
        logged, events = _count(AuditLogEntry), _count(ActivityEvent)
        db.session.add(AuditLogEntry(audit_id=world.audit, action="query.opened", note="n"))
        db.session.add(ActivityEvent(action="tests.event", object_type="audit", details={}))
        db.session.commit()
        assert (_count(AuditLogEntry), _count(ActivityEvent)) == (logged + 1, events + 1)


def test_an_audit_log_goes_only_with_its_audit(on_postgresql, world: World):
    """Deleting another audit's rows is refused; removing the audit takes its own log along."""
    with world.app.app_context(), unit_of_work():
        ours = db.session.scalar(
            select(func.count()).where(AuditLogEntry.audit_id == world.barracks_audit)
        )
        assert ours
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(
                text("DELETE FROM audit_log WHERE audit_id = :a"), {"a": world.barracks_audit}
            )
        db.session.rollback()
        db.session.execute(text("DELETE FROM audits WHERE id = :a"), {"a": world.barracks_audit})
        db.session.commit()
        assert db.session.get(Audit, world.barracks_audit) is None
        left = select(func.count()).where(AuditLogEntry.audit_id == world.barracks_audit)
        assert db.session.scalar(left) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditLogEntry)) > 0
