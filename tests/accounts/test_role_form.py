"""'Give a role' has no default role and counts only the chosen role's scope fields; the
account forms state the password rule (from the configuration) before it is broken."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from audit.accounts.models import Role, RoleAssignment, User
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.conftest import PASSWORD, Auth, Org, UserFactory, csrf_token, make_app, row_count


def user_id(app: Flask, email: str) -> int:
    with app.app_context(), unit_of_work():
        return db.session.query(User).filter_by(email=email).one().id


def roles_of(app: Flask, uid: int) -> list[tuple[Role, int | None, int | None, int | None]]:
    with app.app_context(), unit_of_work():
        return [
            (a.role, a.unit_id, a.institution_id, a.country_id)
            for a in db.session.query(RoleAssignment).filter_by(user_id=uid)
        ]


@pytest.fixture
def target(app: Flask, client: FlaskClient, auth: Auth, make_user: UserFactory) -> int:
    """An account without a role, with an administrator signed in."""
    auth.login(make_user(Role.ADMIN))
    return user_id(app, make_user())


def give(client: FlaskClient, uid: int, **data: object):
    return client.post(f"/admin/users/{uid}/assignments", data=data, follow_redirects=True)


# --- no default role -------------------------------------------------------------------------


def test_the_role_list_starts_with_choose_a_role_and_nothing_is_preselected(client, target):
    page = client.get(f"/admin/users/{target}").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="role"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no role select"
    tag = select.group(0).split(">", 1)[0]
    assert "required" in tag
    assert "data-role-select" in tag
    first = re.search(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    assert first
    assert first.group(2) == "Choose a role"
    assert 'value=""' in first.group(1)
    # Nothing is selected, so the browser shows the first option: no role is picked for you.
    assert "selected" not in select.group(1)


def test_each_scope_field_says_which_roles_use_it(client, target):
    page = client.get(f"/admin/users/{target}").get_data(as_text=True)
    wrappers = dict(
        re.findall(
            r'<div data-for-roles="([^"]*)">\s*<div class="field[^"]*">\s*<label for="(\w+)"', page
        )
    )
    by_field = {field: roles for roles, field in wrappers.items()}
    assert by_field == {
        "unit_id": "commander adviser",
        "institution_id": "adviser donor",
        "country_id": "donor",
    }


def test_a_role_must_be_chosen(app, client, target, org):
    response = give(client, target, role="", unit_id=org.station_a, institution_id=0, country_id=0)
    assert "Choose a role first, then where it is held." in response.get_data(as_text=True)
    assert roles_of(app, target) == []
    response = give(client, target, unit_id=org.station_a)
    assert "Choose a role first" in response.get_data(as_text=True)
    assert roles_of(app, target) == []


# --- only the chosen role's fields count ----------------------------------------------------------


def test_the_fields_a_role_does_not_use_are_ignored(app, client, target, org: Org):
    # Without JavaScript every field is sent, some still set from an earlier choice.
    everything = {"unit_id": org.station_a, "institution_id": org.police, "country_id": org.country}
    give(client, target, role="commander", **everything)
    give(client, target, role="admin", **everything)
    give(
        client,
        target,
        role="donor",
        unit_id=org.station_a,
        institution_id=0,
        country_id=org.country,
    )
    assert sorted(roles_of(app, target)) == sorted(
        [
            (Role.COMMANDER, org.station_a, None, None),
            (Role.ADMIN, None, None, None),
            (Role.DONOR, None, None, org.country),
        ]
    )


def test_the_fields_the_page_script_disabled_may_be_missing(app, client, target, org: Org):
    # With JavaScript the hidden fields are disabled, so the browser does not send them.
    response = give(client, target, role="commander", unit_id=org.station_b)
    assert "The role has been given." in response.get_data(as_text=True)
    response = give(client, target, role="donor", institution_id=org.army)
    assert "The role has been given." in response.get_data(as_text=True)
    assert sorted(roles_of(app, target), key=lambda r: r[0].value) == [
        (Role.COMMANDER, org.station_b, None, None),
        (Role.DONOR, None, org.army, None),
    ]


def test_a_used_field_left_empty_is_still_refused(app, client, target):
    response = give(client, target, role="commander")
    assert "A commander needs a unit." in response.get_data(as_text=True)
    response = give(client, target, role="adviser", unit_id=0, institution_id=0, country_id=0)
    assert "A gender adviser needs either a unit or an institution." in response.get_data(
        as_text=True
    )
    assert roles_of(app, target) == []


@pytest.mark.parametrize("role", [Role.COMMANDER, Role.ADVISER, Role.DONOR])
def test_only_administrators_give_roles(app, client, auth, make_user, org, role):
    scope = {"donor": {"country_id": org.country}}.get(role.value, {"unit_id": org.station_a})
    uid = user_id(app, make_user())
    auth.login(make_user(role, **scope))
    before = row_count(app, "role_assignments")
    response = client.post(f"/admin/users/{uid}/assignments", data={"role": "admin"})
    assert response.status_code == 403
    assert client.get(f"/admin/users/{uid}").status_code == 403
    assert row_count(app, "role_assignments") == before


def test_giving_a_role_needs_the_csrf_token(app, database_url, tmp_path, make_user, org):
    admin = make_user(Role.ADMIN)
    uid = user_id(app, make_user())
    client = make_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"email": admin, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    data = {"role": "commander", "unit_id": org.station_a}
    assert client.post(f"/admin/users/{uid}/assignments", data=data).status_code == 400
    assert roles_of(app, uid) == []
    page = client.get(f"/admin/users/{uid}").get_data(as_text=True)
    token = re.findall(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)[-1]
    response = client.post(f"/admin/users/{uid}/assignments", data=data | {"csrf_token": token})
    assert response.status_code == 302
    assert roles_of(app, uid) == [(Role.COMMANDER, org.station_a, None, None)]


# --- the password rule, stated before it is broken -------------------------------------------


def help_of(page: str, field: str) -> str:
    """The help text a field is described by (aria-describedby)."""
    tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)
    assert tag, field
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    assert described, tag.group(0)
    help_text = re.search(rf'<p class="help" id="{described.group(1)}">([^<]+)</p>', page)
    assert help_text, described.group(1)
    return help_text.group(1)


def test_the_new_user_form_states_the_rule(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert help_of(page, "password").startswith("At least 12 characters (at most 128).")
    assert "Required for a new account." in help_of(page, "password")


def test_the_edit_and_change_forms_state_the_rule(app, client, auth, make_user):
    email = make_user(Role.ADMIN)
    auth.login(email)
    page = client.get(f"/admin/users/{user_id(app, email)}").get_data(as_text=True)
    assert "At least 12 characters" in help_of(page, "password")
    assert "Leave it empty to keep the current password." in help_of(page, "password")
    page = client.get("/account/password").get_data(as_text=True)
    assert help_of(page, "new_password").startswith("At least 12 characters (at most 128).")


def test_the_rule_comes_from_the_configuration(database_url, tmp_path, make_user):
    app = make_app(database_url, tmp_path / "long", PASSWORD_MIN_LENGTH=25)
    client = app.test_client()
    with app.app_context(), unit_of_work():
        from audit.accounts import services as accounts

        accounts.assign_role(
            None,
            accounts.create_user(None, email="boss@example.org", name="Boss", password="x" * 30),
            Role.ADMIN,
        )
    client.post("/login", data={"email": "boss@example.org", "password": "x" * 30})
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert help_of(page, "password").startswith("At least 25 characters (at most 128).")
    before = row_count(app, "users")
    response = client.post(
        "/admin/users/new",
        data={"email": "n@example.org", "name": "N", "locale": "", "password": PASSWORD},
    )
    assert "Use at least 25 characters." in response.get_data(as_text=True)
    assert row_count(app, "users") == before


def test_a_field_in_error_is_described_by_its_errors_and_its_help(client, auth, make_user):
    """The error does not silence the rule: a screen reader hears both, errors first."""
    auth.login(make_user(Role.ADMIN))
    page = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    ).get_data(as_text=True)
    tag = re.search(r'<input[^>]*id="new_password"[^>]*>', page)
    assert tag
    assert 'aria-invalid="true"' in tag.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    assert described
    assert described.group(1).split() == ["new_password-errors", "new_password-help"]
    assert 'id="new_password-errors"' in page
    assert 'id="new_password-help"' in page
