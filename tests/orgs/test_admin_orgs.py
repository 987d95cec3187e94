"""Administrators build the organisation tree; bad input is refused and changes nothing."""

from __future__ import annotations

from audit.accounts.models import Role
from audit.extensions import db
from audit.orgs.models import Unit
from audit.transactions import unit_of_work
from tests.conftest import row_count


def _unit(app, unit_id):
    with app.app_context(), unit_of_work():
        unit = db.session.get(Unit, unit_id)
        return unit.path, unit.parent_id


def test_admin_creates_country_institution_and_unit(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    assert (
        client.post("/admin/countries/new", data={"code": "iq", "name": "Iraq"}).status_code == 302
    )
    page = client.get("/admin/institutions/new").data.decode()
    country_id = int(page.split('name="country_id"')[1].split('value="')[1].split('"')[0])
    assert (
        client.post(
            "/admin/institutions/new",
            data={"country_id": country_id, "name": "Iraqi Police", "kind": "police"},
        ).status_code
        == 302
    )
    page = client.get("/admin/units/new").data.decode()
    institution_id = int(page.split('name="institution_id"')[1].split('value="')[1].split('"')[0])
    response = client.post(
        "/admin/units/new",
        data={
            "institution_id": institution_id,
            "parent_id": 0,
            "code": "bas-01",
            "name": "Basra",
            "unit_type": "region",
            "active": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context(), unit_of_work():
        unit = db.session.query(Unit).one()
        assert unit.code == "BAS-01"
        assert unit.path == f"/{unit.id}/"


def test_moving_a_unit_moves_its_subtree(app, client, auth, make_user, org):
    auth.login(make_user(Role.ADMIN))
    response = client.post(
        f"/admin/units/{org.region}",
        data={
            "institution_id": org.police,
            "parent_id": 0,
            "code": "REGION",
            "name": "Region",
            "unit_type": "region",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert _unit(app, org.region) == (f"/{org.region}/", None)
    assert _unit(app, org.station_a)[0] == f"/{org.region}/{org.station_a}/"


def test_a_unit_cannot_go_under_its_own_subtree(app, client, auth, make_user, org):
    auth.login(make_user(Role.ADMIN))
    before = _unit(app, org.region)
    response = client.post(
        f"/admin/units/{org.region}",
        data={
            "institution_id": org.police,
            "parent_id": org.station_a,
            "code": "REGION",
            "name": "Region",
            "unit_type": "region",
            "active": "y",
        },
    )
    assert response.status_code == 200
    assert "cannot be placed under itself" in response.data.decode()
    assert _unit(app, org.region) == before


def test_parent_from_another_institution_is_refused(app, client, auth, make_user, org):
    auth.login(make_user(Role.ADMIN))
    before = row_count(app, "units")
    response = client.post(
        "/admin/units/new",
        data={
            "institution_id": org.police,
            "parent_id": org.barracks,
            "code": "X1",
            "name": "X",
            "unit_type": "station",
            "active": "y",
        },
    )
    assert "must belong to the same institution" in response.data.decode()
    assert row_count(app, "units") == before


def test_duplicate_unit_code_and_bad_values_are_refused(app, client, auth, make_user, org):
    auth.login(make_user(Role.ADMIN))
    before = row_count(app, "units")
    for data, message in [
        ({"code": "station-a"}, "already uses this code"),
        ({"unit_type": "spaceship"}, "Not a valid choice"),
        ({"institution_id": "abc"}, "Not a valid choice"),
        ({"code": "bad code!"}, "Letters, digits, dots, dashes only."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
    ]:
        form = {
            "institution_id": org.police,
            "parent_id": org.region,
            "code": "NEW",
            "name": "New",
            "unit_type": "station",
            "active": "y",
        } | data
        response = client.post("/admin/units/new", data=form)
        assert response.status_code == 200, data
        assert message in response.data.decode(), data
    assert row_count(app, "units") == before


def test_bad_country_code_is_refused(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    response = client.post("/admin/countries/new", data={"code": "LBN", "name": "Lebanon"})
    assert "Two letters" in response.data.decode()
    assert row_count(app, "countries") == 0
