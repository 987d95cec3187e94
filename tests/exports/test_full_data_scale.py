"""The full data export at national scale: scores read from rows kept per audit, a fixed number
of streamed queries whatever the number of audits, a scope of any size (no list of ids bound
into the SQL) and a download offered only while the requester sees the units it was made of."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import delete, event, func, insert, select

from audit.audits import services as audits
from audit.audits.models import AuditCycle
from audit.exports import content
from audit.exports.models import Export, ExportStatus
from audit.extensions import db
from audit.orgs.models import Unit, UnitType
from audit.scoring import engine, latest_scores
from audit.scoring.latest_scores import Kind, LatestScore
from audit.scoring.models import ScorecardSnapshot
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGNED, World
from tests.exports.test_jobs import ask, exports_of, workbook


def _submitted_and_validated(world: World) -> World:
    world.act(audits.submit, "commander", SIGNED)
    world.act(audits.validate, "adviser")
    return world


def _latest(world: World) -> tuple[int, dict[str, float | None], list[list[object]]] | None:
    with world.app.app_context(), unit_of_work():
        row = db.session.get(LatestScore, world.audit)
        return None if row is None else (row.scorecard_id, row.questions, row.aggregates)


def test_each_audit_keeps_the_scores_of_its_newest_scorecard_only(filled: World) -> None:
    assert _latest(filled) is None
    filled.act(audits.submit, "commander", SIGNED)
    first = _latest(filled)
    with filled.app.app_context(), unit_of_work():
        [submitted] = db.session.scalars(
            select(ScorecardSnapshot.id).where(ScorecardSnapshot.audit_id == filled.audit)
        )
        card = engine.Scorecard.from_dict(db.session.get(ScorecardSnapshot, submitted).data)
    assert first is not None
    scorecard, questions, aggregates = first
    assert scorecard == submitted
    assert questions == {code: item.score for code, item in card.indicators.items()}
    assert {row[0] for row in aggregates} == {"domain", "recommendation", "overall"}
    assert ["overall", "overall", card.overall.score, card.overall.band, card.overall.coverage] in (
        aggregates
    )

    filled.act(audits.validate, "adviser")
    second = _latest(filled)
    with filled.app.app_context(), unit_of_work():
        newest = db.session.scalar(
            select(func.max(ScorecardSnapshot.id)).where(ScorecardSnapshot.audit_id == filled.audit)
        )
        assert db.session.scalar(select(func.count()).select_from(LatestScore)) == 1
    assert newest != submitted
    assert second is not None
    assert second[0] == newest  # replaced, not added to


def test_the_backfill_gives_what_the_worker_writes(filled: World) -> None:
    _submitted_and_validated(filled)
    written = _latest(filled)
    with filled.app.app_context(), unit_of_work():
        db.session.execute(delete(LatestScore))
        done = latest_scores.backfill(db.session.connection(), batch=1)
    assert done == 1
    assert _latest(filled) == written


@contextmanager
def _counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _export_statements(world: World, tmp_path: Path, unit_ids: list[int]) -> tuple[int, int]:
    """(rows written, SQL statements run) for a full data workbook of these units."""
    with world.app.app_context(), unit_of_work():
        cycle = db.session.get(AuditCycle, world.cycle_id)
        with _counted() as statements:
            rows = content.write_full_data(
                tmp_path / f"{len(unit_ids)}.xlsx",
                cycle,
                select(Unit.id).where(Unit.id.in_(unit_ids)),
                lambda _fraction: None,
            )
        return rows, len(statements)


def test_more_audits_take_no_more_queries(filled: World, tmp_path: Path) -> None:
    _submitted_and_validated(filled)
    org = filled.org
    one_rows, one = _export_statements(filled, tmp_path, [org.station_a])
    three_rows, three = _export_statements(
        filled, tmp_path, [org.station_a, org.station_b, org.barracks]
    )
    assert three_rows > one_rows  # the other audits' questions are there
    assert three == one
    assert three <= 12


def _many_units(world: World, how_many: int) -> None:
    """`how_many` stations under the region, inserted in bulk (no audits)."""
    with world.app.app_context(), unit_of_work():
        region = db.session.get(Unit, world.org.region)
        start = int(db.session.scalar(select(func.max(Unit.id))) or 0) + 1
        rows = [
            {
                "id": unit_id,
                "institution_id": region.institution_id,
                "parent_id": region.id,
                "code": f"S-{unit_id}",
                "entered_name": f"Station {unit_id}",
                "unit_type": UnitType.STATION,
                "path": f"{region.path}{unit_id}/",
                "active": True,
            }
            for unit_id in range(start, start + how_many)
        ]
        db.session.execute(insert(Unit), rows)


@pytest.mark.slow
def test_a_scope_past_postgresql_parameter_limit_exports(filled: World) -> None:
    """70,000 units in the adviser's scope: more than the 65,535 parameters one statement may
    bind on PostgreSQL (and SQLite's 32,766), which a list of ids would have needed."""
    _submitted_and_validated(filled)
    _many_units(filled, 70_000)
    assert ask(filled, "adviser", kind="full_data", cycle_id=filled.cycle_id).status_code == 302
    [export] = exports_of(filled)
    assert export.status is ExportStatus.DONE, export.error
    assert "unit_ids" not in export.params
    book = workbook(filled, "adviser", export.id)
    audits_in_book = {row[0] for row in book["Answers"].iter_rows(min_row=2, values_only=True)}
    assert filled.audit in audits_in_book


def test_the_download_goes_when_the_requester_scope_changes(filled: World) -> None:
    _submitted_and_validated(filled)
    assert ask(filled, "adviser", kind="full_data", cycle_id=filled.cycle_id).status_code == 302
    [export] = exports_of(filled)
    assert export.status is ExportStatus.DONE, export.error
    assert len(export.params["scope_digest"]) == 64
    workbook(filled, "adviser", export.id)  # offered while the scope is the same
    _many_units(filled, 1)  # the region gains a station the workbook does not hold
    client = filled.client("adviser")
    assert client.get(f"/exports/{export.id}/download").status_code == 404
    assert client.get(f"/exports/{export.id}").status_code == 404


def test_older_jobs_that_kept_the_unit_ids_are_still_checked(filled: World) -> None:
    _submitted_and_validated(filled)
    assert ask(filled, "adviser", kind="full_data", cycle_id=filled.cycle_id).status_code == 302
    [done] = exports_of(filled)
    with filled.app.app_context(), unit_of_work():
        export = db.session.get(Export, done.id)
        params = {k: v for k, v in export.params.items() if k != "scope_digest"}
        export.params = {**params, "unit_ids": [filled.org.station_a]}
    workbook(filled, "adviser", done.id)
    with filled.app.app_context(), unit_of_work():
        export = db.session.get(Export, done.id)
        export.params = {**export.params, "unit_ids": [filled.org.barracks]}  # not theirs
    assert filled.client("adviser").get(f"/exports/{done.id}/download").status_code == 404


def test_the_scores_sheet_lists_domains_recommendations_and_overall(filled: World) -> None:
    _submitted_and_validated(filled)
    assert ask(filled, "adviser", kind="full_data", cycle_id=filled.cycle_id).status_code == 302
    [export] = exports_of(filled)
    book = workbook(filled, "adviser", export.id)
    lines = [row for row in book["Scores"].iter_rows(min_row=2, values_only=True)]
    mine = [row for row in lines if row[0] == filled.audit]
    assert [row[2] for row in mine][-1] == "Overall"
    levels = [row[2] for row in mine]
    assert levels == sorted(levels, key=["Domain", "Recommendation", "Overall"].index)
    with filled.app.app_context(), unit_of_work():
        stored = {
            (Kind(kind), code): score
            for kind, code, score, _band, _coverage in db.session.get(
                LatestScore, filled.audit
            ).aggregates
        }
    names = {"Domain": Kind.DOMAIN, "Recommendation": Kind.RECOMMENDATION, "Overall": Kind.OVERALL}
    assert {(names[row[2]], row[3]): row[4] for row in mine} == pytest.approx(stored)
