"""Two-step sign-in (a TOTP code after the password) and signing out that ends the session."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from audit.accounts import two_step
from audit.accounts.models import RecoveryCode, Role, User
from audit.activity.models import ActivityEvent
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.conftest import PASSWORD, csrf_token, make_app, row_count


def _user(app: Flask, email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def _secret(app: Flask, email: str) -> str:
    with app.app_context(), unit_of_work():
        secret = _user(app, email).totp_secret
    assert secret
    return secret


def enrol(app: Flask, email: str) -> tuple[str, list[str]]:
    """Turn two-step sign-in on through the services; the time step used is forgotten, so the
    test may use the current code again."""
    with app.app_context(), unit_of_work():
        user = _user(app, email)
        secret = two_step.begin(user)
        codes = two_step.confirm(user, pyotp.TOTP(secret).now())
        user.totp_last_counter = None
    return secret, codes


def _now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def _login(client: FlaskClient, email: str, password: str = PASSWORD, next: str = "") -> str:
    url = "/login" + (f"?next={next}" if next else "")
    response = client.post(url, data={"email": email, "password": password})
    assert response.status_code == 302
    return response.headers["Location"]


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


# --- enrolment -------------------------------------------------------------------------------


def test_enrol_with_a_qr_code_and_a_first_code(app, client, auth, make_user):
    email = make_user(Role.ADMIN)
    auth.login(email)
    page = client.get("/account/two-step").data.decode()
    assert "Set up two-step sign-in" in page
    assert client.post("/account/two-step/begin").status_code == 302
    page = client.get("/account/two-step").data.decode()
    secret = _secret(app, email)
    assert 'src="data:image/svg+xml' in page  # made here, allowed by img-src data:
    assert " ".join(re.findall(".{1,4}", secret)) in page  # the key to type in by hand
    wrong = client.post("/account/two-step/confirm", data={"code": "000000"})
    assert wrong.status_code == 200
    assert b"not correct" in wrong.data
    shown = client.post("/account/two-step/confirm", data={"code": _now(secret)})
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", shown.data.decode())
    assert len(codes) == 10
    with app.app_context(), unit_of_work():
        user = _user(app, email)
        assert user.has_two_step
        stored = [c.code_hash for c in user.recovery_codes]
        assert len(stored) == 10
        assert all(h.startswith("$argon2id$") for h in stored)
        assert not any(code.replace("-", "") in h for code in codes for h in stored)
        actions = db.session.scalars(select(ActivityEvent.action)).all()
        assert "accounts.two_step.enabled" in actions
    assert "Two-step sign-in is on" in client.get("/account/two-step").data.decode()


def test_demo_and_new_accounts_have_no_second_factor(app, auth, make_user):
    email = make_user(Role.ADMIN)
    assert _login(auth.client, email).endswith("/")


# --- signing in ------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(app, client, make_user):
    email = make_user(Role.ADMIN)
    secret, _ = enrol(app, email)
    location = _login(client, email, next="/audits/")
    assert "/login/code" in location
    assert not _signed_in(client)  # a correct password alone is not signed in
    assert _last_sign_in(app, email) is None  # nor is it noted as a sign-in
    assert "authenticator app" in client.get(location).data.decode()
    response = client.post(location, data={"code": _now(secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/audits/"
    assert _signed_in(client)
    assert _last_sign_in(app, email) is not None


def _last_sign_in(app: Flask, email: str) -> object:
    with app.app_context(), unit_of_work():
        return db.session.scalar(select(User.last_login_at).where(User.email == email))


def test_a_wrong_code_does_not_sign_in(app, client, make_user):
    email = make_user(Role.ADMIN)
    enrol(app, email)
    _login(client, email)
    response = client.post("/login/code", data={"code": "123456"})
    assert response.status_code == 200
    assert b"not correct" in response.data
    assert not _signed_in(client)


def test_a_used_code_is_refused_the_second_time(app, client, make_user):
    email = make_user(Role.ADMIN)
    secret, _ = enrol(app, email)
    code = _now(secret)
    _login(client, email)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    _login(client, email)
    assert client.post("/login/code", data={"code": code}).status_code == 200  # replayed
    assert not _signed_in(client)


def test_a_recovery_code_works_once(app, client, make_user):
    email = make_user(Role.ADMIN)
    _, codes = enrol(app, email)
    _login(client, email)
    assert client.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    client.post("/logout")
    _login(client, email)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 200
    assert client.post("/login/code", data={"code": codes[1]}).status_code == 302
    with app.app_context(), unit_of_work():
        assert two_step.remaining_recovery_codes(_user(app, email)) == 8
        used = db.session.scalars(
            select(ActivityEvent).where(ActivityEvent.action.endswith("recovery_code_used"))
        ).all()
        assert len(used) == 2


def test_the_code_step_is_throttled_per_account(app, make_user):
    """LOGIN_LIMITS (5 per minute in tests) holds the account, from any browser."""
    email = make_user(Role.ADMIN)
    secret, _ = enrol(app, email)
    client = app.test_client()
    _login(client, email)
    tries = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(5)]
    assert tries == [200] * 5
    assert client.post("/login/code", data={"code": _now(secret)}).status_code == 429
    other = app.test_client()
    _login(other, email)
    assert other.post("/login/code", data={"code": _now(secret)}).status_code == 429


def test_the_code_step_is_throttled_per_address(app, make_user):
    app.config["LOGIN_ADDRESS_LIMITS"] = "2 per minute"
    emails = [make_user(Role.ADMIN) for _ in range(3)]
    statuses = []
    for email in emails:
        enrol(app, email)
        client = app.test_client()
        with client.session_transaction() as session:  # the password step is not counted here
            session["two_step_pending"] = {
                "user": _id(app, email),
                "token": _token(app, email),
                "until": int(time.time()) + 60,
            }
        statuses.append(client.post("/login/code", data={"code": "000000"}).status_code)
    assert statuses == [200, 200, 429]


def _id(app: Flask, email: str) -> int:
    with app.app_context(), unit_of_work():
        return _user(app, email).id


def _token(app: Flask, email: str) -> str:
    with app.app_context(), unit_of_work():
        return _user(app, email).login_token


def test_the_code_step_expires(app, client, make_user):
    email = make_user(Role.ADMIN)
    secret, _ = enrol(app, email)
    _login(client, email)
    with client.session_transaction() as session:
        session["two_step_pending"] = {**session["two_step_pending"], "until": int(time.time()) - 1}
    response = client.post("/login/code", data={"code": _now(secret)})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert not _signed_in(client)


def test_the_code_step_without_a_password_goes_to_sign_in(client):
    response = client.get("/login/code")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- turning it off, new recovery codes --------------------------------------------------------


def test_turning_off_needs_the_password_or_a_code(app, client, make_user):
    email = make_user(Role.ADMIN)
    secret, _ = enrol(app, email)
    _login(client, email)
    client.post("/login/code", data={"code": _now(secret)})
    client.post("/account/two-step/disable", data={"disable-proof": "not my password"})
    with app.app_context(), unit_of_work():
        assert _user(app, email).has_two_step
    client.post("/account/two-step/disable", data={"disable-proof": PASSWORD})
    with app.app_context(), unit_of_work():
        assert not _user(app, email).has_two_step
    assert row_count(app, "recovery_codes") == 0
    client.post("/logout")
    assert _login(client, email).endswith("/")  # no code step any more


def test_new_recovery_codes_replace_the_old_ones(app, client, make_user):
    email = make_user(Role.ADMIN)
    secret, old = enrol(app, email)
    _login(client, email)
    client.post("/login/code", data={"code": _now(secret)})
    page = client.post("/account/two-step/renew", data={"renew-proof": PASSWORD}).data.decode()
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    assert len(new) == 10
    assert not set(new) & set(old)
    client.post("/logout")
    _login(client, email)
    assert client.post("/login/code", data={"code": old[2]}).status_code == 200
    assert client.post("/login/code", data={"code": new[2]}).status_code == 302


# --- who may use it, and the setting that requires it ------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMANDER, Role.DONOR])
def test_commanders_and_donors_may_not_reach_the_pages(app, client, auth, make_user, org, role):
    scope = {"unit_id": org.station_a} if role is Role.COMMANDER else {"country_id": org.country}
    auth.login(make_user(role, **scope))
    assert "/account/two-step" not in client.get("/").data.decode()
    assert client.get("/account/two-step").status_code == 403
    assert client.post("/account/two-step/begin").status_code == 403
    assert client.post("/account/two-step/confirm", data={"code": "1"}).status_code == 403
    assert row_count(app, "recovery_codes") == 0


def test_advisers_and_administrators_may(app, client, auth, make_user, org):
    auth.login(make_user(Role.ADVISER, unit_id=org.station_a))
    assert "/account/two-step" in client.get("/").data.decode()  # in the account menu
    assert client.get("/account/two-step").status_code == 200


def test_a_required_role_enrols_before_anything_else(database_url, tmp_path, app, make_user, org):
    required = make_app(database_url, tmp_path / "required", TOTP_REQUIRED_ROLES=("commander",))
    client = required.test_client()
    email = make_user(Role.COMMANDER, unit_id=org.station_a)
    assert _login(client, email).endswith("/")  # signed in, no second factor yet
    response = client.get("/audits/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-step"
    assert client.get("/account/two-step").status_code == 200  # a commander, since required
    client.post("/account/two-step/begin")
    secret = _secret(required, email)
    client.post("/account/two-step/confirm", data={"code": _now(secret)})
    assert client.get("/audits/").status_code == 200
    client.post("/account/two-step/disable", data={"disable-proof": PASSWORD})
    with required.app_context(), unit_of_work():
        assert _user(required, email).has_two_step  # a required factor cannot be turned off
    assert "/login/code" in _login(required.test_client(), email)


def test_an_unknown_required_role_stops_the_start(database_url, tmp_path):
    with pytest.raises(ValueError, match="TOTP_REQUIRED_ROLES"):
        make_app(database_url, tmp_path / "bad", TOTP_REQUIRED_ROLES=("chief",))


# --- CSRF --------------------------------------------------------------------------------------


def test_every_post_needs_the_csrf_token(database_url, tmp_path, app, make_user):
    guarded = make_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    email = make_user(Role.ADMIN)
    secret, _ = enrol(guarded, email)
    client = guarded.test_client()
    token = csrf_token(client.get("/login").data.decode())
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert client.post("/login/code", data={"code": _now(secret)}).status_code == 400
    token = csrf_token(client.get("/login/code").data.decode())
    response = client.post("/login/code", data={"code": _now(secret), "csrf_token": token})
    assert response.status_code == 302
    for path, data in (
        ("/account/two-step/begin", {}),
        ("/account/two-step/confirm", {"code": "123456"}),
        ("/account/two-step/renew", {"renew-proof": PASSWORD}),
        ("/account/two-step/disable", {"disable-proof": PASSWORD}),
        (f"/admin/users/{_id(guarded, email)}/two-step/reset", {}),
        ("/logout", {}),
    ):
        assert client.post(path, data=data).status_code == 400, path
    with guarded.app_context(), unit_of_work():
        assert _user(guarded, email).has_two_step
        assert (
            db.session.scalar(select(RecoveryCode.id).where(RecoveryCode.used_at.is_not(None)))
            is None
        )
    assert _signed_in(client)


# --- signing out -------------------------------------------------------------------------------


def test_a_cookie_copied_before_signing_out_no_longer_works(app, client, auth, make_user):
    """Signing out rotates the session id: a stolen cookie is useless afterwards (and, as on a
    password change, the account's other sessions end too)."""
    email = make_user(Role.ADMIN)
    other = app.test_client()
    _login(other, email)
    auth.login(email)
    copied = client.get_cookie("session")
    assert copied is not None
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    assert _signed_in(thief)
    auth.logout()
    assert thief.get("/").status_code == 302  # to the sign-in page
    assert "/login" in thief.get("/").headers["Location"]
    assert other.get("/").status_code == 302  # the other device is signed out too


def test_an_administrator_turns_it_off_for_a_locked_out_user(app, client, auth, make_user):
    email = make_user(Role.ADMIN)
    secret, _ = enrol(app, email)
    locked_out = app.test_client()
    _login(locked_out, email)
    locked_out.post("/login/code", data={"code": _now(secret)})
    auth.login(make_user(Role.ADMIN))
    user_id = _id(app, email)
    assert "Turn off two-step sign-in" in client.get(f"/admin/users/{user_id}").data.decode()
    assert client.post(f"/admin/users/{user_id}/two-step/reset").status_code == 302
    with app.app_context(), unit_of_work():
        assert not _user(app, email).has_two_step
        actions = db.session.scalars(select(ActivityEvent.action)).all()
        assert "accounts.two_step.reset" in actions
    assert row_count(app, "recovery_codes") == 0
    assert not _signed_in(locked_out)  # their sessions ended
    assert _login(locked_out, email).endswith("/")


def test_only_administrators_may_reset_it(app, client, auth, make_user, org):
    email = make_user(Role.ADMIN)
    enrol(app, email)
    auth.login(make_user(Role.ADVISER, unit_id=org.station_a))
    assert client.post(f"/admin/users/{_id(app, email)}/two-step/reset").status_code == 403
    with app.app_context(), unit_of_work():
        assert _user(app, email).has_two_step
