"""The full data workbook explains its own scores: a seeded, reviewed audit exported through the
web app, read back, and every domain, recommendation and overall score recomputed from the rows
and the framework alone (the scoring engine's pure functions), equal to the stored scorecard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
import pytest

from audit.audits import services as audits
from audit.audits.models import Audit
from audit.exports.content.full_data import codes
from audit.exports.models import ExportStatus
from audit.exports.xlsx import CODE_SEPARATOR
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.scoring import engine
from audit.scoring import services as scoring
from audit.scoring.formatting import band_label
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGNED, World
from tests.exports.test_jobs import ask, exports_of, workbook

REASON = "Seen on the visit: the rubric understates it."


@pytest.fixture
def reviewed(filled: World) -> World:
    """Station A's audit: AA1 answered "no" after AA2 was stored (AA2's skip rule now hides it),
    submitted, AA3 overridden by the adviser, validated."""
    assert filled.save("AA1", "no").saved
    filled.act(audits.submit, "commander", SIGNED)
    filled.act(audits.override, "adviser", "AA3", "exceeds", REASON)
    filled.act(audits.validate, "adviser")
    return filled


def _rows(world: World) -> tuple[openpyxl.Workbook, list[dict[str, Any]]]:
    with world.app.app_context(), unit_of_work():
        cycle_id = db.session.get(Audit, world.audit).cycle_id
    assert ask(world, "adviser", kind="full_data", cycle_id=cycle_id).status_code == 302
    [export] = exports_of(world)
    assert export.status is ExportStatus.DONE, export.error
    book = workbook(world, "adviser", export.id)
    header, *body = book["Answers"].iter_rows(values_only=True)
    return book, [dict(zip(header, row, strict=True)) for row in body]


def _mine(world: World, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["Indicator"]: row for row in rows if row["Audit"] == world.audit}


def test_the_columns_say_what_the_scores_were_made_of(reviewed: World) -> None:
    book, rows = _rows(reviewed)
    assert book.sheetnames == ["Read me", "Answers", "Scores"]
    mine = _mine(reviewed, rows)
    # A stored answer the skip rule hides is not an ordinary answer.
    skipped = mine["AA2"]
    assert skipped["Status"] == "skipped — stored value not counted"
    assert skipped["Counts in the scores"] is False
    assert skipped["Stored value (codes)"] == "partly"
    assert skipped["Score"] is None
    # The reviewer's override: level, reason and who.
    override = mine["AA3"]
    assert override["Reviewer override: level"] == "Exceeds requirements"
    assert override["Reviewer override: reason"] == REASON
    with reviewed.app.app_context(), unit_of_work():
        adviser = reviewed.user("adviser").name
    assert override["Reviewer override: by"] == adviser
    assert override["Score from the answer (0-1)"] == pytest.approx(2 / 3)
    assert override["Score"] == 1
    # Evidence: the rule and how many items are attached.
    assert mine["AA1"]["Evidence rule"] == "Evidence required"
    assert mine["AA1"]["Evidence attached"] == 1
    assert mine["AA5"]["Evidence attached"] == 0
    # The unit's service and type, as the framework's applies_to names them.
    assert {(r["Service (framework code)"], r["Unit type (framework code)"]) for r in rows} >= {
        ("police", "station")
    }
    # A computed percentage has its row and value: AA4's women are 13 of 51.
    assert mine["AA4a"]["Answer"] == pytest.approx(13 / 51 * 100)
    assert mine["AA4a"]["Status"] == "answered"
    # Several options: labels for people, codes for the rules (joined by ";").
    assert mine["BB4"]["Stored value (codes)"] == "health;legal_aid"
    assert mine["BB3"]["Stored value (codes)"] == "part"
    assert mine["AA1"]["Status"] == "answered"


def test_the_read_me_explains_the_recomputation(reviewed: World) -> None:
    book, _ = _rows(reviewed)
    texts = " ".join(
        str(cell) for row in book["Read me"].iter_rows(values_only=True) for cell in row if cell
    )
    for heading in ("Counts in the scores", "Stored value (codes)", "Weight", "Score"):
        assert f"«{heading}»" in texts
    assert "Step 4: domain scores" in texts
    assert "skipped — stored value not counted" in texts


def _value(ind: spec.Indicator, cell: object) -> object:
    """A "codes" cell back to the stored value the engine reads."""
    if cell is None:
        return None
    if ind.type == "multi_choice":
        return str(cell).split(CODE_SEPARATOR)
    if ind.type in ("count", "amount") and isinstance(cell, int | float):
        return cell
    if ind.type == "date" and isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    return cell


def test_every_score_can_be_recomputed_from_the_workbook(reviewed: World) -> None:
    book, rows = _rows(reviewed)
    mine = _mine(reviewed, rows)
    with reviewed.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, reviewed.audit)
        fw = frameworks.framework_of(audit.cycle.framework_version)
        stored = engine.Scorecard.from_dict(scoring.latest(audit).data)
    levels = {str(label): code for code, label in _band_names(reviewed).items()}
    answers = {}
    for ind in fw.indicators:
        if ind.type == "sex_table":  # one row per "code.row.column": the table again
            table: dict[str, dict[str, object]] = {}
            for key, row in mine.items():
                if key.startswith(f"{ind.code}."):
                    _code, line, column = key.split(".")
                    table.setdefault(line, {})[column] = int(row["Stored value (codes)"])
            if table:
                answers[ind.code] = engine.AnswerInput(value=table)
            continue
        row = mine.get(ind.code)
        if row is None or ind.type == "percentage":
            continue  # a percentage is computed from its inputs, as the rules do
        answers[ind.code] = engine.AnswerInput(
            value=_value(ind, row["Stored value (codes)"]),
            not_applicable=bool(row["Not applicable"]),
            has_evidence=bool(row["Evidence attached"]),
            override_level=levels.get(row["Reviewer override: level"]),
        )
    first = next(iter(mine.values()))
    reference = first["Reference date"]
    card = engine.score_audit(
        fw,
        answers,
        service=first["Service (framework code)"],
        unit_type=first["Unit type (framework code)"],
        reference_date=reference.date(),
    )
    assert stored.domains
    for code, domain in stored.domains.items():
        assert card.domains[code].score == pytest.approx(domain.score), code
        assert card.domains[code].coverage == pytest.approx(domain.coverage), code
    for code, rec in stored.recommendations.items():
        assert card.recommendations[code].score == pytest.approx(rec.score), code
    assert card.overall.score == pytest.approx(stored.overall.score)
    # The "Scores" sheet holds the stored scores to check against.
    header, *lines = book["Scores"].iter_rows(values_only=True)
    assert header[:5] == ("Audit", "Unit", "Score of", "Code", "Score (0-100)")
    sheet = {(line[2], line[3]): line[4] for line in lines if line[0] == reviewed.audit}
    for code, domain in card.domains.items():
        assert sheet[("Domain", code)] == pytest.approx(domain.score), code
    for code, rec in card.recommendations.items():
        assert sheet[("Recommendation", code)] == pytest.approx(rec.score), code
    assert sheet[("Overall", "overall")] == pytest.approx(card.overall.score)
    # And by hand, as the Read me says: Σ(weight × score) ÷ Σ(weight) × 100 per domain.
    for code, domain in stored.domains.items():
        counted = [
            r
            for r in mine.values()
            if r["Domain"] == code and r["Counts in the scores"] and r["Score"] is not None
        ]
        if counted:
            total = sum(r["Weight"] * r["Score"] for r in counted)
            by_hand = total / sum(r["Weight"] for r in counted) * 100
            assert by_hand == pytest.approx(domain.score), code


def _band_names(world: World) -> dict[str, str]:
    with world.app.test_request_context():
        return {level: band_label(level) for level in spec.LEVELS}


def test_codes_keep_what_the_rules_read() -> None:
    assert codes(["health", "legal_aid"]) == "health;legal_aid"
    assert codes("meets") == "meets"
    assert codes(14) == 14
    assert codes(None) is None
