"""Shared fixtures of the audit workflow tests: people in every role, a cycle, signed-in clients.

`world` opens one cycle under the shipped framework for station A, station B (police stations)
and the army barracks; `small_world` does the same under the small test framework in
tests/frameworks/fixtures/valid, which every required answer of can be given in a few calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from audit.accounts.models import Role, User
from audit.audits import services
from audit.audits.models import Answer, Audit, AuditState
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.models import FrameworkIndicator
from audit.transactions import unit_of_work
from tests.conftest import Org, UserFactory

SHIPPED = frameworks.SHIPPED / "wps-2026.1"
SMALL = Path(__file__).resolve().parents[1] / "frameworks" / "fixtures" / "valid"

#: Tables a refused request must leave alone.
TABLES = ("answers", "audit_log", "evidence", "review_queries", "query_messages")

#: The people of a world, by the name the tests use.
ROLES = (
    "commander",  # commands station A
    "other_commander",  # commands station B
    "adviser",  # adviser of the police region (station A and B are in its subtree)
    "other_adviser",  # adviser of the army (another institution)
    "donor",  # funds the country
    "admin",
)

_READ: dict[str, tuple[Any, list[Any]]] = {}
_real_read = spec.read


def _cached_read(path: str | Path) -> tuple[Any, list[Any]]:
    """spec.read, once per test session for the same path and the same file contents."""
    root = Path(path).resolve()
    files = sorted(root.rglob("*")) if root.is_dir() else [root]
    digest = hashlib.sha256(str(root).encode())
    for file in files:
        if file.is_file():
            digest.update(str(file).encode() + b"\0" + file.read_bytes())
    key = digest.hexdigest()
    if key not in _READ:
        _READ[key] = _real_read(path)
    return _READ[key]


@pytest.fixture(autouse=True)
def _read_frameworks_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading and validating the 120-indicator framework takes a second; with unchanged files
    the result is the same every time, so it is done once per session."""
    monkeypatch.setattr(spec, "read", _cached_read)


@dataclass
class World:
    """One open cycle with an audit for station A, station B and the barracks."""

    app: Flask
    org: Org
    version_id: int
    cycle_id: int
    emails: dict[str, str]
    audit: int  # station A's audit (the commander's)
    other_audit: int  # station B's audit
    barracks_audit: int
    _clients: dict[str, FlaskClient] = field(default_factory=dict)

    # --- people ---------------------------------------------------------------------------

    def user(self, who: str) -> User:
        """The user (inside an app context)."""
        return db.session.scalar(select(User).where(User.email == self.emails[who]))

    def client(self, who: str | None) -> FlaskClient:
        """A client signed in as `who` (None: anonymous), one per person and test.

        Signing in sets the session directly: the login form is tested elsewhere and its
        throttle (5 per minute in tests) would refuse the sixth person of a test.
        """
        key = who or "anonymous"
        if key not in self._clients:
            client = self.app.test_client()
            if who is not None:
                with self.app.app_context(), unit_of_work():
                    token = self.user(who).login_token
                with client.session_transaction() as session:
                    session["_user_id"] = token
                    session["_fresh"] = True
            self._clients[key] = client
        return self._clients[key]

    # --- reading --------------------------------------------------------------------------

    def state(self, audit_id: int | None = None) -> AuditState:
        with self.app.app_context(), unit_of_work():
            return db.session.get(Audit, audit_id or self.audit).state

    def counts(self) -> dict[str, int]:
        """Row counts of the tables refusals must not touch."""
        with self.app.app_context(), unit_of_work():
            return self._counts()

    @staticmethod
    def _counts() -> dict[str, int]:
        return {
            table: int(db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in TABLES
        }

    def snapshot(self, audit_id: int | None = None) -> dict[str, Any]:
        """Everything a refused request must leave as it was."""
        with self.app.app_context(), unit_of_work():
            audit = db.session.get(Audit, audit_id or self.audit)
            stored = {
                code: (a.value, a.currency, a.not_applicable, a.na_reason, a.revision)
                for a, code in db.session.execute(
                    select(Answer, FrameworkIndicator.code)
                    .join(FrameworkIndicator, Answer.indicator_id == FrameworkIndicator.id)
                    .where(Answer.audit_id == audit.id)
                )
            }
            return {
                "state": audit.state,
                "stored": stored,
                "overrides": {
                    a.indicator_id: (a.override_level, a.override_reason)
                    for a in db.session.scalars(select(Answer))
                },
                **self._counts(),
            }

    def answer(self, code: str, audit_id: int | None = None) -> Answer | None:
        """The stored answer (detached, read-only) or None."""
        with self.app.app_context(), unit_of_work():
            answer = db.session.scalar(
                select(Answer)
                .join(FrameworkIndicator, Answer.indicator_id == FrameworkIndicator.id)
                .where(Answer.audit_id == (audit_id or self.audit))
                .where(FrameworkIndicator.code == code)
            )
            if answer is not None:
                db.session.expunge(answer)
            return answer

    def revision(self, code: str, audit_id: int | None = None) -> int:
        answer = self.answer(code, audit_id)
        return answer.revision if answer else 0

    # --- acting through the services ------------------------------------------------------

    def save(
        self, code: str, raw: object, who: str = "commander", audit_id: int | None = None, **kw: Any
    ) -> services.SaveResult:
        """Save one answer through the service, based on the current revision."""
        kw.setdefault("base_revision", self.revision(code, audit_id) or None)
        with self.app.app_context(), unit_of_work():
            audit = db.session.get(Audit, audit_id or self.audit)
            return services.save_answer(self.user(who), audit, code, raw, **kw)

    def act(self, do: Callable[..., Any], who: str, *args: Any, audit_id: int | None = None) -> Any:
        """Call a workflow service as `who` on an audit: do(user, audit, *args)."""
        with self.app.app_context(), unit_of_work():
            audit = db.session.get(Audit, audit_id or self.audit)
            return do(self.user(who), audit, *args)


def _build(app: Flask, org: Org, make_user: UserFactory, path: Path) -> World:
    emails = {
        "commander": make_user(Role.COMMANDER, unit_id=org.station_a),
        "other_commander": make_user(Role.COMMANDER, unit_id=org.station_b),
        "adviser": make_user(Role.ADVISER, unit_id=org.region),
        "other_adviser": make_user(Role.ADVISER, institution_id=org.army),
        "donor": make_user(Role.DONOR, country_id=org.country),
        "admin": make_user(Role.ADMIN),
    }
    with app.app_context(), unit_of_work():
        version_id = frameworks.load(path).version.id
        admin = db.session.scalar(select(User).where(User.email == emails["admin"]))
        cycle = services.open_cycle(
            admin,
            name="2026",
            framework_version_id=version_id,
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31),
            unit_ids=[org.station_a, org.station_b, org.barracks],
        )
        by_unit = {a.unit_id: a.id for a in cycle.audits}
        return World(
            app=app,
            org=org,
            version_id=version_id,
            cycle_id=cycle.id,
            emails=emails,
            audit=by_unit[org.station_a],
            other_audit=by_unit[org.station_b],
            barracks_audit=by_unit[org.barracks],
        )


@pytest.fixture
def world(app: Flask, org: Org, make_user: UserFactory) -> World:
    """The shipped framework (wps-2026.1), one cycle, everyone in place."""
    return _build(app, org, make_user, SHIPPED)


@pytest.fixture
def small_world(app: Flask, org: Org, make_user: UserFactory) -> World:
    """The small test framework (domains AA and BB), one cycle, everyone in place."""
    return _build(app, org, make_user, SMALL)


#: A complete sign-off, for the service and as the sign-off form sends it.
SIGNED = services.SignOff(
    "I confirm that these answers are accurate and complete.",
    "Amina Test",
    "Station commander",
    True,
)
SIGN_OFF_FORM = {"name": "Amina Test", "position": "Station commander", "confirm": "y"}


#: Answers to every required question of the small framework for a police station, with the
#: values that need no evidence except AA1 (evidence required: a reference is added).
SMALL_ANSWERS: dict[str, object] = {
    "AA1": "yes",
    "AA2": "partly",
    "AA3": "meets",
    "AA4": {
        "officers": {"women": "3", "men": "7", "not_recorded": "0"},
        "others": {"women": "10", "men": "30", "not_recorded": "1"},
    },
    "AA5": "4",
    "BB1": "1500.50",
    "BB2": "2025-06-30",
    "BB3": "part",
    "BB4": ["health", "legal_aid"],
    "BB5": "Monthly meetings with the women's network.",
    "BB7": "army",
}


def fill_small(world: World, who: str = "commander", *, evidence: bool = True) -> None:
    """Answer every required question of the small framework and attach AA1's evidence."""
    for code, raw in SMALL_ANSWERS.items():
        result = world.save(code, raw, who, currency="usd" if code == "BB1" else "")
        assert result.saved, (code, result)
    if not evidence:
        return
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.audit)
        services.add_evidence_reference(world.user(who), audit, "AA1", "Photo album 12/2025")


@pytest.fixture
def filled(small_world: World) -> World:
    """The small world with station A's audit answered completely (not yet submitted)."""
    fill_small(small_world)
    return small_world
