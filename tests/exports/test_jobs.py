"""Export jobs through the web app: who may ask, progress, download, retries and expiry.

In the test configuration tasks run in-process (no broker), so a request's export is done when
the redirect arrives; tests/workers/test_export_worker.py runs the same with a real worker.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from unittest import mock

import openpyxl
import pytest
from sqlalchemy import delete, func, select

from audit.accounts.models import Role, RoleAssignment
from audit.audits import services as audits
from audit.audits.models import Audit
from audit.db import utcnow
from audit.exports import services as exports
from audit.exports import workspace
from audit.exports.models import Export, ExportKind, ExportStatus
from audit.extensions import db
from audit.outbox import services as outbox
from audit.outbox.models import OutboxMessage
from audit.scoring import services as scoring
from audit.transactions import unit_of_work
from tests.audits.conftest import World, fill_small
from tests.conftest import UserFactory
from tests.scoring.test_portfolio import SUMS, K, Portfolio, three  # noqa: F401 - a fixture

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ask(world: World, who: str, **form: Any) -> Any:
    return world.client(who).post("/exports/", data={k: str(v) for k, v in form.items()})


def exports_of(world: World) -> list[Export]:
    with world.app.app_context(), unit_of_work():
        found = list(db.session.scalars(select(Export).order_by(Export.id)))
        for export in found:
            db.session.expunge(export)
        return found


def workbook(world: World, who: str, export_id: int) -> openpyxl.Workbook:
    response = world.client(who).get(f"/exports/{export_id}/download")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.data
    response.close()
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture
def validated(filled: World) -> World:
    """The small world's audit submitted and validated: it has a scorecard."""
    signed = audits.SignOff("I confirm these answers.", "A. Commander", "Station commander", True)
    filled.act(audits.submit, "commander", signed)
    filled.act(audits.validate, "adviser")
    return filled


# --- unit scorecard ------------------------------------------------------------------------


def test_commander_downloads_the_unit_scorecard(validated: World) -> None:
    world = validated
    response = ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    [export] = exports_of(world)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/exports/{export.id}")
    assert export.status is ExportStatus.DONE
    assert export.progress == 100
    assert export.checksum
    assert len(export.checksum) == 64
    assert export.size
    assert export.expires_at is not None
    assert export.expires_at > utcnow() + dt.timedelta(days=6)
    assert export.filename
    assert export.filename.endswith(".xlsx")

    page = world.client("commander").get(f"/exports/{export.id}").get_data(as_text=True)
    assert f"/exports/{export.id}/download" in page
    assert "Ready to download." in page
    status = world.client("commander").get(f"/exports/{export.id}/status").get_json()
    assert status["status"] == "done"
    assert status["finished"]
    assert status["download"]

    book = workbook(world, "commander", export.id)
    assert book.sheetnames == ["Read me", "Scorecard", "Benchmark", "Indicators"]
    with world.app.app_context(), unit_of_work():
        snapshot = scoring.latest(db.session.get(Audit, world.audit))
        overall = snapshot.overall_score
    sheet = book["Scorecard"]
    cells = [row for row in sheet.iter_rows(values_only=True) if row and row[1] == "Overall"]
    assert cells
    assert cells[0][2] == pytest.approx(overall)
    assert not book["Scorecard"].sheet_view.rightToLeft


def test_the_adviser_may_download_it_but_others_may_not(
    validated: World, make_user: UserFactory
) -> None:
    world = validated
    assert ask(world, "adviser", kind="unit_scorecard", audit_id=world.audit).status_code == 302
    [export] = exports_of(world)
    # Someone else's export is not found, for anyone but its requester (even an admin).
    for who in ("commander", "other_commander", "admin"):
        for suffix in ("", "/status", "/download"):
            response = world.client(who).get(f"/exports/{export.id}{suffix}")
            assert response.status_code == 404, (who, suffix)
    # Out-of-scope users cannot ask for it either; nothing is recorded.
    world.emails["donor"] = make_user(Role.DONOR, institution_id=world.org.police)
    for who in ("other_commander", "donor"):
        assert ask(world, who, kind="unit_scorecard", audit_id=world.audit).status_code == 404
    assert len(exports_of(world)) == 1


def test_no_scorecard_yet_is_said_and_nothing_is_queued(filled: World) -> None:
    world = filled
    response = ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    assert response.status_code == 302
    assert f"/scorecards/audits/{world.audit}" in response.headers["Location"]
    assert exports_of(world) == []


def test_access_is_checked_again_at_download(validated: World) -> None:
    world = validated
    ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    [export] = exports_of(world)
    with world.app.app_context(), unit_of_work():
        commander = world.user("commander")
        db.session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == commander.id))
        db.session.commit()
    assert world.client("commander").get(f"/exports/{export.id}/download").status_code == 404


def test_arabic_workbooks_are_right_to_left(validated: World) -> None:
    world = validated
    with world.app.app_context(), unit_of_work():
        world.user("commander").locale = "ar"
        db.session.commit()
    ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    [export] = exports_of(world)
    assert export.locale == "ar"
    book = workbook(world, "commander", export.id)
    assert all(book[name].sheet_view.rightToLeft for name in book.sheetnames)


# --- full data -----------------------------------------------------------------------------


def test_adviser_downloads_every_answer(validated: World) -> None:
    world = validated
    with world.app.app_context(), unit_of_work():
        cycle_id = db.session.get(Audit, world.audit).cycle_id
    assert ask(world, "adviser", kind="full_data", cycle_id=cycle_id).status_code == 302
    [export] = exports_of(world)
    assert export.status is ExportStatus.DONE, export.error
    book = workbook(world, "adviser", export.id)
    rows = list(book["Answers"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:2] == ("Audit", "Unit")
    assert world.audit in {row[0] for row in body}
    # Every question of every audit of the cycle: one nobody started is all "not answered".
    status = header.index("Status")
    assert {row[status] for row in body if row[0] != world.audit} <= {"not answered"}
    assert all(isinstance(row[0], int) for row in body)  # numbers stay numbers
    # A sex-disaggregated table gives one numeric row per category and column.
    table_rows = [row for row in body if str(row[5]).startswith("AA4.")]
    assert table_rows
    assert all(isinstance(row[9], int | float) for row in table_rows)
    assert book["Answers"].freeze_panes == "A2"
    assert book["Answers"].auto_filter.ref


def test_full_data_is_for_advisers_and_admins(validated: World) -> None:
    world = validated
    with world.app.app_context(), unit_of_work():
        cycle_id = db.session.get(Audit, world.audit).cycle_id
    assert ask(world, "commander", kind="full_data", cycle_id=cycle_id).status_code == 404
    assert ask(world, "admin", kind="full_data", cycle_id=cycle_id).status_code == 302
    assert ask(world, "adviser", kind="full_data", cycle_id=999_999).status_code == 404
    assert len(exports_of(world)) == 1


# --- donor summary -------------------------------------------------------------------------


def test_donor_summary_matches_the_page_and_withholds_small_counts(
    three: Portfolio,  # noqa: F811 - the fixture
    make_user: UserFactory,
) -> None:
    world = three.world
    world.emails["donor"] = make_user(Role.DONOR, institution_id=world.org.police)
    page = world.client("donor").get(f"/portfolio/donor?cycle={three.cycle_id}")
    assert "Download the donor summary (Excel)" in page.get_data(as_text=True)
    response = ask(
        world,
        "donor",
        kind="donor_summary",
        cycle_id=three.cycle_id,
        scope="institution",
        scope_id=world.org.police,
    )
    assert response.status_code == 302
    [export] = exports_of(world)
    assert export.status is ExportStatus.DONE, export.error
    book = workbook(world, "donor", export.id)
    assert book.sheetnames == [
        "Read me",
        "Summary",
        "Benchmark",
        "Domains",
        "Sex-disaggregated",
        "Trend",
    ]
    # Every number in the sex-disaggregated sheet is a count of at least k (or 0).
    numbers = [
        cell
        for row in book["Sex-disaggregated"].iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, int | float)
    ]
    assert numbers
    assert all(n == 0 or n >= K for n in numbers)
    texts = [c for r in book["Sex-disaggregated"].iter_rows(values_only=True) for c in r if c]
    assert f"<{K}" in texts  # officers' women in the sums (1+6+... ) include a small cell
    # The published women's total equals the sum over the three units.
    women_total = sum(row[0] for row in SUMS.values())
    assert women_total in numbers
    # Domain means: numbers, each over the three units.
    domains = list(book["Domains"].iter_rows(min_row=2, values_only=True))
    assert domains
    assert all(isinstance(row[2], float | int) and row[3] == 3 for row in domains)
    # Benchmark rows exist with scores as numbers.
    bench = list(book["Benchmark"].iter_rows(min_row=2, values_only=True))
    assert bench
    assert any(isinstance(row[2], float | int) for row in bench)


def test_donor_summary_needs_funding(three: Portfolio, make_user: UserFactory) -> None:  # noqa: F811
    world = three.world
    world.emails["army_donor"] = make_user(Role.DONOR, institution_id=world.org.army)
    form = {
        "kind": "donor_summary",
        "cycle_id": three.cycle_id,
        "scope": "institution",
        "scope_id": world.org.police,
    }
    assert ask(world, "army_donor", **form).status_code == 404
    assert ask(world, "adviser", **form).status_code == 404
    assert ask(world, "army_donor", **(form | {"scope": "country"})).status_code == 404
    assert exports_of(world) == []


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"kind": "everything"},
        {"kind": "unit_scorecard"},
        {"kind": "unit_scorecard", "audit_id": "abc"},
        {"kind": "unit_scorecard", "audit_id": str(2**40)},
        {"kind": "unit_scorecard", "audit_id": "-3"},
        {"kind": "full_data"},
        {"kind": "donor_summary", "cycle_id": "1"},
        {"kind": "donor_summary", "cycle_id": "1", "scope": "planet", "scope_id": "1"},
        {"kind": "unit_scorecard", "audit_id": "1\x00"},
    ],
)
def test_bad_requests_change_nothing(validated: World, form: dict[str, str]) -> None:
    world = validated
    response = world.client("adviser").post("/exports/", data=form)
    assert response.status_code in (302, 400, 404)
    if response.status_code == 302:
        page = world.client("adviser").get(response.headers["Location"]).get_data(as_text=True)
        assert "flash-error" in page
    assert exports_of(world) == []


def test_pages_need_a_signed_in_user(validated: World) -> None:
    client = validated.client(None)
    for url in ("/exports/", "/exports/1", "/exports/1/status", "/exports/1/download"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert client.post("/exports/", data={"kind": "full_data"}).status_code == 302
    assert validated.client("adviser").get(f"/exports/{2**40}").status_code == 404


def test_the_list_shows_my_workbooks_only(validated: World) -> None:
    world = validated
    ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    assert "Unit scorecard" in world.client("commander").get("/exports/").get_data(as_text=True)
    other = world.client("adviser").get("/exports/").get_data(as_text=True)
    assert "You have not asked for a workbook yet." in other


# --- the worker's side: idempotence, lost workers, retries, expiry -------------------------


def _queued(world: World, kind: ExportKind = ExportKind.UNIT_SCORECARD) -> tuple[int, int]:
    """An export recorded with its outbox message but not sent (as when Redis is down)."""
    with (
        world.app.app_context(),
        unit_of_work(),
        mock.patch.object(outbox, "dispatch", return_value=0),
    ):
        export = exports.request_export(
            world.user("commander"), kind, {"audit_id": world.audit}, "en"
        )
        db.session.commit()
        return export.id, export.params["outbox_id"]


def _get(world: World, export_id: int) -> Export:
    with world.app.app_context(), unit_of_work():
        export = db.session.get(Export, export_id)
        db.session.expunge(export)
        return export


def test_running_twice_gives_one_file(validated: World) -> None:
    world = validated
    export_id, message_id = _queued(world)
    with world.app.app_context(), unit_of_work():
        exports.run(message_id)
        exports.run(message_id)
        files = sorted(p.name for p in exports.folder().iterdir())
        work = list((exports.folder() / workspace.WORK).iterdir())
        done = db.session.get(OutboxMessage, message_id).done_at
    export = _get(world, export_id)
    assert export.status is ExportStatus.DONE
    assert export.attempts == 1
    assert files == sorted([export.path, workspace.WORK])
    assert work == []  # the job's work folder went with the rename
    assert done is not None


def test_a_job_whose_worker_was_lost_is_taken_over(validated: World) -> None:
    world = validated
    export_id, message_id = _queued(world)
    with world.app.app_context(), unit_of_work():
        export = db.session.get(Export, export_id)
        export.status, export.attempts = ExportStatus.RUNNING, 1
        export.lease_until = utcnow() + dt.timedelta(minutes=1)  # a live worker holds it
        db.session.commit()
        exports.run(message_id)
        assert db.session.get(Export, export_id).status is ExportStatus.RUNNING
        # The worker was killed: its lease runs out, the next delivery takes the job over.
        db.session.get(Export, export_id).lease_until = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
        lost = exports.folder() / workspace.WORK / f"{export_id}-1-0123abcd"
        lost.mkdir(parents=True)
        (lost / "tmpxlsxwriter").write_bytes(b"half")  # what XlsxWriter left when killed
        other = exports.folder() / workspace.WORK / f"{export_id + 1}-1-0123abcd"
        other.mkdir()  # another job's: not this takeover's business
        mine = exports.folder() / "kept-by-someone.txt"
        mine.write_text("not ours")
        exports.run(message_id)
        left = sorted(p.name for p in (exports.folder() / workspace.WORK).iterdir())
    export = _get(world, export_id)
    assert export.status is ExportStatus.DONE
    assert export.attempts == 2
    assert left == [other.name]  # the lost attempt's folder went with the takeover
    assert mine.read_text() == "not ours"


def test_a_failing_export_is_retried_then_given_up(
    validated: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = validated
    export_id, message_id = _queued(world)

    def broken(*args: Any) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(exports, "_write", broken)
    with world.app.app_context(), unit_of_work():
        for attempt in range(1, 4):
            with pytest.raises(OSError, match="disk full"):
                exports.run(message_id)
            export = db.session.get(Export, export_id)
            expected = ExportStatus.FAILED if attempt == 3 else ExportStatus.PENDING
            assert (export.status, export.attempts) == (expected, attempt)
            assert list(exports.folder().glob("*.part")) == []
            assert list((exports.folder() / workspace.WORK).iterdir()) == []
        assert db.session.get(OutboxMessage, message_id).done_at is not None
    page = world.client("commander").get(f"/exports/{export_id}").get_data(as_text=True)
    assert "could not be written" in page
    assert "disk full" not in page


def test_expired_workbooks_are_deleted(validated: World) -> None:
    world = validated
    ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    [export] = exports_of(world)
    with world.app.app_context(), unit_of_work():
        path = exports.folder() / export.path
        assert path.is_file()
        assert exports.cleanup(now=utcnow()) == 0
        assert exports.cleanup(now=utcnow() + dt.timedelta(days=8)) == 1
        assert db.session.get(Export, export.id).status is ExportStatus.EXPIRED
        count = db.session.scalar(select(func.count(Export.id)))
    assert not path.exists()  # deleted once the rows saying "expired" have committed
    assert count == 1
    response = world.client("commander").get(f"/exports/{export.id}/download")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/exports/{export.id}")


def test_injection_typed_as_an_answer_stays_text(small_world: World) -> None:
    world = small_world
    fill_small(world)
    payload = '=HYPERLINK("http://evil.example","x")'
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.audit)
        cycle_id = audit.cycle_id
    # A free-text answer of the small framework.
    assert world.save("BB5", payload, "commander").saved
    ask(world, "adviser", kind="full_data", cycle_id=cycle_id)
    [export] = exports_of(world)
    book = workbook(world, "adviser", export.id)
    cells = [c for row in book["Answers"].iter_rows() for c in row if c.value == payload]
    assert cells
    assert all(c.data_type == "s" and c.hyperlink is None for c in cells)


def test_cleanup_command(validated: World) -> None:
    world = validated
    ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    result = world.app.test_cli_runner().invoke(args=["exports", "cleanup"])
    assert result.exit_code == 0
    assert "0 expired." in result.output


def test_country_summary_has_a_column_per_institution(
    three: Portfolio,  # noqa: F811 - the fixture
    make_user: UserFactory,
) -> None:
    world = three.world
    world.emails["country_donor"] = make_user(Role.DONOR, country_id=world.org.country)
    form = {
        "kind": "donor_summary",
        "cycle_id": three.cycle_id,
        "scope": "country",
        "scope_id": world.org.country,
    }
    assert ask(world, "country_donor", **form).status_code == 302
    [export] = exports_of(world)
    assert export.status is ExportStatus.DONE, export.error
    book = workbook(world, "country_donor", export.id)
    header = next(book["Benchmark"].iter_rows(max_row=1, values_only=True))
    assert "Police" in header
    assert "Army" in header
    army = header.index("Army")
    # The army has no validated audit: its column is empty, never a number from too few units.
    assert all(
        row[army] is None for row in book["Benchmark"].iter_rows(min_row=2, values_only=True)
    )
