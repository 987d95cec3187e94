"""Languages: the user's choice, then the browser; Arabic pages are right-to-left."""

from __future__ import annotations

from audit.accounts.models import Role, User
from audit.extensions import db


def test_browser_language_is_followed(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).data.decode()
    assert '<html lang="fr" dir="ltr">' in page


def test_arabic_is_right_to_left(client):
    page = client.get("/login", headers={"Accept-Language": "ar"}).data.decode()
    assert '<html lang="ar" dir="rtl">' in page


def test_unknown_browser_language_falls_back_to_english(client):
    page = client.get("/login", headers={"Accept-Language": "de"}).data.decode()
    assert '<html lang="en" dir="ltr">' in page


def test_choice_before_signing_in_beats_the_browser(client):
    client.post("/language", data={"locale": "es", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "fr"}).data.decode()
    assert 'lang="es"' in page


def test_signed_in_choice_is_remembered_on_the_account(app, client, auth, make_user):
    email = make_user(Role.ADMIN)
    auth.login(email)
    response = client.post("/language", data={"locale": "ar", "next": "/"})
    assert response.location == "/"
    with app.app_context():
        assert db.session.query(User).filter_by(email=email).one().locale == "ar"
    other = app.test_client()
    other.post("/login", data={"email": email, "password": "correct horse battery"})
    assert 'dir="rtl"' in other.get("/", headers={"Accept-Language": "en"}).data.decode()


def test_unknown_language_is_refused_with_a_message(client):
    response = client.post(
        "/language", data={"locale": "xx", "next": "//evil.example"}, follow_redirects=False
    )
    assert response.location == "/"
