"""One transaction per request: a failure after the first change leaves the database as it was.

Each write path is driven through the web app as a person would, with a failure injected at
the last moment: the flush that writes the path's audit-log entry, activity event or outbox
message (every write path writes one of them after its change). The response is the error
page, and every table holds exactly what it held before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from audit.accounts.models import Role, User
from audit.activity.models import ActivityEvent
from audit.audits import services
from audit.audits.models import Audit, AuditLogEntry, ReviewQuery
from audit.extensions import db
from audit.outbox.models import OutboxMessage
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGN_OFF_FORM, SIGNED, World, fill_small

WRITES = (AuditLogEntry, ActivityEvent, OutboxMessage)


def everything(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    with world.app.app_context(), unit_of_work():
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in db.session.execute(select(table))), key=repr
            )
            for table in db.metadata.sorted_tables
        }


@pytest.fixture
def failing_write() -> Iterator[None]:
    """Make the flush that writes a log entry, activity event or outbox message fail."""

    def fail(session: Any, _context: Any, _instances: Any) -> None:
        if any(isinstance(obj, WRITES) for obj in session.new):
            raise RuntimeError("the database went away half-way")

    event.listen(db.session, "before_flush", fail)
    yield
    event.remove(db.session, "before_flush", fail)


def _user_id(world: World, who: str) -> int:
    with world.app.app_context(), unit_of_work():
        return world.user(who).id


def _submitted(world: World) -> World:
    fill_small(world)
    world.act(services.submit, "commander", SIGNED)
    return world


def _with_query(world: World) -> World:
    _submitted(world)
    world.act(services.open_query, "adviser", "AA1", "Which album?")
    return world


def _validated(world: World) -> World:
    _submitted(world)
    world.act(services.validate, "adviser")
    return world


def _query_id(world: World) -> int:
    with world.app.app_context(), unit_of_work():
        return db.session.scalars(select(ReviewQuery.id)).one()


#: (name, prepare the world, who asks, the request as (method path, form)).
PATHS: list[tuple[str, Callable[[World], World], str, Callable[[World], tuple[str, dict]]]] = [
    (
        "user edit",
        lambda w: w,
        "admin",
        lambda w: (
            f"/admin/users/{_user_id(w, 'commander')}",
            {"email": "new@example.org", "name": "New name", "locale": "", "enabled": "y"},
        ),
    ),
    (
        "role change",
        lambda w: w,
        "admin",
        lambda w: (
            f"/admin/users/{_user_id(w, 'commander')}/assignments",
            {"role": "admin", "unit_id": "0", "institution_id": "0", "country_id": "0"},
        ),
    ),
    (
        "answer save",
        lambda w: w,
        "commander",
        lambda w: (f"/audits/{w.audit}/answers/AA5", {"AA5": "4", "AA5__rev": "0"}),
    ),
    (
        "evidence",
        lambda w: w,
        "commander",
        lambda w: (f"/audits/{w.audit}/answers/AA1/evidence", {"reference": "Order 12/2026"}),
    ),
    (
        "query",
        _submitted,
        "adviser",
        lambda w: (f"/audits/{w.audit}/answers/AA1/queries", {"body": "Which album?"}),
    ),
    (
        "submit",
        lambda w: (fill_small(w), w)[1],
        "commander",
        lambda w: (f"/audits/{w.audit}/submit", SIGN_OFF_FORM),
    ),
    (
        "return",
        _with_query,
        "adviser",
        lambda w: (f"/audits/{w.audit}/return", {"reason": "See the query."}),
    ),
    (
        "reply",
        _with_query,
        "commander",
        lambda w: (f"/audits/queries/{_query_id(w)}/reply", {"body": "Album 12."}),
    ),
    (
        "validate",
        _submitted,
        "adviser",
        lambda w: (f"/audits/{w.audit}/validate", {"confirm": "y"}),
    ),
    (
        "reopen",
        _validated,
        "admin",
        lambda w: (f"/audits/{w.audit}/reopen", {"reason": "A figure was wrong."}),
    ),
    (
        "cycle open",
        lambda w: w,
        "admin",
        lambda w: (
            "/admin/cycles/new",
            {
                "name": "2027",
                "framework_version_id": str(w.version_id),
                "opens_on": "2027-01-01",
                "closes_on": "2027-12-31",
                "unit_ids": [str(w.org.station_a)],
            },
        ),
    ),
    (
        "cycle add units",
        lambda w: w,
        "admin",
        lambda w: (f"/admin/cycles/{w.cycle_id}/units", {"unit_ids": [str(w.org.hq)]}),
    ),
    (
        "cycle remove unit",
        lambda w: w,
        "admin",
        lambda w: (f"/admin/cycles/{w.cycle_id}/audits/{w.barracks_audit}/remove", {}),
    ),
    (
        "export request",
        _submitted,
        "commander",
        lambda w: ("/exports/", {"kind": "unit_scorecard", "audit_id": str(w.audit)}),
    ),
]


def _fail_after_the_view(world: World) -> None:
    """The view has done all its work and returned; something fails before the response
    leaves (this hook runs before the unit of work's own, which was registered first). A
    service that committed by itself would have stored its change already."""

    def fail(_response: Any) -> Any:
        raise RuntimeError("the response could not be finished")

    world.app.after_request(fail)


@pytest.mark.parametrize("failure", ["at the last write", "after the view"])
@pytest.mark.parametrize(("name", "prepare", "who", "request_of"), PATHS, ids=[p[0] for p in PATHS])
def test_a_failure_after_the_first_change_leaves_the_database_as_it_was(
    small_world: World,
    name: str,
    prepare: Any,
    who: str,
    request_of: Any,
    failure: str,
    request: Any,
) -> None:
    world = prepare(small_world)
    path, form = request_of(world)
    client = world.client(who)
    before = everything(world)
    world.app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production: the 500 page
    if failure == "after the view":
        _fail_after_the_view(world)
    else:
        request.getfixturevalue("failing_write")
    response = client.post(path, data=form)
    assert response.status_code == 500, (name, response.status_code)
    assert everything(world) == before, name


def test_the_same_requests_do_change_the_database_without_the_failure(small_world: World) -> None:
    """The check above is not vacuous: without the injected failure the request writes."""
    world = small_world
    before = everything(world)
    response = world.client("commander").post(
        f"/audits/{world.audit}/answers/AA5", data={"AA5": "4", "AA5__rev": "0"}
    )
    assert response.status_code == 200
    assert everything(world) != before


def test_a_short_password_shows_the_form_error_and_changes_nothing(small_world: World) -> None:
    world = small_world
    user_id = _user_id(world, "commander")
    before = everything(world)
    response = world.client("admin").post(
        f"/admin/users/{user_id}",
        data={
            "email": "renamed@example.org",
            "name": "Renamed",
            "locale": "",
            "enabled": "y",
            "password": "short",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Use at least 12 characters." in page
    assert everything(world) == before
    with world.app.app_context(), unit_of_work():
        assert db.session.get(User, user_id).name != "Renamed"


def test_work_of_a_rolled_back_request_never_reaches_a_worker(
    small_world: World, monkeypatch: pytest.MonkeyPatch, request: Any
) -> None:
    """The outbox message is sent from after_commit: a request that fails sends nothing."""
    world = small_world
    fill_small(world)
    sent: list[object] = []
    task = world.app.extensions["celery"].tasks["audit.scoring.build_scorecard"]
    monkeypatch.setattr(task, "apply_async", lambda *a, **k: sent.append(a))
    world.app.config["PROPAGATE_EXCEPTIONS"] = False
    client = world.client("commander")
    request.getfixturevalue("failing_write")
    response = client.post(f"/audits/{world.audit}/submit", data=SIGN_OFF_FORM)
    assert response.status_code == 500
    assert sent == []
    with world.app.app_context(), unit_of_work():
        assert db.session.get(Audit, world.audit).submitted_at is None


def test_a_task_is_one_unit_of_work(small_world: World) -> None:
    """FlaskTask commits when the task returns and rolls back when it raises."""
    world = small_world
    celery = world.app.extensions["celery"]

    @celery.task(name="tests.rename_then_fail", bind=True, shared=False)
    def rename_then_fail(self: Any, user_id: int, fail: bool) -> None:
        db.session.get(User, user_id).name = "Renamed by a task"
        db.session.flush()
        if fail:
            raise RuntimeError("late failure")

    user_id = _user_id(world, "commander")
    with pytest.raises(RuntimeError):
        rename_then_fail.apply(args=[user_id, True], throw=True)
    with world.app.app_context(), unit_of_work():
        assert db.session.get(User, user_id).name != "Renamed by a task"
    rename_then_fail.apply(args=[user_id, False], throw=True)
    with world.app.app_context(), unit_of_work():
        assert db.session.get(User, user_id).name == "Renamed by a task"


def test_a_command_is_one_unit_of_work(small_world: World) -> None:
    """`flask users create --admin` either creates the account with its role or nothing."""
    world = small_world
    runner = world.app.test_cli_runner()
    args = ["users", "create", "--email", "fresh@example.org", "--name", "Fresh", "--admin"]
    password = "long enough password\nlong enough password\n"

    def fail_on_the_role(session: Any, _context: Any, _instances: Any) -> None:
        if any(isinstance(obj, ActivityEvent) and "role" in obj.action for obj in session.new):
            raise RuntimeError("the database went away half-way")

    def fresh() -> User | None:
        with world.app.app_context(), unit_of_work():
            return db.session.scalar(select(User).where(User.email == "fresh@example.org"))

    event.listen(db.session, "before_flush", fail_on_the_role)
    try:
        result = runner.invoke(args=args, input=password)
    finally:
        event.remove(db.session, "before_flush", fail_on_the_role)
    assert result.exit_code != 0
    assert fresh() is None  # the account created before the failure went with it
    result = runner.invoke(args=args, input=password)
    assert result.exit_code == 0, result.output
    with world.app.app_context(), unit_of_work():
        user = db.session.scalar(select(User).where(User.email == "fresh@example.org"))
        assert user is not None
        assert user.has_role(Role.ADMIN)
