"""Settings for WPS Audit, read once from the environment.

The embedded default (no environment at all) is a SQLite file in the instance folder, tasks run
in-process and a secret key generated on first start; production must name its database, broker and
secret key explicitly.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for annotations: the pure modules that read LANGUAGES stay Flask-free
    from flask import Flask


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw is not None else default


#: The languages of the interface, with each one's name in itself (the one list: the language
#: switcher, the account form, the locale CHECK constraint and the catalogs follow it).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ar": "العربية",
    "fr": "Français",
    "es": "Español",
}
LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_NAMES)


def instance_path() -> str | None:
    """WPS_INSTANCE_PATH: where the embedded database, key and uploads live (None: ./instance).
    Read when an app is created, since the instance folder must be known before its settings."""
    return _env("WPS_INSTANCE_PATH")


def database_uri(url: str) -> str:
    """SQLAlchemy URI for a DATABASE_URL: plain PostgreSQL URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment; the embedded default."""

    ENV_NAME = "development"
    #: None means "a SQLite file in the instance folder" (resolved in init_app).
    DATABASE_URL: str | None = _env("DATABASE_URL")
    #: None means the embedded default: Celery runs tasks in-process, limits are kept in memory.
    REDIS_URL: str | None = _env("REDIS_URL") or _env("CELERY_BROKER_URL")
    SECRET_KEY: str | None = _env("SECRET_KEY")

    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = (
        None  # a form left open all day must still save; the token is per session.
    )
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    #: argon2id at the RFC 9106 "low memory" profile, above OWASP's minimum (19 MiB, t=2, p=1).
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST_KIB = _env_int("ARGON2_MEMORY_COST_KIB", 64 * 1024)
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 4)
    PASSWORD_MIN_LENGTH = 12

    #: Sign-in throttles. LOGIN_LIMITS holds each account (the e-mail address typed) to a few
    #: tries; LOGIN_ADDRESS_LIMITS holds each client address, and is higher because a police
    #: station or a ministry signs in from one shared connection: one person's mistyped password
    #: must not lock out every colleague behind the same address.
    LOGIN_LIMITS = _env("LOGIN_LIMITS", "10 per minute;50 per hour") or ""
    LOGIN_ADDRESS_LIMITS = _env("LOGIN_ADDRESS_LIMITS", "100 per minute;1000 per hour") or ""
    #: How many reverse proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto
    #: (werkzeug's ProxyFix trusts exactly that many hops). 0: the headers are ignored, which is
    #: right when nothing sits in front (anyone could otherwise claim any address).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    #: Roles (comma-separated values: admin, commander, adviser, donor) whose accounts must use
    #: two-step sign-in: they are sent to set it up right after signing in. Empty: optional (for
    #: administrators and gender advisers).
    TOTP_REQUIRED_ROLES: tuple[str, ...] = tuple(
        part.strip() for part in (_env("TOTP_REQUIRED_ROLES", "") or "").split(",") if part.strip()
    )
    RATELIMIT_HEADERS_ENABLED = True
    #: Redis down must not turn sign-in into a 500: each process then throttles in its own
    #: memory (logged once) and goes back to Redis when it answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    FORCE_HTTPS = False
    DEMO_PASSWORDS_PRINTED = True

    #: Exports: where finished workbooks are kept (None: instance/exports), for how long, how
    #: long a running job may go without a sign of life before another worker takes it over,
    #: and how many attempts a job gets.
    EXPORT_FOLDER: str | None = _env("EXPORT_FOLDER")
    EXPORT_TTL_HOURS = _env_int("EXPORT_TTL_HOURS", 7 * 24)
    EXPORT_LEASE_SECONDS = _env_int("EXPORT_LEASE_SECONDS", 120)
    EXPORT_MAX_ATTEMPTS = _env_int("EXPORT_MAX_ATTEMPTS", 3)
    #: A CSV or Parquet full data of at least this many audits, over two institutions or more,
    #: is written one part per institution by several workers (audit/exports/parts.py); 0: never.
    EXPORT_SPLIT_AUDITS = _env_int("EXPORT_SPLIT_AUDITS", 20_000)
    #: A pause (milliseconds) after each progress step. 0 in use; the worker tests slow an
    #: export down with it so that they can kill the worker half-way through.
    EXPORT_STEP_DELAY_MS = _env_int("EXPORT_STEP_DELAY_MS", 0)
    #: How often celery beat sweeps the outbox (seconds). A lost export is taken over within
    #: about EXPORT_LEASE_SECONDS + OUTBOX_SWEEP_SECONDS of its worker's death.
    OUTBOX_SWEEP_SECONDS = _env_int("OUTBOX_SWEEP_SECONDS", 60)

    #: Donor figures: counts below DISCLOSURE_K are withheld, and a figure needs at least
    #: DISCLOSURE_MIN_UNITS units (the rules are in audit/scoring/disclosure.py).
    DISCLOSURE_K = _env_int("DISCLOSURE_K", 5)
    DISCLOSURE_MIN_UNITS = _env_int("DISCLOSURE_MIN_UNITS", 3)

    #: Evidence uploads: where files are kept (None: instance/evidence) and the largest accepted.
    EVIDENCE_FOLDER: str | None = _env("EVIDENCE_FOLDER")
    EVIDENCE_MAX_BYTES = _env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
    #: What an accepted DOCX/XLSX may expand to once unzipped, and the most pixels an image
    #: may have (both against decompression bombs; audit/audits/file_checks.py).
    EVIDENCE_MAX_UNZIPPED_BYTES = _env_int("EVIDENCE_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)
    EVIDENCE_MAX_PIXELS = _env_int("EVIDENCE_MAX_PIXELS", 50_000_000)

    CELERY: dict[str, Any] = {}

    @classmethod
    def init_app(cls, app: Flask) -> None:
        """Resolve settings that depend on the instance folder and fill the Celery block."""
        instance = Path(app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        url = app.config.get("DATABASE_URL") or f"sqlite:///{instance / 'wps-audit.sqlite'}"
        app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(url)
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = cls._instance_secret(instance)
        redis_url = app.config.get("REDIS_URL")
        app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
        if str(app.config["RATELIMIT_STORAGE_URI"]).startswith(("redis", "rediss")):
            app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", cls.limiter_redis_options())
        app.config["CELERY"] = cls.celery_settings(
            redis_url, sweep_seconds=int(app.config["OUTBOX_SWEEP_SECONDS"])
        ) | app.config.get("CELERY", {})

    @staticmethod
    def _instance_secret(instance: Path) -> str:
        """Generate the secret key once and keep it, so sessions survive a restart."""
        path = instance / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @staticmethod
    def limiter_redis_options() -> dict[str, Any]:
        """A sign-in waits at most about half a second on a Redis that is down or silent, then
        the limiter falls back to memory: short timeouts and no retries (redis-py's default
        retries with back-off took seconds)."""
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        no_retries = Retry(NoBackoff(), 0)
        return {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": no_retries}

    @staticmethod
    def celery_settings(redis_url: str | None, sweep_seconds: int = 60) -> dict[str, Any]:
        """Celery settings: JSON only, results ignored, late acks with a prefetch of one."""
        settings: dict[str, Any] = {
            "task_serializer": "json",
            "accept_content": ["json"],
            "result_serializer": "json",
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            # One queue per deployment; several deployments may share a Redis.
            "task_default_queue": _env("CELERY_QUEUE", "wps-audit"),
            # Work that never reached a worker (broker down, worker lost) is sent again.
            "beat_schedule": {
                "outbox-sweep": {"task": "audit.outbox.sweep", "schedule": float(sweep_seconds)},
                "exports-cleanup": {"task": "audit.exports.cleanup", "schedule": 3600.0},
            },
        }
        if redis_url:
            settings["broker_url"] = redis_url
            # Only a split export's parts keep a result (a chord counts them there), for a day.
            settings["result_backend"] = redis_url
            settings["result_expires"] = 24 * 60 * 60
            # Longer than the longest task, or Redis redelivers a task that is still running.
            settings["broker_transport_options"] = {
                "visibility_timeout": 2 * 60 * 60,
                # A request that records work must not hang when Redis is down: the outbox
                # keeps the work and the sweep sends it later.
                "socket_connect_timeout": 2,
                "socket_timeout": 5,
            }
        else:
            settings["task_always_eager"] = True
            settings["task_eager_propagates"] = True
            settings["broker_url"] = "memory://localhost/"
        return settings


class DevelopmentConfig(Config):
    """The embedded default: `make run`."""


class TestingConfig(Config):
    """Tests: database from the fixtures, fast hashing, CSRF off unless a test turns it on."""

    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = None
    REDIS_URL = None
    SECRET_KEY = "test-secret-key"  # noqa: S105 - a fixed key for the test suite only.
    WTF_CSRF_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 8
    ARGON2_PARALLELISM = 1
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_LIMITS = "5 per minute"


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis, secure cookies; refuses to start without its secrets."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = _env("FORCE_HTTPS", "1") == "1"
    DEMO_PASSWORDS_PRINTED = False

    @classmethod
    def init_app(cls, app: Flask) -> None:
        """Refuse to run with a generated key or an implicit SQLite file."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not app.config.get(name)]
        if missing:
            raise RuntimeError(
                "Production needs these environment variables: " + ", ".join(missing)
            )
        super().init_app(app)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The configuration class named by WPS_ENV (development by default)."""
    name = _env("WPS_ENV", "development") or "development"
    if name not in CONFIGS:
        raise RuntimeError(f"WPS_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
