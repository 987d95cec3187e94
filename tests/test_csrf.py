"""Every POST carries a CSRF token; without one it is refused and nothing changes."""

from __future__ import annotations

import pytest

from audit.accounts.models import Role
from tests.conftest import PASSWORD, csrf_token, make_app, row_count


@pytest.fixture
def csrf_client(database_url, tmp_path, app):
    """A client of an app with CSRF protection on (as in production)."""
    return make_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True).test_client()


def test_login_without_token_is_refused(csrf_client, make_user):
    email = make_user(Role.ADMIN)
    response = csrf_client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"Reload the page" in response.data
    with csrf_client.session_transaction() as session:
        assert "_user_id" not in session


def test_admin_post_without_token_changes_nothing(csrf_client, make_user):
    email = make_user(Role.ADMIN)
    page = csrf_client.get("/login").data.decode()
    response = csrf_client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302
    app = csrf_client.application
    response = csrf_client.post("/admin/countries/new", data={"code": "FR", "name": "France"})
    assert response.status_code == 400
    assert row_count(app, "countries") == 0
    page = csrf_client.get("/admin/countries/new").data.decode()
    response = csrf_client.post(
        "/admin/countries/new",
        data={"code": "FR", "name": "France", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302
    assert row_count(app, "countries") == 1


def test_logout_and_language_need_the_token_too(csrf_client, make_user):
    assert csrf_client.post("/language", data={"locale": "ar"}).status_code == 400
    assert csrf_client.post("/logout").status_code in (302, 400)  # anonymous: login first


def test_asking_for_a_workbook_needs_the_token(csrf_client, make_user):
    email = make_user(Role.ADMIN)
    page = csrf_client.get("/login").data.decode()
    csrf_client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    app = csrf_client.application
    response = csrf_client.post("/exports/", data={"kind": "full_data", "cycle_id": "1"})
    assert response.status_code == 400
    assert row_count(app, "exports") == 0
    assert row_count(app, "outbox") == 0
