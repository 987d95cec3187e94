"""Administrators manage accounts and roles; nobody else reaches those pages."""

from __future__ import annotations

import pytest

from audit.accounts.models import Role, RoleAssignment, User
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.conftest import row_count

ADMIN_PAGES = [
    "/admin/users",
    "/admin/users/new",
    "/admin/orgs",
    "/admin/countries/new",
    "/admin/institutions/new",
    "/admin/units/new",
    "/admin/activity",
    "/admin/system",
]


@pytest.mark.parametrize("role", [Role.COMMANDER, Role.ADVISER, Role.DONOR])
def test_other_roles_are_refused_every_admin_page(client, auth, make_user, org, role):
    scope = {"donor": {"country_id": org.country}}.get(role.value, {"unit_id": org.station_a})
    auth.login(make_user(role, **scope))
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 403, page
    before = row_count(client.application, "countries")
    assert (
        client.post("/admin/countries/new", data={"code": "FR", "name": "France"}).status_code
        == 403
    )
    assert row_count(client.application, "countries") == before


def test_anonymous_visitors_are_sent_to_login(client):
    for page in ADMIN_PAGES:
        response = client.get(page)
        assert response.status_code == 302
        assert "/login" in response.location


def test_admin_reaches_every_admin_page(client, auth, make_user, org):
    auth.login(make_user(Role.ADMIN))
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 200, page


def test_admin_creates_a_user_and_gives_a_role(app, client, auth, make_user, org):
    auth.login(make_user(Role.ADMIN))
    response = client.post(
        "/admin/users/new",
        data={
            "email": " New.Commander@Example.org ",
            "name": "New Commander",
            "locale": "ar",
            "enabled": "y",
            "password": "long enough password",
        },
    )
    assert response.status_code == 302
    with app.app_context(), unit_of_work():
        user = db.session.query(User).filter_by(email="new.commander@example.org").one()
        user_id = user.id
        assert user.locale == "ar"
    response = client.post(
        f"/admin/users/{user_id}/assignments",
        data={"role": "commander", "unit_id": org.station_a, "institution_id": 0, "country_id": 0},
    )
    assert response.status_code == 302
    with app.app_context(), unit_of_work():
        assignment = db.session.query(RoleAssignment).filter_by(user_id=user_id).one()
        assert assignment.role is Role.COMMANDER
        assert assignment.unit_id == org.station_a
    assert client.post("/logout").status_code == 302
    assert (
        client.post(
            "/login",
            data={"email": "new.commander@example.org", "password": "long enough password"},
        ).status_code
        == 302
    )


def test_a_role_with_the_wrong_scope_is_refused_with_a_message(app, client, auth, make_user, org):
    auth.login(make_user(Role.ADMIN))
    target = make_user()
    with app.app_context(), unit_of_work():
        user_id = db.session.query(User).filter_by(email=target).one().id
    response = client.post(
        f"/admin/users/{user_id}/assignments",
        data={"role": "donor", "unit_id": org.station_a, "institution_id": 0, "country_id": 0},
        follow_redirects=True,
    )
    assert b"A donor needs either an institution or a country." in response.data
    response = client.post(
        f"/admin/users/{user_id}/assignments",
        data={"role": "commander", "unit_id": 999999, "institution_id": 0, "country_id": 0},
        follow_redirects=True,
    )
    assert b"Choose a role and its scope from the lists." in response.data
    assert row_count(app, "role_assignments") == 1  # only the admin's own role


def test_duplicate_email_is_refused_and_changes_nothing(app, client, auth, make_user):
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    before = row_count(app, "users")
    response = client.post(
        "/admin/users/new",
        data={
            "email": admin.upper(),
            "name": "Twin",
            "locale": "",
            "password": "long enough password",
        },
    )
    assert b"already exists" in response.data
    assert row_count(app, "users") == before


def test_the_last_administrator_cannot_be_removed(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    with app.app_context(), unit_of_work():
        assignment_id = db.session.query(RoleAssignment).one().id
    response = client.post(f"/admin/assignments/{assignment_id}/delete", follow_redirects=True)
    assert b"The last administrator cannot be removed." in response.data
    assert row_count(app, "role_assignments") == 1


def test_admin_changes_are_recorded_in_the_activity_log(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    client.post("/admin/countries/new", data={"code": "np", "name": "Nepal"})
    page = client.get("/admin/activity")
    assert b"orgs.country.created" in page.data
    assert b"Nepal" in page.data


def test_forged_ids_give_404_not_500(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/assignments/999999/delete").status_code == 404
    assert client.get("/admin/units/999999").status_code == 404
