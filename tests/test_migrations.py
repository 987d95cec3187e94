"""Alembic: one head, and `upgrade` on an empty database gives exactly the models' schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

import audit.models  # noqa: F401 - the whole schema
from audit import append_only
from audit.extensions import db
from audit.paths import ROOT
from audit.transactions import unit_of_work
from tests.conftest import make_app
from tests.services import drop_postgres, postgres_url, require_postgres


def test_there_is_exactly_one_migration_head():
    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "audit" / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def _fresh_url(database_url: str, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    url = postgres_url("wps_audit_test_migrations")
    require_postgres(url, fresh=True)
    return url


def test_upgrade_on_an_empty_database_matches_the_models_and_downgrade_undoes_it(
    database_url, tmp_path
):
    app = make_app(_fresh_url(database_url, tmp_path), tmp_path / "instance")
    with app.app_context(), unit_of_work():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
    if not database_url.startswith("sqlite"):
        drop_postgres(app.config["DATABASE_URL"])


def _log_triggers() -> set[str]:
    return set(
        db.session.scalars(
            text("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%append_only' ORDER BY 1")
        )
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_the_migration_makes_the_logs_append_only(database_url, tmp_path):
    """The same trigger as `create_all` installs (tests/audits/test_append_only.py shows what it
    refuses); downgrading the migration removes it, and its function. PostgreSQL only."""
    app = make_app(_fresh_url(database_url, tmp_path), tmp_path / "instance")
    with app.app_context(), unit_of_work():
        upgrade()
        assert _log_triggers() == {f"{t}_append_only" for t in append_only.TABLES}
        db.session.execute(
            text(
                "INSERT INTO activity_events (action, object_type, details, created_at) "
                "VALUES ('tests.inserted', 'test', '{}', now())"
            )
        )
        db.session.commit()
        with pytest.raises(DBAPIError, match="activity_events is append-only"):
            db.session.execute(text("DELETE FROM activity_events"))
        db.session.rollback()
        downgrade(revision="5e1d3c9a7b20")
        assert _log_triggers() == set()
        functions = text("SELECT count(*) FROM pg_proc WHERE proname = :name")
        assert db.session.scalar(functions, {"name": append_only.FUNCTION}) == 0
        db.session.execute(text("DELETE FROM activity_events"))  # no longer refused
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    drop_postgres(app.config["DATABASE_URL"])
