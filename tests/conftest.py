"""Fixtures: an app per test on SQLite and on PostgreSQL, a client, users and demo data.

Every test that uses `app` runs once per database backend ([sqlite] and [postgresql]). Without a
reachable PostgreSQL the [postgresql] variants skip with the reason; under CI=true they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

import audit.models  # noqa: F401 - the whole schema must be known to create_all
from audit import create_app
from audit.accounts import services as accounts
from audit.accounts.models import Role
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import InstitutionKind, UnitType
from audit.transactions import unit_of_work
from config import TestingConfig
from tests.services import drop_postgres, postgres_url, require_postgres

PASSWORD = "correct horse battery"

#: Parallel groups, the `slow` marker and the Hypothesis profile of the suite (see the module).
pytest_plugins = ["tests.parallel"]


_apps: list[Flask] = []


def make_app(database_url: str, instance: Path, **overrides: Any) -> Flask:
    """An app on the given database with the testing configuration."""
    os.environ["WPS_INSTANCE_PATH"] = str(instance)
    app = create_app(TestingConfig, {"DATABASE_URL": database_url, **overrides})
    _apps.append(app)
    return app


@pytest.fixture(autouse=True)
def _close_connections() -> Iterator[None]:
    """Close every connection pool a test opened, so no connection outlives its test."""
    yield
    while _apps:
        app = _apps.pop()
        with app.app_context(), unit_of_work():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The test database of this backend, with an empty schema created from the models."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite'}"
    else:
        url = postgres_url("wps_audit_test")
        require_postgres(url, fresh=True)
    app = make_app(url, tmp_path_factory.mktemp("instance"))
    with app.app_context(), unit_of_work():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield url
    if request.param == "postgresql":
        drop_postgres(url)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A fresh app per test; every row is deleted afterwards."""
    app = make_app(database_url, tmp_path / "instance")
    yield app
    empty_database(app)


def empty_database(app: Flask) -> None:
    """Delete every row of the test database. On PostgreSQL the logs refuse DELETE (they are
    append-only, audit/audits/log_guard.py), so the tables are truncated there: TRUNCATE is
    the test database being thrown away, not a row being rewritten."""
    with app.app_context(), unit_of_work():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            db.session.execute(text(f"TRUNCATE {names}"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@dataclass
class Org:
    """Ids of a small organisation: one country, two institutions, a few units."""

    country: int
    police: int
    army: int
    hq: int
    region: int
    station_a: int
    station_b: int
    barracks: int


@pytest.fixture
def org(app: Flask) -> Org:
    """Police HQ → region → stations A and B; an army with one barracks."""
    with app.app_context(), unit_of_work():
        country = orgs.save_country(None, None, "LB", "Lebanon")
        police = orgs.save_institution(None, None, country.id, "Police", InstitutionKind.POLICE)
        army = orgs.save_institution(None, None, country.id, "Army", InstitutionKind.ARMED_FORCES)

        def unit(inst: int, parent: int | None, code: str, kind: UnitType) -> int:
            return orgs.save_unit(
                None,
                None,
                institution_id=inst,
                parent_id=parent,
                code=code,
                name=code.title(),
                unit_type=kind,
            ).id

        hq = unit(police.id, None, "HQ", UnitType.HQ)
        region = unit(police.id, hq, "REGION", UnitType.REGION)
        return Org(
            country=country.id,
            police=police.id,
            army=army.id,
            hq=hq,
            region=region,
            station_a=unit(police.id, region, "STATION-A", UnitType.STATION),
            station_b=unit(police.id, region, "STATION-B", UnitType.STATION),
            barracks=unit(army.id, None, "BARRACKS", UnitType.BARRACKS),
        )


UserFactory = Callable[..., str]


@pytest.fixture
def make_user(app: Flask) -> UserFactory:
    """Create a user holding one role; returns the e-mail address (password: PASSWORD)."""
    counter = iter(range(1, 10_000))

    def factory(role: Role | None = None, **scope: int) -> str:
        email = f"user{next(counter)}@example.org"
        with app.app_context(), unit_of_work():
            user = accounts.create_user(
                None, email=email, name=email.split("@")[0], password=PASSWORD
            )
            if role is not None:
                accounts.assign_role(None, user, role, **scope)
        return email

    return factory


class Auth:
    """Signs a test client in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Sign-in helper bound to `client`."""
    return Auth(client)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def row_count(app: Flask, table: str) -> int:
    """How many rows a table holds (to show that a refused request changed nothing)."""
    with app.app_context(), unit_of_work():
        return int(db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
