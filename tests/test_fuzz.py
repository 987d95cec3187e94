"""Hostile requests over every route as every person: never a 500, never a change.

Hypothesis draws a route of the URL map (every GET and POST), fills its path with real ids,
unknown ids, ids beyond any column and negative ones, and sends a hostile form body, JSON body
or query string as the anonymous visitor and as each of the six people of a world. Every value
is one the app must refuse (see tests/fuzz_support.py), so the database must be exactly as it
was afterwards: its fingerprint (row count and a digest of every row of every table) is compared
after each drawn request. On SQLite it sends over 2,000 requests; the [postgresql] variant sends
a few hundred, where a NUL byte or an out-of-range integer would reach a server that refuses
them (DataError) rather than store them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select

from audit.accounts.models import RoleAssignment, User
from audit.audits.models import Evidence, ReviewQuery
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.audits.conftest import ROLES, SMALL, World, _build, fill_small
from tests.fuzz_support import (
    BAD_VALUE,
    HUGE,
    JSON_RAW,
    ODD,
    Errors,
    Target,
    dumps,
    fingerprint,
    form_body,
    json_body,
    path_for,
    targets,
)

#: Actions that take no input at all, so any POST rightly acts: signing out (it rotates the
#: login token), the heartbeat (it queues a task) and starting two-step set-up (it draws a new
#: pending secret). Each is tested on its own (test_login, test_real_worker, test_two_step).
SKIPPED = frozenset({"accounts.logout", "system.ping", "two_step.begin"})

#: Actions that take no input but the ids in their path: with a real id they would rightly
#: act, so they only ever get ids that are not real.
NO_INPUT = frozenset(
    {
        "accounts.assignment_delete",
        "cycles.remove_audit",
        "cycles.close",
        "audits.reopen",
        "audits.validate",
        "audits.evidence_delete",
        "two_step.admin_reset",
    }
)

WHO = (None, *ROLES)  # None: not signed in

NOT_REAL_IDS = ("999999", HUGE, "2147483648", "-1", "0", "1e3", "%00")
ODD_SEGMENTS = ("%00", "AA%00", quote("\u202e"), "A" * 300, "..", quote("١"), HUGE)


@pytest.fixture
def hostile_world(app, org, make_user) -> World:
    """The small world with station A's audit answered and evidence attached."""
    world = _build(app, org, make_user, SMALL)
    fill_small(world)
    return world


def _real_ids(world: World) -> dict[str, list[str]]:
    with world.app.app_context(), unit_of_work():
        ids = {
            "assignment_id": db.session.scalars(select(RoleAssignment.id)).all(),
            "user_id": db.session.scalars(select(User.id)).all(),
            "evidence_id": db.session.scalars(select(Evidence.id)).all(),
            "query_id": db.session.scalars(select(ReviewQuery.id)).all(),
        }
    org = world.org
    ids |= {
        "country_id": [org.country],
        "institution_id": [org.police, org.army],
        "unit_id": [org.hq, org.station_a, org.barracks],
        "cycle_id": [world.cycle_id],
        "audit_id": [world.audit, world.other_audit, world.barracks_audit],
        "version_id": [world.version_id],
        "export_id": [],
        "code": ["AA", "BB", "AA1", "AA4"],
        "kind": ["domain", "recommendation", "overall"],
        "filename": ["app.css", "js/audit-form.js"],
    }
    return {name: [str(i) for i in values] for name, values in ids.items()}


@st.composite
def hostile_requests(draw: st.DrawFn, world: World, pool: list[Target]) -> dict[str, Any]:
    """One hostile request: a route, its path, and a body or query string."""
    target = draw(st.sampled_from(pool))
    real = world._real  # type: ignore[attr-defined]
    values = {}
    for name in target.rule.arguments:
        ints = name.endswith("_id")
        bad = NOT_REAL_IDS if ints else ODD_SEGMENTS
        choices = list(bad)
        if target.endpoint not in NO_INPUT or target.method == "GET":
            choices += real.get(name, []) * 3  # real ids most often: the forms behind them
        values[name] = draw(st.sampled_from(choices))
    request: dict[str, Any] = {
        "path": path_for(target.rule, values),
        "method": target.method,
        "headers": {"X-Fuzz-Endpoint": target.endpoint},  # named in the report; the app ignores it
    }
    shape = draw(st.sampled_from(["form", "json", "raw", "query"]))
    if target.method == "GET" or shape == "query":
        names = draw(st.lists(st.sampled_from(_query_names()), min_size=1, max_size=4))
        request["query_string"] = {n: draw(st.one_of(BAD_VALUE, ODD)) for n in names}
    if target.method == "POST":
        if shape == "json":
            request |= {"data": dumps(json_body(draw))}
            request["content_type"] = "application/json"
        elif shape == "raw":
            request |= {"data": draw(JSON_RAW), "content_type": "application/json"}
        else:
            request["data"] = form_body(draw)
    return request


def _query_names() -> list[str]:
    from tests.fuzz_support import FIELDS

    return [
        *FIELDS,
        "page",
        "before",
        "units_from",
        "cycle",
        "q",
        "next",
        "institution",
        "state",
        "sort",
        "queue",
        "band",
        "domain",
    ]


def _fuzz(world: World, examples: int) -> int:
    app = world.app
    world._real = _real_ids(world)  # type: ignore[attr-defined]
    pool = targets(app, SKIPPED)
    clients = {who: world.client(who) for who in WHO}
    errors = Errors()
    app.logger.addHandler(errors)
    with app.app_context():
        before = fingerprint()
    problems: dict[str, str] = {}  # what went wrong where -> one request that shows it
    sent = {"count": 0}

    def target(request: dict[str, Any]) -> str:
        return request["headers"]["X-Fuzz-Endpoint"]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # every problem is collected, none shrunk
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @seed(20261213)  # the same requests every run, so a failure can be replayed
    @given(request=hostile_requests(world, pool))
    def run(request: dict[str, Any]) -> None:
        for who, client in clients.items():
            errors.seen.clear()
            with client.open(**request) as response:  # closed: static files stay open otherwise
                status = response.status_code
            sent["count"] += 1
            if status >= 500:
                seen = errors.seen[0] if errors.seen else "?"
                key = f"{status} {request['method']} {target(request)} {seen[:90]}"
                problems.setdefault(key, f"as {who}: {_show(request)}")
        with app.app_context():
            after = fingerprint()
        changed = sorted(t for t in after if after[t] != before[t])
        if changed:
            problems.setdefault(f"changed {changed} {target(request)}", _show(request))
            before.update(after)

    try:
        run()
    finally:
        app.logger.removeHandler(errors)
    assert not problems, f"{len(problems)} problems in {sent['count']} requests:\n" + "\n".join(
        f"{key}\n    {example}" for key, example in sorted(problems.items())
    )
    return sent["count"]


def _show(request: dict[str, Any]) -> str:
    shown = {k: (str(v)[:200] if k == "data" else v) for k, v in request.items()}
    return repr(shown)[:400]


def test_hostile_requests_never_fail_or_change_anything(hostile_world, database_url) -> None:
    postgres = database_url.startswith("postgresql")
    sent = _fuzz(hostile_world, examples=60 if postgres else 480)
    assert sent >= (400 if postgres else 3_000)
