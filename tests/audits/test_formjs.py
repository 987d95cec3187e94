"""What the audit form's script relies on (issue 12, items 7, 8, 11, 15): cells read as the page
reads them, broken rules by question with the values they compared, what a conflict tells
("keep mine" and "take theirs"), and answers shown to readers as plain text."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from audit.accounts.models import Role
from audit.audits import values
from audit.frameworks import spec
from audit.frameworks.evaluation import evaluate
from tests.audits.conftest import World
from tests.audits.test_answers import CONFLICT, FA1A_RULE, YOUR_OTHER_TAB, post, question

#: The same inputs tests/browser/test_formjs.py types into the page's table.
CELLS = json.loads((Path(__file__).parent / "cell_numbers.json").read_text("utf-8"))["cases"]
TABLE = spec.Indicator(
    code="XX1",
    type="sex_table",
    text={"en": "Strength"},
    rows=(spec.Row("officers", {"en": "Officers"}),),
)


@pytest.mark.parametrize(("typed", "stored"), CELLS)
def test_a_cell_is_read_with_digits_of_any_script(typed: str, stored: int | None) -> None:
    raw = {"officers": {"women": typed, "men": "0", "not_recorded": "0"}}
    value, problems = values.parse(TABLE, raw, today=dt.date(2026, 1, 1))
    if stored is None:
        assert value is None
        assert problems
    else:
        assert problems == []
        assert value == {"officers": {"women": stored, "men": 0, "not_recorded": 0}}


def test_arabic_indic_and_persian_counts_are_stored_as_numbers(world: World) -> None:
    assert post(world, "FA1", {"FA1": "١٢"}).status_code == 200
    assert world.answer("FA1").value == 12
    assert post(world, "FA1", {"FA1": "۱۵"}).status_code == 200
    assert world.answer("FA1").value == 15


def test_a_broken_rule_is_reported_at_its_question_with_the_values_it_compared(
    world: World,
) -> None:
    assert post(world, "FA1", {"FA1": "10"}).status_code == 200
    body = post(world, "FA1a", {"FA1a": "12"}).json
    broken = f"{FA1A_RULE} Now: FA1: 10; FA1a: 12."
    assert body["rules"]["FA1a"] == {"blocking": [broken], "warnings": []}
    # Saving the other side tells the rule's own question, with the new value.
    body = post(world, "FA1", {"FA1": "11"}).json
    assert body["rules"]["FA1"] == {"blocking": [], "warnings": []}
    assert body["rules"]["FA1a"]["blocking"] == [f"{FA1A_RULE} Now: FA1: 11; FA1a: 12."]
    assert body["blocking"] == [f"{FA1A_RULE} Now: FA1: 11; FA1a: 12."]
    # The page shows it as an error that blocks submission, not as a warning.
    page = world.client("commander").get(f"/audits/{world.audit}/domains/FA").data.decode()
    part = question(page, "FA1a")
    errors = re.search(r'<ul class="errors rule-errors" id="FA1a-blocking">(.*?)</ul>', part, re.S)
    assert errors
    assert "Blocks submission:" in errors.group(1)
    assert "Now: FA1: 11; FA1a: 12." in errors.group(1)
    assert '<ul class="warnings" id="FA1a-warnings"></ul>' in part
    # Fixed: nothing left at either question.
    assert post(world, "FA1a", {"FA1a": "5"}).json["rules"]["FA1a"]["blocking"] == []


def test_a_conflict_names_the_other_person_and_mine_can_be_saved_on_their_revision(
    world: World, make_user
) -> None:
    world.emails["deputy"] = make_user(Role.COMMANDER, unit_id=world.org.station_a)
    url = f"/audits/{world.audit}/answers/FA3"
    mine, deputy = world.client("commander"), world.client("deputy")
    assert mine.post(url, data={"FA3": "meets", "FA3__rev": "0"}).status_code == 200
    assert deputy.post(url, data={"FA3": "exceeds", "FA3__rev": "1"}).status_code == 200
    response = mine.post(url, data={"FA3": "missing", "FA3__rev": "1"})
    assert response.status_code == 409
    body = response.json
    assert body["problems"] == [CONFLICT]
    conflict = body["conflict"]
    assert conflict["yours"] is False
    assert conflict["by"] not in (None, "user1")
    assert (conflict["revision"], conflict["input"]) == (2, "exceeds")
    assert world.answer("FA3").value == "exceeds"
    # "Keep mine": the same value again, on the revision the conflict gave.
    response = mine.post(url, data={"FA3": "missing", "FA3__rev": str(conflict["revision"])})
    assert response.status_code == 200
    assert response.json["revision"] == 3
    assert world.answer("FA3").value == "missing"


def test_a_conflict_with_my_other_tab_carries_what_take_theirs_needs(world: World) -> None:
    url = f"/audits/{world.audit}/answers/FA1"
    tab = world.client("commander")
    assert tab.post(url, data={"FA1": "4", "FA1__rev": "0"}).status_code == 200
    reason = "No site of its own."
    data = {"FA1": "", "FA1__na": "y", "FA1__reason": reason, "FA1__rev": "1"}
    assert tab.post(url, data=data).status_code == 200
    response = tab.post(url, data={"FA1": "9", "FA1__rev": "1"})
    assert response.status_code == 409
    assert response.json["problems"] == [YOUR_OTHER_TAB]
    conflict = response.json["conflict"]
    assert conflict["yours"] is True
    assert (conflict["not_applicable"], conflict["reason"], conflict["input"]) == (
        True,
        reason,
        "",
    )


def test_a_refused_value_changes_nothing_and_says_why(world: World) -> None:
    assert post(world, "FA1", {"FA1": "7"}).status_code == 200
    response = post(world, "FA1", {"FA1": "abc"})
    assert response.status_code == 422
    assert response.json["saved"] is False
    assert response.json["problems"]
    assert world.answer("FA1").value == 7


def test_readers_see_the_chosen_answers_as_text(world: World) -> None:
    assert post(world, "FA3", {"FA3": "exceeds"}).status_code == 200
    assert post(world, "FA1", {"FA1": "1200"}).status_code == 200
    page = world.client("adviser").get(f"/audits/{world.audit}/domains/FA").data.decode()
    part = question(page, "FA3")
    assert "<input" not in part.split('<div class="queries">')[0]
    assert " disabled" not in part
    chosen = re.search(r'<p class="answer-value">(.*?)</p>', part, re.S)
    assert chosen
    assert chosen.group(1).strip() == "Exceeds requirements"
    count = re.search(r'<p class="answer-value">(.*?)</p>', question(page, "FA1"), re.S)
    assert count
    assert count.group(1).strip() == "1,200"
    assert 'class="answer-value answer-empty">Not answered' in question(page, "FA4")
    # The commander still gets the form.
    page = world.client("commander").get(f"/audits/{world.audit}/domains/FA").data.decode()
    assert 'type="radio"' in question(page, "FA3")


def test_a_rule_of_severity_warning_is_told_but_does_not_block_submission() -> None:
    ind = spec.Indicator(
        code="XX2",
        type="count",
        text={"en": "Strength"},
        rules=(
            spec.Rule("XX2 <= 100", {"en": "Unusually large."}, "warning"),
            spec.Rule("XX2 <= 1000", {"en": "Too large."}),
        ),
    )
    fw = spec.Framework(
        code="t",
        version="1",
        title={"en": "t"},
        bands=(),
        clusters=(),
        recommendations=(),
        domains=(spec.Domain("XX", {"en": "X"}, {"en": "X"}, (ind,)),),
        checksum="formjs-severity",
    )
    statuses = evaluate(fw, {"XX2": 500}, service="police", unit_type="station")
    (warning,) = statuses["XX2"].problems
    assert warning.params["rule"].severity == "warning"
    assert not values.rule_blocks(warning)
    found = values.blocking(fw, statuses, {"XX2": 500}, not_applicable={}, evidence=set())
    assert found == []
    statuses = evaluate(fw, {"XX2": 5000}, service="police", unit_type="station")
    found = values.blocking(fw, statuses, {"XX2": 5000}, not_applicable={}, evidence=set())
    assert [p.params["rule"].message["en"] for _, p in found] == ["Too large."]


def test_a_rule_severity_is_read_from_the_file_and_defaults_to_error() -> None:
    fw, problems = spec.read(Path(__file__).parents[1] / "browser" / "framework_formjs")
    assert problems == []
    assert [r.severity for r in fw.indicator("FJ1").rules] == ["warning"]
    assert [r.severity for r in fw.indicator("FJ2").rules] == ["error"]
    assert spec.from_dict(spec.to_dict(fw)).indicator("FJ1").rules == fw.indicator("FJ1").rules
