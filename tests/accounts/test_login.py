"""Signing in and out, throttling, passwords, and the session cookie."""

from __future__ import annotations

from audit.accounts.models import Role, User
from audit.accounts.passwords import hash_password, verify_password
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.conftest import PASSWORD


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data
    assert b'name="password"' in response.data


def test_wrong_password_gives_a_message_and_no_session(client, auth, make_user):
    email = make_user(Role.ADMIN)
    response = auth.login(email, "not the password")
    assert response.status_code == 200
    assert b"The e-mail address or password is not correct." in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/").status_code == 302  # still sent to the login page


def test_unknown_email_gives_the_same_message(client, auth):
    response = auth.login("nobody@example.org", "whatever it is")
    assert b"The e-mail address or password is not correct." in response.data


def test_right_password_signs_in_and_logout_signs_out(client, auth, make_user):
    email = make_user(Role.ADMIN)
    response = auth.login(email)
    assert response.status_code == 302
    assert response.location == "/"
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 405  # signing out is a POST only
    auth.logout()
    assert client.get("/").status_code == 302


def test_login_follows_only_same_site_next(client, make_user):
    email = make_user(Role.ADMIN)
    response = client.post(
        "/login?next=//evil.example/x", data={"email": email, "password": PASSWORD}
    )
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/admin/users", data={"email": email, "password": PASSWORD})
    assert response.location == "/admin/users"


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, make_user):
    response = auth.login(make_user(Role.ADMIN))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_throttling_stops_repeated_attempts(client, auth, make_user):
    email = make_user(Role.ADMIN)
    statuses = [auth.login(email, f"wrong-{i}").status_code for i in range(5)]
    assert statuses == [200] * 5
    blocked = auth.login(email)  # even the right password is refused while throttled
    assert blocked.status_code == 429
    assert b"Too many attempts" in blocked.data
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_disabled_account_cannot_sign_in(app, auth, make_user):
    email = make_user(Role.ADMIN)
    with app.app_context(), unit_of_work():
        user = db.session.query(User).filter_by(email=email).one()
        user.is_enabled = False
        db.session.commit()
    response = auth.login(email)
    assert response.status_code == 200
    assert b"not correct" in response.data


def test_passwords_are_stored_as_argon2id_hashes(app, make_user):
    email = make_user()
    with app.app_context(), unit_of_work():
        user = db.session.query(User).filter_by(email=email).one()
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert verify_password(user.password_hash, PASSWORD)
        assert not verify_password(user.password_hash, PASSWORD + "x")
        assert not verify_password("not-a-hash", PASSWORD)
        assert hash_password(PASSWORD) != user.password_hash  # salted


def test_password_change_needs_the_current_password(client, auth, make_user):
    email = make_user(Role.ADMIN)
    auth.login(email)
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong wrong wrong",
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert b"The current password is not correct." in response.data
    auth.logout()
    assert auth.login(email).status_code == 302  # old password still works


def test_password_change_refuses_short_passwords(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert b"Use at least 12 characters." in response.data


def test_password_change_ends_other_sessions(app, auth, make_user):
    email = make_user(Role.ADMIN)
    other = app.test_client()
    other.post("/login", data={"email": email, "password": PASSWORD})
    assert other.get("/").status_code == 200
    auth.login(email)
    response = auth.client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 302
    assert auth.client.get("/").status_code == 200  # this session continues
    assert other.get("/").status_code == 302  # the other one is signed out
    auth.logout()
    assert auth.login(email, PASSWORD).status_code == 200  # old password refused
    assert auth.login(email, "a brand new secret").status_code == 302


def test_a_language_chosen_before_signing_in_is_kept_and_remembered(app, client, auth, make_user):
    email = make_user(Role.ADMIN)
    client.post("/language", data={"locale": "fr", "next": "/login"})
    auth.login(email)
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr"' in page
    with app.app_context(), unit_of_work():
        assert db.session.query(User).filter_by(email=email).one().locale == "fr"
    # Signing out keeps the sign-in page in that language.
    auth.logout()
    assert '<html lang="fr"' in client.get("/login").get_data(as_text=True)


def test_signing_in_without_a_choice_keeps_the_account_language(app, client, auth, make_user):
    email = make_user(Role.ADMIN)
    with app.app_context(), unit_of_work():
        db.session.query(User).filter_by(email=email).one().locale = "es"
        db.session.commit()
    auth.login(email)
    assert '<html lang="es"' in client.get("/").get_data(as_text=True)
