"""Demo data: what `make run` loads, and every demo user can sign in."""

from __future__ import annotations

from audit.demo import DEMO_USERS, load_demo
from tests.conftest import row_count


def test_demo_loads_three_countries_about_twenty_units_and_every_role(app):
    with app.app_context():
        assert load_demo() is True
        assert load_demo() is False  # loading again changes nothing
    assert row_count(app, "countries") == 3
    assert 18 <= row_count(app, "units") <= 24
    assert {u.role.value for u in DEMO_USERS} == {"admin", "commander", "adviser", "donor"}


def test_every_demo_user_can_sign_in(app):
    with app.app_context():
        load_demo()
    for number, demo in enumerate(DEMO_USERS):
        # A different address per user: the login throttle counts attempts per address.
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 1}"
        response = client.post("/login", data={"email": demo.email, "password": demo.password})
        assert response.status_code == 302, demo.email
        assert client.get("/").status_code == 200


def test_setup_command_creates_schema_loads_demo_and_prints_logins(tmp_path, monkeypatch):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    assert "commander.hobeich@example.org" in result.output
    again = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert "Demo data loaded." not in again.output
    assert row_count(app, "users") == len(DEMO_USERS)


def test_users_create_command(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path / "instance")
    runner = app.test_cli_runner()
    runner.invoke(args=["setup"])
    result = runner.invoke(
        args=["users", "create", "--email", "Boss@Example.org", "--name", "Boss", "--admin"],
        input="long enough pw\nlong enough pw\n",
    )
    assert result.exit_code == 0, result.output
    assert "boss@example.org (administrator)" in result.output
    short = runner.invoke(
        args=["users", "create", "--email", "b@example.org", "--name", "B"], input="short\nshort\n"
    )
    assert short.exit_code != 0
    assert "at least 12" in short.output
