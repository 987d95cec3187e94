"""Reaching real PostgreSQL and Redis: skip with a reason where they are missing, fail in CI."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"

POSTGRES_BASE = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
#: The Celery queue of this test run: the app (config.py reads CELERY_QUEUE) and the workers the
#: tests start use it, so two test runs on one machine never take each other's tasks.
TEST_QUEUE = f"wps-audit-test-{os.getpid()}"
os.environ["CELERY_QUEUE"] = TEST_QUEUE


def clear_test_queue() -> None:
    """Forget tasks a previous test of this run left in its queue (never another run's)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(TEST_QUEUE, *client.keys(f"{TEST_QUEUE}*"))


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI=true where every service must be there."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_url(database: str) -> str:
    """URL of a test database of this test run (named per process, so two runs never share)."""
    return f"{POSTGRES_BASE.rstrip('/')}/{database}_{os.getpid()}"


def drop_postgres(url: str) -> None:
    """Drop a test database at the end of the run (quietly: it may never have been created)."""
    try:
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:
        pass


def require_postgres(url: str, *, fresh: bool = False) -> None:
    """Make sure the database exists (dropped and re-created when `fresh`)."""
    try:
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if exists and fresh:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as error:  # any connection problem means "not available here"
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_BASE} ({error.__class__.__name__})")


def require_redis(url: str = REDIS_URL) -> None:
    """Make sure Redis answers."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as error:  # any connection problem means "not available here"
        unavailable(f"Redis is not reachable at {url} ({error.__class__.__name__})")
