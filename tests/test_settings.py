"""Every setting in the README's table is read (in config.py only) and takes effect.

Each variable is set in the environment, config.py is read again, and an app built from it is
asked for the behaviour the setting controls. A variable documented in the README without a
check here fails the first test, so the table and the code cannot drift apart.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask

import config as config_module
from audit import create_app
from audit.paths import ROOT
from audit.transactions import unit_of_work

ENV = "WPS_TEST_ENV_NAME"


def documented() -> set[str]:
    """The variables named in the first column of the README's settings table."""
    text = (ROOT / "README.md").read_text()
    table = text.split("| variable | meaning | default |", 1)[1].split("\n\n", 1)[0]
    names: set[str] = set()
    for line in table.splitlines():
        first = line.split("|")[1] if line.startswith("|") else ""
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first))
    return names


@pytest.fixture
def fresh_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., ModuleType]]:
    """Set variables, then read config.py again (its classes read the environment once)."""

    def read(**variables: str) -> ModuleType:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config_module)

    yield read
    monkeypatch.undo()
    importlib.reload(config_module)


def _app(cfg: ModuleType, tmp_path: Path, cls: str = "DevelopmentConfig", **extra: Any) -> Flask:
    overrides = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", **extra}
    return create_app(getattr(cfg, cls), overrides)


def _argon(app: Flask) -> str:
    from audit.accounts.passwords import hash_password

    with app.app_context():
        return hash_password("a password that is long")


def _login_until_refused(app: Flask) -> list[int]:
    client = app.test_client()
    return [
        client.post("/login", data={"email": "x@example.org", "password": "wrong one"}).status_code
        for _ in range(3)
    ]


def _check_export(app: Flask, tmp_path: Path) -> None:
    from audit.exports import lease
    from audit.exports import services as exports

    with app.app_context():
        assert exports.folder() == tmp_path / "workbooks"
        assert lease.duration().total_seconds() == 33


def _check_disclosure(app: Flask) -> None:
    from audit.scoring.donor import DisclosureRules

    with app.app_context():
        rules = DisclosureRules()
        assert (rules.k, rules.min_units) == (7, 4)
        assert not rules.allowed(3, None)
        assert rules.allowed(4, None)


def _check_evidence(app: Flask, tmp_path: Path) -> None:
    import io

    from audit.audits.services import evidence

    with app.test_request_context():
        assert evidence.storage_folder() == tmp_path / "papers"
        with pytest.raises(Exception, match="file_too_large"):
            evidence._checked_upload("a.pdf", "application/pdf", io.BytesIO(b"%PDF-" + b"x" * 50))


def _check_evidence_bombs(app: Flask) -> None:
    import io

    from audit.audits.services import evidence
    from tests import evidence_files

    with app.test_request_context():
        docx = evidence_files.docx(extra={"word/a.xml": b"<a/>" * 1000})
        with pytest.raises(Exception, match="file_expands"):
            evidence._checked_upload("a.docx", evidence_files.DOCX_TYPE, io.BytesIO(docx))
        png = evidence_files.image("PNG", (20, 20))
        with pytest.raises(Exception, match="image_too_large"):
            evidence._checked_upload("a.png", "image/png", io.BytesIO(png))


CHECKS: dict[str, Callable[[Callable[..., ModuleType], Path], None]] = {}


def check(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(func: Callable[..., None]) -> Callable[..., None]:
        for name in names:
            CHECKS[name] = func
        return func

    return register


@check("WPS_ENV")
def _wps_env(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    cfg = read(WPS_ENV="production", SECRET_KEY="k" * 40, DATABASE_URL="sqlite:///x")
    assert cfg.config_from_env() is cfg.ProductionConfig
    cfg = read(WPS_ENV="testing")
    assert cfg.config_from_env() is cfg.TestingConfig


@check("DATABASE_URL")
def _database_url(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    cfg = read(DATABASE_URL="postgresql://someone@db.example/wps")
    app = create_app(cfg.DevelopmentConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/wps"


@check("REDIS_URL")
def _redis_url(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(REDIS_URL="redis://127.0.0.1:6399/3"), tmp_path)
    assert app.config["CELERY"]["broker_url"] == "redis://127.0.0.1:6399/3"
    assert not app.config["CELERY"].get("task_always_eager")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/3"


@check("CELERY_QUEUE")
def _celery_queue(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(CELERY_QUEUE="wps-audit-elsewhere"), tmp_path)
    assert app.extensions["celery"].conf.task_default_queue == "wps-audit-elsewhere"


@check("SECRET_KEY")
def _secret_key(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(SECRET_KEY="a-key-from-the-environment"), tmp_path)
    assert app.secret_key == "a-key-from-the-environment"


@check("WPS_INSTANCE_PATH")
def _instance_path(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(WPS_INSTANCE_PATH=str(tmp_path / "elsewhere")), tmp_path)
    assert Path(app.instance_path) == tmp_path / "elsewhere"
    assert (tmp_path / "elsewhere" / "secret_key").exists()


@check("FORCE_HTTPS")
def _force_https(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    production = {"SECRET_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}"}
    on = create_app(read(FORCE_HTTPS="1", **production).ProductionConfig)
    assert on.test_client().get("/login").status_code == 302  # to https://
    off = create_app(read(FORCE_HTTPS="0", **production).ProductionConfig)
    assert off.test_client().get("/login").status_code == 200


@check("LOGIN_LIMITS")
def _login_limits(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(LOGIN_LIMITS="2 per minute"), tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context(), unit_of_work():
        from audit.extensions import db

        db.create_all()
    assert _login_until_refused(app)[-1] == 429


def _addresses_until_refused(app: Flask, **headers: str) -> list[int]:
    """Three different accounts from one address (a new browser each time)."""
    return [
        app.test_client()
        .post("/login", data={"email": f"u{i}@example.org", "password": "x"}, headers=headers)
        .status_code
        for i in range(3)
    ]


@check("LOGIN_ADDRESS_LIMITS")
def _login_address_limits(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(LOGIN_ADDRESS_LIMITS="2 per minute"), tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context(), unit_of_work():
        from audit.extensions import db

        db.create_all()
    assert _addresses_until_refused(app) == [200, 200, 429]


@check("TOTP_REQUIRED_ROLES")
def _totp_required_roles(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    cfg = read(TOTP_REQUIRED_ROLES="admin, adviser")
    assert cfg.Config.TOTP_REQUIRED_ROLES == ("admin", "adviser")
    app = _app(cfg, tmp_path, WTF_CSRF_ENABLED=False)
    from audit.accounts.models import Role
    from audit.accounts.services import assign_role, create_user
    from audit.extensions import db

    with app.app_context(), unit_of_work():
        db.create_all()
        user = create_user(None, email="a@example.org", name="A", password="a long password")
        assign_role(None, user, Role.ADMIN)
    client = app.test_client()
    client.post("/login", data={"email": "a@example.org", "password": "a long password"})
    assert client.get("/").headers["Location"] == "/account/two-step"  # enrol first


@check("TRUSTED_PROXIES")
def _trusted_proxies(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(TRUSTED_PROXIES="1"), tmp_path)
    seen: list[str | None] = []

    @app.get("/_whoami")
    def whoami() -> str:
        from flask import request

        seen.append(request.remote_addr)
        return "ok"

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.5"})
    assert seen == ["203.0.113.5"]


@check("ARGON2_TIME_COST", "ARGON2_MEMORY_COST_KIB", "ARGON2_PARALLELISM")
def _argon2(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    cfg = read(ARGON2_TIME_COST="2", ARGON2_MEMORY_COST_KIB="9000", ARGON2_PARALLELISM="3")
    assert "$m=9000,t=2,p=3$" in _argon(_app(cfg, tmp_path))


@check("EXPORT_FOLDER", "EXPORT_LEASE_SECONDS")
def _export_folder(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    cfg = read(EXPORT_FOLDER=str(tmp_path / "workbooks"), EXPORT_LEASE_SECONDS="33")
    _check_export(_app(cfg, tmp_path), tmp_path)


@check("EXPORT_TTL_HOURS", "EXPORT_MAX_ATTEMPTS")
def _export_limits(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(EXPORT_TTL_HOURS="5", EXPORT_MAX_ATTEMPTS="9"), tmp_path)
    assert (app.config["EXPORT_TTL_HOURS"], app.config["EXPORT_MAX_ATTEMPTS"]) == (5, 9)


@check("EXPORT_SPLIT_AUDITS")
def _export_split(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    from audit.exports import parts
    from audit.exports.models import Export, ExportKind

    app = _app(read(EXPORT_SPLIT_AUDITS="0"), tmp_path)
    with app.app_context():
        export = Export(kind=ExportKind.FULL_DATA, params={"cycle_id": 1, "format": "csv"})
        assert app.config["EXPORT_SPLIT_AUDITS"] == 0
        assert parts.plan(export, None) is None  # 0: never split, nothing is even counted
    app = _app(read(EXPORT_SPLIT_AUDITS="12345"), tmp_path)
    assert app.config["EXPORT_SPLIT_AUDITS"] == 12345


@check("OUTBOX_SWEEP_SECONDS")
def _outbox_sweep(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    app = _app(read(OUTBOX_SWEEP_SECONDS="7"), tmp_path)
    celery = app.extensions["celery"]
    assert celery.conf.beat_schedule["outbox-sweep"]["schedule"] == 7.0


@check("DISCLOSURE_K", "DISCLOSURE_MIN_UNITS")
def _disclosure(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    _check_disclosure(_app(read(DISCLOSURE_K="7", DISCLOSURE_MIN_UNITS="4"), tmp_path))


@check("EVIDENCE_FOLDER", "EVIDENCE_MAX_BYTES")
def _evidence(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    cfg = read(EVIDENCE_FOLDER=str(tmp_path / "papers"), EVIDENCE_MAX_BYTES="40")
    _check_evidence(_app(cfg, tmp_path), tmp_path)


@check("EVIDENCE_MAX_UNZIPPED_BYTES", "EVIDENCE_MAX_PIXELS")
def _evidence_bombs(read: Callable[..., ModuleType], tmp_path: Path) -> None:
    folder = str(tmp_path / "papers")
    cfg = read(
        EVIDENCE_FOLDER=folder, EVIDENCE_MAX_UNZIPPED_BYTES="3000", EVIDENCE_MAX_PIXELS="100"
    )
    _check_evidence_bombs(_app(cfg, tmp_path))


def test_every_documented_setting_has_a_check():
    assert len(documented()) >= 19
    assert sorted(documented() - set(CHECKS)) == []


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_setting_takes_effect(name, fresh_config, tmp_path):
    CHECKS[name](fresh_config, tmp_path)


def test_settings_are_read_in_config_py_only():
    """No module outside config.py reads the environment (tests and benches aside)."""
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("audit", "forms", "workers")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and re.search(r"os\.environ|os\.getenv|getenv\(", path.read_text())
    ]
    assert readers == []


def test_disclosure_defaults_agree_with_the_rules():
    from audit.scoring import disclosure

    assert config_module.Config.DISCLOSURE_K == disclosure.DEFAULT_K
    assert config_module.Config.DISCLOSURE_MIN_UNITS == disclosure.MIN_UNITS
