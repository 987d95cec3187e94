"""Which questions count (audit.frameworks.evaluation) and the order of formulas (graphlib)."""

from __future__ import annotations

import copy
import dataclasses
import graphlib
from pathlib import Path

import pytest

from audit.audits import values
from audit.frameworks import evaluation, spec
from audit.frameworks.spec import graph

VALID = Path(__file__).parent / "fixtures" / "valid"
T = {"en": "x", "ar": "x", "fr": "x", "es": "x"}
TABLE = {
    "officers": {"women": 1, "men": 3, "not_recorded": 0},
    "others": {"women": 4, "men": 12, "not_recorded": 0},
}


def fixture() -> spec.Framework:
    fw, problems = spec.read(VALID)
    assert fw is not None, problems
    return fw


def test_evaluation_lives_in_the_frameworks_package() -> None:
    # Which questions count is framework logic; values.py keeps parsing answers and blocking.
    for name in ("evaluate", "effective_answers", "Status", "_compute"):
        assert hasattr(evaluation, name)
    for name in ("evaluate", "effective_answers", "_compute"):
        assert not hasattr(values, name)
    assert values.Problem is evaluation.Problem  # one problem type for answers
    source = Path(evaluation.__file__).read_text(encoding="utf-8")
    for name in ("flask", "sqlalchemy", "audit.audits", "audit.extensions"):
        assert f"import {name}" not in source
        assert f"from {name}" not in source


def test_percentages_are_computed_after_the_ones_they_use() -> None:
    fw = fixture()
    assert [i.code for i in fw.formulas] == ["AA4a", "BB6"]  # BB6 = AA4a / 2
    statuses = evaluation.evaluate(fw, {"AA4": TABLE}, service="police", unit_type="station")
    assert statuses["AA4a"].value == 25.0
    assert statuses["BB6"].value == 12.5
    empty = evaluation.evaluate(fw, {}, service="police", unit_type="station")
    assert empty["AA4a"].value is None
    assert empty["BB6"].value is None


def test_formula_order_uses_graphlib_and_reports_cycles() -> None:
    order, cycles = graph.formula_order({"A": {"B", "X1"}, "B": {"C"}, "C": set()})
    assert order == ["C", "B", "A"]  # X1 is a plain answer, not a formula
    assert cycles == []
    order, cycles = graph.formula_order({"A": {"B"}, "B": {"C"}, "C": {"A"}, "D": {"D"}})
    assert sorted(map(sorted, cycles)) == [["A", "B", "C"], ["D"]]
    for cycle in cycles:  # each in the direction of use: a needs the next
        needs = {"A": "B", "B": "C", "C": "A", "D": "D"}
        assert all(needs[a] == b for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True))
    assert sorted(order) == ["A", "B", "C", "D"]  # unorderable codes still come, last


def test_validation_finds_cycles_through_graphlib(monkeypatch: pytest.MonkeyPatch) -> None:
    graphs: list[dict[str, set[str]]] = []

    class Recording(graphlib.TopologicalSorter):  # type: ignore[type-arg]
        def __init__(self, graph: dict[str, set[str]]) -> None:
            graphs.append(graph)
            super().__init__(graph)

    monkeypatch.setattr(graph, "TopologicalSorter", Recording)
    doc = copy.deepcopy(dict(spec.load_source(VALID)))
    doc["domains"][0]["indicators"][4]["formula"] = "BB6 * 2"  # AA4a <-> BB6
    problems = spec.validate(doc)
    assert {"AA4a": {"BB6"}, "BB6": {"AA4a"}} in graphs
    assert [p.message for p in problems] == ["formulas form a cycle: AA4a → BB6 → AA4a"]


def _percentage(code: str, formula: str) -> dict[str, object]:
    return {"code": code, "type": "percentage", "text": T, "formula": formula}


def test_every_formula_cycle_is_reported_from_its_first_formula() -> None:
    doc = copy.deepcopy(dict(spec.load_source(VALID)))
    doc["domains"][0]["indicators"] += [
        _percentage("AA7", "AA8 + 1"),
        _percentage("AA8", "AA9 + 1"),
        _percentage("AA9", "AA7 + 1"),
        _percentage("AA10", "AA10 * 2"),
    ]
    cycles = [p for p in spec.validate(doc) if "cycle" in p.message]
    assert cycles == [
        spec.FileProblem(
            "framework.yaml: domains[0].AA7.formula", "formulas form a cycle: AA7 → AA8 → AA9 → AA7"
        ),
        spec.FileProblem(
            "framework.yaml: domains[0].AA10.formula", "formulas form a cycle: AA10 → AA10"
        ),
    ]


def test_unvalidated_cycles_do_not_stop_evaluation() -> None:
    fw = fixture()
    looped = spec.Indicator(code="AA9", type="percentage", text=T, formula="AA9 + 1")
    first = dataclasses.replace(fw.domains[0], indicators=(*fw.domains[0].indicators, looped))
    broken = dataclasses.replace(fw, domains=(first, *fw.domains[1:]), checksum="x")
    assert [i.code for i in broken.formulas][-1] == "AA9"
    statuses = evaluation.evaluate(broken, {"AA4": TABLE}, service="police", unit_type="station")
    assert statuses["AA9"].value is None
    assert statuses["BB6"].value == 12.5
