"""Administrators open and close audit cycles; bad input is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import event, select

from audit import refusals
from audit.accounts.models import Role, User
from audit.audits import messages, services
from audit.audits.models import Audit, AuditCycle, AuditState, CycleStatus
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.orgs import services as orgs
from audit.orgs.models import UnitType
from audit.refusals import catalog
from audit.transactions import unit_of_work
from tests.conftest import PASSWORD, csrf_token, make_app, row_count

TABLES = ("audit_cycles", "audits", "audit_log")


def _framework(app) -> int:
    """Load the shipped framework; its version id."""
    with app.app_context(), unit_of_work():
        return frameworks.load(frameworks.SHIPPED / "wps-2026.1").version.id


def _counts(app) -> dict[str, int]:
    return {table: row_count(app, table) for table in TABLES}


def _form(version_id, unit_ids, **changes):
    data = {
        "name": "2026",
        "framework_version_id": version_id,
        "opens_on": "2026-01-01",
        "closes_on": "2026-12-31",
        "unit_ids": unit_ids,
    }
    return data | changes


def _open(app, email, name, unit_ids) -> int:
    """Open a cycle through the service as the given administrator; its id."""
    version_id = _framework(app)
    with app.app_context(), unit_of_work():
        admin = db.session.scalar(select(User).filter_by(email=email))
        cycle = services.open_cycle(
            admin,
            name=name,
            framework_version_id=version_id,
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31),
            unit_ids=unit_ids,
        )
        return cycle.id


def _status(app, cycle_id) -> CycleStatus:
    with app.app_context(), unit_of_work():
        return db.session.get(AuditCycle, cycle_id).status


def _cell(page: str, state: str) -> list[str]:
    return re.findall(rf'data-state="{state}">(\d+)<', page)


def test_admin_opens_a_cycle_for_two_units(app, client, auth, make_user, org):
    version_id = _framework(app)
    auth.login(make_user(Role.ADMIN))
    page = client.get("/admin/cycles/new").data.decode()
    assert "Police (Lebanon)" in page
    assert "Army (Lebanon)" in page
    assert f'value="{org.station_a}"' in page
    response = client.post(
        "/admin/cycles/new", data=_form(version_id, [org.station_a, org.barracks])
    )
    assert response.status_code == 302
    assert response.location.endswith("/admin/cycles/")
    with app.app_context(), unit_of_work():
        cycle = db.session.scalars(select(AuditCycle)).one()
        assert cycle.name == "2026"
        assert cycle.framework_version_id == version_id
        assert cycle.status is CycleStatus.OPEN
        audits = db.session.scalars(select(Audit).order_by(Audit.unit_id)).all()
        assert sorted(a.unit_id for a in audits) == sorted([org.station_a, org.barracks])
        assert {a.state for a in audits} == {AuditState.NOT_STARTED}
        assert {a.cycle_id for a in audits} == {cycle.id}
    page = client.get(response.location).data.decode()
    assert "The audit cycle has been opened." in page
    assert "Dec 31, 2026" in page  # formatted by Babel for the page's language
    assert _cell(page, "not_started") == ["2"]


def test_a_second_cycle_with_the_same_name_is_refused(app, client, auth, make_user, org):
    version_id = _framework(app)
    auth.login(make_user(Role.ADMIN))
    assert client.post("/admin/cycles/new", data=_form(version_id, [org.hq])).status_code == 302
    before = _counts(app)
    response = client.post("/admin/cycles/new", data=_form(version_id, [org.station_b]))
    assert response.status_code == 200
    assert "Another cycle already has this name." in response.data.decode()
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        (
            {"opens_on": "2026-06-01", "closes_on": "2026-05-31"},
            "The closing date cannot be before the opening date.",
        ),
        ({"unit_ids": []}, "Choose at least one unit from the list."),
        ({"name": "   "}, "This field is required."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"opens_on": "31/12/2026"}, "Not a valid date value."),
        ({"closes_on": ""}, "This field is required."),
    ],
)
def test_bad_cycles_are_refused_and_change_nothing(
    app, client, auth, make_user, org, changes, text
):
    version_id = _framework(app)
    auth.login(make_user(Role.ADMIN))
    response = client.post("/admin/cycles/new", data=_form(version_id, [org.hq]) | changes)
    assert response.status_code == 200
    assert text in response.data.decode()
    assert _counts(app) == dict.fromkeys(TABLES, 0)


def test_forged_framework_and_unit_ids_are_not_valid_choices(app, client, auth, make_user, org):
    version_id = _framework(app)
    with app.app_context(), unit_of_work():
        inactive = orgs.save_unit(
            None,
            None,
            institution_id=org.police,
            parent_id=None,
            code="OLD",
            name="Old",
            unit_type=UnitType.STATION,
            active=False,
        ).id
    auth.login(make_user(Role.ADMIN))
    assert f'value="{inactive}"' not in client.get("/admin/cycles/new").data.decode()
    for data in (
        _form(version_id + 1000, [org.hq]),
        _form("abc", [org.hq]),
        _form(version_id, [org.hq, 999_999]),
        _form(version_id, [org.hq, "abc"]),
        _form(version_id, [inactive]),
    ):
        response = client.post("/admin/cycles/new", data=data)
        assert response.status_code == 200, data
        assert "Not a valid choice" in response.data.decode(), data
    assert _counts(app) == dict.fromkeys(TABLES, 0)


def test_admin_closes_a_cycle(app, client, auth, make_user, org):
    email = make_user(Role.ADMIN)
    cycle_id = _open(app, email, "2026", [org.hq])
    auth.login(email)
    page = client.get("/admin/cycles/").data.decode()
    assert f'action="/admin/cycles/{cycle_id}/close"' in page
    response = client.post(f"/admin/cycles/{cycle_id}/close", follow_redirects=True)
    assert response.status_code == 200
    page = response.data.decode()
    assert "The audit cycle has been closed." in page
    assert "Closed" in page
    assert f'action="/admin/cycles/{cycle_id}/close"' not in page
    assert _status(app, cycle_id) is CycleStatus.CLOSED
    response = client.post(f"/admin/cycles/{cycle_id}/close", follow_redirects=True)
    assert "already closed" in response.data.decode()
    assert _status(app, cycle_id) is CycleStatus.CLOSED


def test_closing_an_unknown_cycle_is_not_found(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    assert client.post("/admin/cycles/4242/close").status_code == 404


@pytest.mark.parametrize("role", [Role.COMMANDER, Role.ADVISER, Role.DONOR])
def test_other_roles_are_refused_every_cycle_page(app, client, auth, make_user, org, role):
    cycle_id = _open(app, make_user(Role.ADMIN), "2026", [org.station_a])
    version_id = _framework(app)
    scope = {"donor": {"country_id": org.country}}.get(role.value, {"unit_id": org.station_a})
    auth.login(make_user(role, **scope))
    before = _counts(app)
    assert client.get("/admin/cycles/").status_code == 403
    assert client.get("/admin/cycles/new").status_code == 403
    response = client.post("/admin/cycles/new", data=_form(version_id, [org.hq], name="2027"))
    assert response.status_code == 403
    assert client.post(f"/admin/cycles/{cycle_id}/close").status_code == 403
    assert _counts(app) == before
    assert _status(app, cycle_id) is CycleStatus.OPEN


def test_anonymous_visitors_are_sent_to_login(app, client, org, make_user):
    cycle_id = _open(app, make_user(Role.ADMIN), "2026", [org.hq])
    for response in (
        client.get("/admin/cycles/"),
        client.get("/admin/cycles/new"),
        client.post("/admin/cycles/new", data={"name": "2027"}),
        client.post(f"/admin/cycles/{cycle_id}/close"),
    ):
        assert response.status_code == 302
        assert "/login" in response.location
    assert _status(app, cycle_id) is CycleStatus.OPEN
    assert row_count(app, "audit_cycles") == 1


def test_the_list_shows_how_many_audits_are_in_each_state(app, client, auth, make_user, org):
    email = make_user(Role.ADMIN)
    first = _open(app, email, "2025", [org.hq, org.region, org.station_a])
    second = _open(app, email, "2026", [org.station_b, org.barracks])
    with app.app_context(), unit_of_work():
        audit = db.session.scalar(select(Audit).filter_by(cycle_id=first, unit_id=org.region))
        audit.state = AuditState.IN_PROGRESS
        db.session.commit()
    auth.login(email)
    page = client.get("/admin/cycles/").data.decode()
    for label in ("Not started", "In progress", "Submitted", "Returned to the unit", "Validated"):
        assert f'<th scope="col">{label}</th>' in page
    first_row = page.split(f"/admin/cycles/{first}/close")[0].split("<tr>")[-1]
    second_row = page.split(f"/admin/cycles/{second}/close")[0].split("<tr>")[-1]
    assert "2025" in first_row
    assert _cell(first_row, "not_started") == ["2"]
    assert _cell(first_row, "in_progress") == ["1"]
    assert _cell(first_row, "validated") == ["0"]
    assert "2026" in second_row
    assert _cell(second_row, "not_started") == ["2"]
    assert _cell(second_row, "in_progress") == ["0"]


def test_the_list_reads_the_counts_in_one_query(app, client, auth, make_user, org):
    email = make_user(Role.ADMIN)
    _open(app, email, "2025", [org.hq])
    auth.login(email)

    def statements() -> int:
        seen: list[str] = []
        with app.app_context(), unit_of_work():
            engine = db.engine

        def record(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get("/admin/cycles/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(seen)

    one = statements()
    _open(app, email, "2026", [org.region, org.station_a])
    _open(app, email, "2027", [org.station_b, org.barracks])
    assert statements() == one


def test_closing_needs_the_csrf_token(app, database_url, tmp_path, make_user, org):
    email = make_user(Role.ADMIN)
    cycle_id = _open(app, email, "2026", [org.hq])
    client = make_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").data.decode()
    client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    assert client.post(f"/admin/cycles/{cycle_id}/close").status_code == 400
    assert _status(app, cycle_id) is CycleStatus.OPEN
    page = client.get("/admin/cycles/").data.decode()
    response = client.post(f"/admin/cycles/{cycle_id}/close", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert _status(app, cycle_id) is CycleStatus.CLOSED


# --- messages ---------------------------------------------------------------------------------


AUDIT = Path(refusals.__file__).parent.parent


def _keys(pattern: str) -> set[str]:
    """Every key the code refuses with (or reports a problem with), anywhere in audit/."""
    return {
        key
        for path in AUDIT.rglob("*.py")
        if "migrations" not in path.parts
        for key in re.findall(pattern, path.read_text())
    }


def test_every_refusal_and_problem_has_a_message_in_the_one_catalog():
    reasons = _keys(r'Refused\(\s*"([a-z_]+)"')
    problems = _keys(r'Problem\(\s*"([a-z_]+)"')
    assert {"cycle_name_taken", "not_allowed", "wrong_state", "unknown_action"} <= reasons
    assert {"email_taken", "password_too_short", "unit_code_taken", "last_admin"} <= reasons
    assert {"required", "cell_not_a_number", "conflict"} <= problems
    assert sorted((reasons | problems) - set(catalog.MESSAGES)) == []


def test_messages_fill_in_their_parameters_and_fall_back(app):
    with app.test_request_context():
        assert refusals.message("file_too_large", max_mb=10) == (
            "The file is too large: at most 10 MB."
        )
        assert "12" in refusals.message("submission_blocked", count=12)
        assert refusals.message("too_long", max=500, length=600) == (
            "The text is too long: at most 500 characters."
        )
        assert refusals.message("too_large").startswith("The number must be at most")
        assert refusals.message("no_such_reason") == "This could not be saved."
        assert str(messages.STATE_LABELS[AuditState.RETURNED]) == "Returned to the unit"
        assert str(messages.STATE_LABELS["not_started"]) == "Not started"
        assert str(messages.CYCLE_STATUS_LABELS[CycleStatus.CLOSED]) == "Closed"
