"""Sign-in throttles: strict per account, higher per address (a whole station shares one
connection), the real client address behind trusted proxies, and Redis down is no 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from audit.accounts.models import Role
from audit.extensions import limiter
from tests.conftest import PASSWORD, make_app
from tests.outage import redis_down


def _app(database_url: str, tmp_path: Path, **overrides: Any) -> Flask:
    return make_app(database_url, tmp_path / "limits-instance", **overrides)


def _login(client: FlaskClient, email: str, password: str = PASSWORD, **headers: str) -> int:
    data = {"email": email, "password": password}
    return client.post("/login", data=data, headers=headers).status_code


def _fresh_client(app: Flask) -> FlaskClient:
    return app.test_client()  # a new cookie jar: each colleague on their own browser


def test_one_throttled_account_does_not_lock_out_the_station(app, make_user):
    """Six colleagues behind one address sign in while a seventh account is throttled."""
    app.config["LOGIN_ADDRESS_LIMITS"] = "30 per minute"
    colleagues = [make_user(Role.ADMIN) for _ in range(6)]
    unlucky = make_user(Role.ADMIN)
    client = _fresh_client(app)
    assert [_login(client, unlucky, "wrong password") for _ in range(5)] == [200] * 5
    assert _login(client, unlucky) == 429  # the account is held (LOGIN_LIMITS: 5 per minute)
    assert [_login(_fresh_client(app), email) for email in colleagues] == [302] * 6
    assert _login(_fresh_client(app), unlucky) == 429  # still held, from any browser


def test_the_address_limit_still_holds(app, make_user):
    """LOGIN_ADDRESS_LIMITS caps one address over many accounts (guessing across accounts)."""
    app.config["LOGIN_ADDRESS_LIMITS"] = "3 per minute"
    emails = [make_user(Role.ADMIN) for _ in range(4)]
    statuses = [_login(_fresh_client(app), email, "wrong password") for email in emails]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(app, database_url, tmp_path):
    proxied = _app(database_url, tmp_path, TRUSTED_PROXIES=1, LOGIN_ADDRESS_LIMITS="2 per minute")
    client = proxied.test_client()
    station = {"X-Forwarded-For": "203.0.113.5"}
    other = {"X-Forwarded-For": "198.51.100.7"}
    tries = [_login(client, f"u{i}@example.org", "wrong", **station) for i in range(3)]
    assert tries == [200, 200, 429]
    assert _login(client, "u9@example.org", "wrong", **other) == 200


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, database_url, tmp_path):
    direct = _app(database_url, tmp_path, LOGIN_ADDRESS_LIMITS="2 per minute")
    assert direct.config["TRUSTED_PROXIES"] == 0
    client = direct.test_client()
    claimed = [f"203.0.113.{i}" for i in range(3)]  # a client inventing a new address each time
    tries = [
        _login(client, f"u{i}@example.org", "wrong", **{"X-Forwarded-For": address})
        for i, address in enumerate(claimed)
    ]
    assert tries == [200, 200, 429]


@pytest.fixture
def fresh_limiter() -> Iterator[None]:
    """The limiter is one object per process (as in production, with one app): a test that
    kills its storage must not leave the next test's app believing Redis is down."""
    limiter._storage_dead = False
    yield
    limiter._storage_dead = False


@pytest.mark.parametrize("kind", ["refusing", "silent"])
def test_sign_in_works_and_is_still_throttled_while_redis_is_down(
    kind, app, make_user, database_url, tmp_path, caplog, fresh_limiter
):
    email = make_user(Role.ADMIN)
    with redis_down(kind) as url:
        down = _app(database_url, tmp_path, RATELIMIT_STORAGE_URI=url)
        client = down.test_client()
        with caplog.at_level(logging.WARNING, logger="flask-limiter"):
            assert _login(client, email) == 302  # no 500
            client.post("/logout")
            # LOGIN_LIMITS is 5 per minute: the sign-in above and four wrong passwords use it up.
            assert [_login(client, email, "wrong") for _ in range(4)] == [200] * 4
            assert _login(client, email) == 429  # throttled in memory meanwhile
    fallbacks = [r for r in caplog.records if "falling back to in-memory" in r.getMessage()]
    assert len(fallbacks) == 1  # said once, not on every request
