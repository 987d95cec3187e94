"""Racing requests on one audit: each state change happens once, and nothing is saved into an
audit after it was submitted.

Every round releases real concurrent requests with a barrier (threads, each with its own
client, so each is its own request with its own database connection): two submits and an
autosave, then two validations, then the administrator reopens for the next round. On
PostgreSQL the audit's row lock (``SELECT … FOR UPDATE``) serializes them; on SQLite the
writing requests begin with ``BEGIN IMMEDIATE``. Both backends run every round.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from audit.audits.models import AuditLogEntry, AuditState
from audit.extensions import db
from audit.outbox.models import OutboxMessage
from audit.scoring.models import ScorecardSnapshot, Trigger
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGN_OFF_FORM, World, fill_small

ROUNDS = 20


def _signed_in(world: World, who: str) -> FlaskClient:
    """Another client of the same person (a second tab, a double click, a retried request)."""
    client = world.app.test_client()
    with world.app.app_context(), unit_of_work():
        token = world.user(who).login_token
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def _race(*calls: Callable[[], TestResponse]) -> list[TestResponse]:
    """Run the calls at the same moment, each in its own thread; their responses in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], TestResponse]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # reported by the assertion below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        assert isinstance(result, TestResponse), result
        assert result.status_code < 500, result.status_code
    return results


def _tally(world: World) -> dict[str, Any]:
    """What one audit's rounds have written so far."""
    with world.app.app_context(), unit_of_work():

        def logged(action: str) -> list[int]:
            return list(
                db.session.scalars(
                    select(AuditLogEntry.id)
                    .where(AuditLogEntry.audit_id == world.audit)
                    .where(AuditLogEntry.action == action)
                    .order_by(AuditLogEntry.id)
                )
            )

        def snapshots(trigger: Trigger) -> int:
            return db.session.scalar(
                select(func.count(ScorecardSnapshot.id))
                .where(ScorecardSnapshot.audit_id == world.audit)
                .where(ScorecardSnapshot.trigger == trigger)
            )

        return {
            "state": world.state(),
            "submitted": logged("audit.submitted"),
            "validated": logged("audit.validated"),
            "saved": logged("answer.saved"),
            "outbox": db.session.scalar(select(func.count(OutboxMessage.id))),
            "submitted_snapshots": snapshots(Trigger.SUBMITTED),
            "validated_snapshots": snapshots(Trigger.VALIDATED),
        }


def test_racing_submits_validations_and_autosaves_each_happen_once(small_world: World) -> None:
    w = small_world
    fill_small(w)
    commanders = [_signed_in(w, "commander") for _ in range(3)]
    advisers = [_signed_in(w, "adviser") for _ in range(2)]
    admin = _signed_in(w, "admin")
    base = f"/audits/{w.audit}"
    for round_ in range(1, ROUNDS + 1):
        revision = w.revision("AA5")

        def submit(client: FlaskClient) -> Callable[[], TestResponse]:
            return lambda: client.post(f"{base}/submit", data=SIGN_OFF_FORM)

        data = {"AA5": str(4 + round_), "AA5__rev": str(revision)}

        def autosave(data: dict[str, str] = data) -> TestResponse:
            return commanders[2].post(f"{base}/answers/AA5", data=data)

        responses = _race(submit(commanders[0]), submit(commanders[1]), autosave)
        assert [r.status_code for r in responses[:2]] == [302, 302]
        saved = responses[2].status_code == 200
        assert responses[2].status_code in (200, 409), responses[2].status_code
        after_submit = _tally(w)
        assert after_submit["state"] is AuditState.SUBMITTED
        assert len(after_submit["submitted"]) == round_, "one submission per round"
        assert after_submit["submitted_snapshots"] == round_
        # An autosave either landed before the submission (and is in it) or was refused.
        assert all(saved_id < after_submit["submitted"][-1] for saved_id in after_submit["saved"])
        if saved:
            assert w.answer("AA5").value == 4 + round_

        validate = [
            (lambda c=c: c.post(f"{base}/validate", data={"confirm": "y"})) for c in advisers
        ]
        assert [r.status_code for r in _race(*validate)] == [302, 302]
        after_validate = _tally(w)
        assert after_validate["state"] is AuditState.VALIDATED
        assert len(after_validate["validated"]) == round_, "one validation per round"
        assert after_validate["validated_snapshots"] == round_
        # One outbox message per submission and per validation, none for the refused twins.
        assert after_validate["outbox"] == 2 * round_

        reopened = admin.post(f"{base}/reopen", data={"reason": f"Round {round_} again."})
        assert reopened.status_code == 302
        assert w.state() is AuditState.RETURNED


def test_the_second_of_two_submits_is_told_it_is_already_done(small_world: World) -> None:
    w = small_world
    fill_small(w)
    first, second = _signed_in(w, "commander"), _signed_in(w, "commander")
    url = f"/audits/{w.audit}/submit"
    pages = [
        r.get_data(as_text=True)
        for r in _race(
            lambda: first.post(url, data=SIGN_OFF_FORM, follow_redirects=True),
            lambda: second.post(url, data=SIGN_OFF_FORM, follow_redirects=True),
        )
    ]
    told = [page for page in pages if "already been submitted: nothing more was done" in page]
    assert len(told) == 1
    assert sum("The audit has been submitted for review." in page for page in pages) == 1
    assert len(_tally(w)["submitted"]) == 1


def test_an_autosave_after_the_submission_is_refused_and_stores_nothing(
    small_world: World,
) -> None:
    w = small_world
    fill_small(w)
    assert w.client("commander").post(f"/audits/{w.audit}/submit", data=SIGN_OFF_FORM).status_code
    revision = w.revision("AA5")
    response = w.client("commander").post(
        f"/audits/{w.audit}/answers/AA5", data={"AA5": "9", "AA5__rev": str(revision)}
    )
    assert response.status_code == 409
    assert w.answer("AA5").value == 4
    assert w.revision("AA5") == revision


def test_an_answer_racing_the_closure_of_its_cycle_waits_and_is_refused(
    small_world: World,
) -> None:
    """Closing a cycle holds every audit in it: an autosave sent meanwhile waits for the
    closure, then reads the closed cycle and stores nothing."""
    from audit.audits import services
    from audit.audits.models import AuditCycle
    from audit.transactions import intent

    w = small_world
    fill_small(w, evidence=False)
    revision = w.revision("AA5")
    client = _signed_in(w, "commander")
    answered: list[TestResponse] = []
    data = {"AA5": "9", "AA5__rev": str(revision)}
    autosave = threading.Thread(
        target=lambda: answered.append(client.post(f"/audits/{w.audit}/answers/AA5", data=data))
    )
    with w.app.app_context(), intent(writing=True), unit_of_work():
        services.close_cycle(w.user("admin"), db.session.get(AuditCycle, w.cycle_id))
        autosave.start()
        autosave.join(timeout=1.5)
        assert autosave.is_alive(), "the autosave waits while the closure holds the audits"
    autosave.join(timeout=30)
    assert answered[0].status_code == 409
    assert "cycle is closed" in answered[0].get_data(as_text=True)
    assert w.answer("AA5").value == 4
