"""Who may see which unit: the scope service and the unit pages behind it."""

from __future__ import annotations

from sqlalchemy import select

from audit.access.scope import Can, abilities, visible_unit_ids
from audit.accounts.models import Role, User
from audit.extensions import db
from audit.orgs.models import Unit
from audit.transactions import unit_of_work


def _visible(app, email):
    with app.app_context(), unit_of_work():
        user = db.session.scalar(select(User).where(User.email == email))
        return set(db.session.scalars(visible_unit_ids(user)))


def test_commander_of_a_sees_a_and_gets_404_for_b(client, auth, make_user, org):
    email = make_user(Role.COMMANDER, unit_id=org.station_a)
    auth.login(email)
    assert client.get(f"/units/{org.station_a}").status_code == 200
    response = client.get(f"/units/{org.station_b}")
    assert response.status_code == 404  # not 403: B's existence is not confirmed
    assert client.get(f"/units/{org.region}").status_code == 404
    assert client.get("/units/987654").status_code == 404
    assert _visible(client.application, email) == {org.station_a}


def test_adviser_of_a_unit_sees_its_subtree_only(client, auth, make_user, org):
    email = make_user(Role.ADVISER, unit_id=org.region)
    auth.login(email)
    assert _visible(client.application, email) == {org.region, org.station_a, org.station_b}
    assert client.get(f"/units/{org.station_b}").status_code == 200
    assert client.get(f"/units/{org.hq}").status_code == 404
    assert client.get(f"/units/{org.barracks}").status_code == 404


def test_adviser_of_an_institution_sees_all_its_units(client, make_user, org):
    email = make_user(Role.ADVISER, institution_id=org.police)
    assert _visible(client.application, email) == {org.hq, org.region, org.station_a, org.station_b}


def test_donor_reaches_no_unit_page(client, auth, make_user, org):
    email = make_user(Role.DONOR, country_id=org.country)
    auth.login(email)
    for unit_id in (org.hq, org.region, org.station_a, org.barracks):
        assert client.get(f"/units/{unit_id}").status_code == 404
    assert _visible(client.application, email) == set()
    home = client.get("/")
    assert b"Police" in home.data
    assert b"Army" in home.data


def test_admin_sees_every_unit(client, make_user, org):
    email = make_user(Role.ADMIN)
    assert _visible(client.application, email) == {
        org.hq,
        org.region,
        org.station_a,
        org.station_b,
        org.barracks,
    }


def test_user_without_role_sees_nothing(client, auth, make_user, org):
    email = make_user()
    auth.login(email)
    assert client.get(f"/units/{org.station_a}").status_code == 404
    assert b"No unit is assigned to you yet" in client.get("/").data


def test_abilities_say_what_each_role_may_do(app, make_user, org):
    commander = make_user(Role.COMMANDER, unit_id=org.station_a)
    adviser = make_user(Role.ADVISER, institution_id=org.police)
    with app.app_context(), unit_of_work():
        station = db.session.get(Unit, org.station_a)
        by_email = {u.email: u for u in db.session.scalars(select(User))}
        assert abilities(by_email[commander], station) == {Can.VIEW, Can.FILL}
        assert abilities(by_email[adviser], station) == {Can.VIEW, Can.REVIEW}
        assert abilities(by_email[commander], db.session.get(Unit, org.station_b)) == set()


def test_unit_list_shows_only_visible_units(client, auth, make_user, org):
    auth.login(make_user(Role.COMMANDER, unit_id=org.station_a))
    page = client.get("/units").data
    assert b"Station-A" in page
    assert b"Station-B" not in page
