"""Units join an open cycle (or leave it while their audit has not started), the cycle form
picks whole institutions or the last cycle's units, and a commander whose unit has no audit is
told why. Only administrators change cycles."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from audit.accounts.models import Role
from audit.activity.models import ActivityEvent
from audit.audits import services
from audit.audits.models import Audit, AuditLogEntry, AuditState
from audit.audits.services.log import write
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import Unit, UnitType
from audit.refusals import Refused
from audit.transactions import unit_of_work
from tests.audits.conftest import World
from tests.conftest import Org, UserFactory, csrf_token, make_app, row_count

TABLES = ("audit_cycles", "audits", "audit_log", "activity_events")


def counts(app: Flask) -> dict[str, int]:
    return {table: row_count(app, table) for table in TABLES}


def new_station(world: World, code: str = "STATION-C") -> int:
    """A police station created after the cycle was opened."""
    with world.app.app_context(), unit_of_work():
        return orgs.save_unit(
            None,
            None,
            institution_id=world.org.police,
            parent_id=world.org.region,
            code=code,
            name=code.title(),
            unit_type=UnitType.STATION,
        ).id


def audits_of(world: World) -> dict[int, AuditState]:
    """The cycle's audits: unit id → state."""
    with world.app.app_context(), unit_of_work():
        return dict(
            db.session.execute(
                select(Audit.unit_id, Audit.state).where(Audit.cycle_id == world.cycle_id)
            )
            .tuples()
            .all()
        )


def text(response) -> str:
    return response.get_data(as_text=True)


# --- a unit created while the cycle is open ----------------------------------------------------


def test_a_new_unit_joins_the_open_cycle_and_its_commander_is_told_until_then(
    small_world: World, make_user: UserFactory
):
    world = small_world
    station = new_station(world)
    world.emails["new_commander"] = make_user(Role.COMMANDER, unit_id=station)
    home = text(world.client("new_commander").get("/"))
    assert (
        "Your unit Station-C is not part of the open cycle 2026: ask an administrator to add it."
        in home
    )
    # The administrator sees the unit among those that may still join (and not those that did).
    page = text(world.client("admin").get(f"/admin/cycles/{world.cycle_id}"))
    assert f'name="unit_ids" value="{station}"' in page
    assert f'name="unit_ids" value="{world.org.station_a}"' not in page
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/units", data={"unit_ids": [station]}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/cycles/{world.cycle_id}")
    assert audits_of(world)[station] is AuditState.NOT_STARTED
    with world.app.app_context(), unit_of_work():
        audit = db.session.scalar(select(Audit).filter_by(cycle_id=world.cycle_id, unit_id=station))
        assert [e.action for e in services.history(audit)] == ["audit.created"]
    page = text(world.client("admin").get(response.location))
    assert "Units added to the cycle: Station-C." in page
    assert f'<tr data-unit="{station}">' in page
    # The commander now has the audit to fill in, and no explanation any more.
    home = text(world.client("new_commander").get("/"))
    assert "Station-C — 2026" in home
    assert "is not part of the open cycle" not in home


def test_every_unit_of_an_institution_joins_in_one_tick(small_world: World):
    world = small_world
    station = new_station(world)
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/units", data={"institution_ids": [world.org.police]}
    )
    assert response.status_code == 302
    in_cycle = audits_of(world)
    org = world.org
    for unit in (org.hq, org.region, station, org.station_a, org.station_b, org.barracks):
        assert unit in in_cycle
    assert len(in_cycle) == 6


@pytest.mark.parametrize(
    "data",
    [
        {},  # nothing chosen
        {"unit_ids": ["abc"]},
        {"unit_ids": ["999999"]},
        {"institution_ids": ["999999"]},
    ],
)
def test_bad_additions_are_refused_and_change_nothing(small_world: World, data):
    world = small_world
    before = counts(world.app)
    response = world.client("admin").post(f"/admin/cycles/{world.cycle_id}/units", data=data)
    assert response.status_code == 200
    page = text(response)
    assert "Not a valid choice" in page or "Choose at least one unit from the list." in page
    assert counts(world.app) == before


def test_a_unit_already_in_the_cycle_is_not_offered_and_not_added_twice(small_world: World):
    world = small_world
    before = counts(world.app)
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/units", data={"unit_ids": [world.org.station_a]}
    )
    assert response.status_code == 200
    assert "Not a valid choice" in text(response)
    assert counts(world.app) == before
    # And the service refuses on its own too.
    with world.app.app_context(), unit_of_work():
        cycle = db.session.get(Audit, world.audit).cycle
        with pytest.raises(Refused) as err:
            services.add_units(world.user("admin"), cycle, [world.org.station_a])
        assert err.value.key == "unit_in_cycle"


def test_an_inactive_unit_cannot_join(small_world: World):
    world = small_world
    with world.app.app_context(), unit_of_work():
        inactive = orgs.save_unit(
            None,
            None,
            institution_id=world.org.police,
            parent_id=None,
            code="OLD",
            name="Old",
            unit_type=UnitType.STATION,
            active=False,
        ).id
    assert f'value="{inactive}"' not in text(
        world.client("admin").get(f"/admin/cycles/{world.cycle_id}")
    )
    before = counts(world.app)
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/units", data={"unit_ids": [inactive]}
    )
    assert "Not a valid choice" in text(response)
    assert counts(world.app) == before


def test_a_closed_cycle_takes_no_units(small_world: World):
    world = small_world
    station = new_station(world)
    world.client("admin").post(f"/admin/cycles/{world.cycle_id}/close")
    page = text(world.client("admin").get(f"/admin/cycles/{world.cycle_id}"))
    assert "Add to the cycle" not in page
    assert "Take out" not in page
    before = counts(world.app)
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/units", data={"unit_ids": [station]}, follow_redirects=True
    )
    assert "This audit cycle is closed" in text(response)
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/audits/{world.barracks_audit}/remove",
        follow_redirects=True,
    )
    assert "This audit cycle is closed" in text(response)
    assert counts(world.app) == before


# --- taking a unit out --------------------------------------------------------------------------


def test_a_unit_whose_audit_has_not_started_is_taken_out(small_world: World):
    world = small_world
    page = text(world.client("admin").get(f"/admin/cycles/{world.cycle_id}"))
    assert f"/admin/cycles/{world.cycle_id}/audits/{world.barracks_audit}/remove" in page
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/audits/{world.barracks_audit}/remove",
        follow_redirects=True,
    )
    assert "Barracks has been taken out of the cycle." in text(response)
    assert world.org.barracks not in audits_of(world)
    with world.app.app_context(), unit_of_work():
        assert db.session.get(Audit, world.barracks_audit) is None
        assert not db.session.scalar(
            select(func.count()).where(AuditLogEntry.audit_id == world.barracks_audit)
        )
        event = db.session.scalars(
            select(ActivityEvent).filter_by(action="audits.audit.removed")
        ).one()
        assert event.object_id == world.cycle_id
        assert event.details["unit"] == "Barracks"
    # It can come back, with a new audit.
    world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/units", data={"unit_ids": [world.org.barracks]}
    )
    assert audits_of(world)[world.org.barracks] is AuditState.NOT_STARTED


def test_a_started_audit_cannot_be_taken_out(small_world: World):
    world = small_world
    assert world.save("AA5", "4").saved
    page = text(world.client("admin").get(f"/admin/cycles/{world.cycle_id}"))
    assert f"/audits/{world.audit}/remove" not in page  # no button for it
    before = counts(world.app)
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/audits/{world.audit}/remove", follow_redirects=True
    )
    assert (
        "The audit of Station-A has already started, so the unit cannot be taken out of the cycle."
        in text(response)
    )
    assert counts(world.app) == before
    assert world.org.station_a in audits_of(world)


def test_any_event_in_the_log_counts_as_started(small_world: World):
    world = small_world
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.other_audit)
        assert not services.audit_started(audit)
        write(audit, None, "note.added", note="A reminder was sent.")
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.other_audit)
        assert audit.state is AuditState.NOT_STARTED
        assert services.audit_started(audit)
    response = world.client("admin").post(
        f"/admin/cycles/{world.cycle_id}/audits/{world.other_audit}/remove", follow_redirects=True
    )
    assert "has already started" in text(response)
    assert world.org.station_b in audits_of(world)


def test_an_audit_of_another_cycle_or_none_is_not_found(small_world: World):
    world = small_world
    admin = world.client("admin")
    assert (
        admin.post(f"/admin/cycles/{world.cycle_id + 1}/audits/{world.audit}/remove").status_code
        == 404
    )
    assert admin.post(f"/admin/cycles/{world.cycle_id}/audits/999999/remove").status_code == 404
    assert admin.get("/admin/cycles/999999").status_code == 404
    assert (
        admin.post("/admin/cycles/999999/units", data={"unit_ids": [world.org.hq]}).status_code
        == 404
    )


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["commander", "adviser", "donor"])
def test_only_administrators_change_a_cycle(small_world: World, who: str):
    world = small_world
    client = world.client(who)
    before = counts(world.app)
    assert client.get(f"/admin/cycles/{world.cycle_id}").status_code == 403
    assert (
        client.post(
            f"/admin/cycles/{world.cycle_id}/units", data={"unit_ids": [world.org.hq]}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/admin/cycles/{world.cycle_id}/audits/{world.barracks_audit}/remove"
        ).status_code
        == 403
    )
    assert counts(world.app) == before


def test_anonymous_visitors_are_sent_to_sign_in(small_world: World):
    world = small_world
    client = world.client(None)
    for response in (
        client.get(f"/admin/cycles/{world.cycle_id}"),
        client.post(f"/admin/cycles/{world.cycle_id}/units", data={"unit_ids": [world.org.hq]}),
        client.post(f"/admin/cycles/{world.cycle_id}/audits/{world.barracks_audit}/remove"),
    ):
        assert response.status_code == 302
        assert "/login" in response.location
    assert world.org.hq not in audits_of(world)
    assert world.org.barracks in audits_of(world)


def test_adding_and_taking_out_need_the_csrf_token(small_world: World, database_url, tmp_path):
    world = small_world
    client = make_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True).test_client()
    with world.app.app_context(), unit_of_work():
        token = world.user("admin").login_token
    with client.session_transaction() as session:
        session["_user_id"] = token
    before = counts(world.app)
    add = f"/admin/cycles/{world.cycle_id}/units"
    remove = f"/admin/cycles/{world.cycle_id}/audits/{world.barracks_audit}/remove"
    assert client.post(add, data={"unit_ids": [world.org.hq]}).status_code == 400
    assert client.post(remove).status_code == 400
    assert counts(world.app) == before
    page = text(client.get(f"/admin/cycles/{world.cycle_id}"))
    assert (
        client.post(
            add, data={"unit_ids": [world.org.hq], "csrf_token": csrf_token(page)}
        ).status_code
        == 302
    )
    assert world.org.hq in audits_of(world)


# --- opening a cycle ------------------------------------------------------------------------------


def test_opening_offers_the_last_cycles_units(small_world: World):
    world = small_world
    admin = world.client("admin")
    page = text(admin.get("/admin/cycles/new"))
    link = re.search(r'<a href="([^"]+)" data-check-units="([^"]+)">([^<]+)</a>', page)
    assert link, "no 'same units' link"
    assert link.group(3) == "Same units as the last cycle (2026)"
    org = world.org
    assert sorted(map(int, link.group(2).split())) == sorted(
        [org.station_a, org.station_b, org.barracks]
    )
    # Without JavaScript the link reloads the form with those units ticked.
    page = text(admin.get(link.group(1).replace("&amp;", "&")))
    ticked = {int(v) for v in re.findall(r'name="unit_ids" value="(\d+)" checked', page)}
    assert ticked == {org.station_a, org.station_b, org.barracks}
    # An unknown or malformed cycle ticks nothing (and is no error).
    for bad in ("999999", "abc", "99999999999999"):
        page = text(admin.get(f"/admin/cycles/new?units_from={bad}"))
        assert " checked" not in page.split('name="unit_ids"', 1)[1], bad


def test_opening_with_a_whole_institution_ticked(small_world: World):
    world = small_world
    page = text(world.client("admin").get("/admin/cycles/new"))
    assert f'name="institution_ids" value="{world.org.police}" data-select-all' in page
    assert "Every unit of Police (Lebanon) (4)" in page
    response = world.client("admin").post(
        "/admin/cycles/new",
        data={
            "name": "2027",
            "framework_version_id": world.version_id,
            "opens_on": "2027-01-01",
            "closes_on": "2027-12-31",
            "institution_ids": [world.org.police],
            "unit_ids": [world.org.barracks],
        },
    )
    assert response.status_code == 302
    with world.app.app_context(), unit_of_work():
        units = set(
            db.session.scalars(
                select(Audit.unit_id).join(Audit.cycle).where(Audit.cycle_id != world.cycle_id)
            )
        )
        police = set(db.session.scalars(select(Unit.id).filter_by(institution_id=world.org.police)))
    assert units == police | {world.org.barracks}


# --- the commander's home page --------------------------------------------------------------------


def test_a_commander_without_any_open_cycle_is_told_so(org: Org, make_user: UserFactory, auth):
    auth.login(make_user(Role.COMMANDER, unit_id=org.station_a))
    page = text(auth.client.get("/"))
    assert "No audit cycle is open at the moment, so Station-A has no audit to fill in." in page


def test_advisers_and_commanders_with_audits_see_no_explanation(small_world: World):
    for who in ("commander", "adviser", "admin"):
        assert "Why an audit is missing" not in text(small_world.client(who).get("/")), who
