"""Contributions add up and come away again, in any order (pure, hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.scoring import sums

SCORE = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))
COUNT = st.integers(min_value=0, max_value=10_000)

CONTRIBUTION = st.builds(
    sums.contribution,
    SCORE,
    st.sampled_from(["missing", "approaches", "meets", "exceeds"]),
    st.lists(st.tuples(st.sampled_from(["AA", "BB", "CC"]), SCORE), unique_by=lambda t: t[0]),
    st.lists(
        st.tuples(st.sampled_from(["R01", "R02", "R17"]), SCORE, SCORE), unique_by=lambda t: t[0]
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["AA4", "TR2"]),
            st.sampled_from(["officers", "others"]),
            COUNT,
            COUNT,
            COUNT,
            st.booleans(),
        ),
        unique_by=lambda t: (t[0], t[1]),
    ),
)


def approx(value: object) -> object:
    if isinstance(value, dict):
        return {k: approx(v) for k, v in value.items()}
    if isinstance(value, list):
        return [approx(v) for v in value]
    if isinstance(value, float):
        return pytest.approx(value, abs=1e-6)
    return value


@given(parts=st.lists(CONTRIBUTION, max_size=8), data=st.data())
def test_taking_some_contributions_away_leaves_the_sum_of_the_others(parts, data):
    away = data.draw(st.sets(st.integers(0, max(0, len(parts) - 1))) if parts else st.just(set()))
    total = sums.total_of(parts)
    for i in sorted(away, reverse=True):
        total = sums.combine(total, parts[i], -1)
    kept = [p for i, p in enumerate(parts) if i not in away]
    assert total == approx(sums.total_of(kept))
    assert total["units"] == len(kept)


@given(parts=st.lists(CONTRIBUTION, max_size=6), data=st.data())
def test_the_order_of_adding_does_not_matter(parts, data):
    shuffled = data.draw(st.permutations(parts))
    assert sums.total_of(shuffled) == approx(sums.total_of(parts))


def test_a_contribution_counts_only_the_scores_there_are():
    part = sums.contribution(
        None, "missing", [("AA", None), ("BB", 40.0)], [("R01", 50.0, None)], []
    )
    assert part["overall"] == [0.0, 0]
    assert part["bands"] == {}  # no overall score: no band either
    assert part["domains"] == {"AA": [0.0, 0], "BB": [40.0, 1]}
    assert part["coverage"] == {"R01": [0.0, 0]}
    both = sums.total_of(
        [
            sums.contribution(70.0, "meets", [], [], [("AA4", "officers", 3, 7, 0, True)]),
            sums.contribution(
                50.0,
                "approaches",
                [],
                [],
                [("AA4", "officers", 1, 1, 0, True), ("AA4", "others", 2, 2, 1, True)],
            ),
        ]
    )
    assert both["overall"] == [120.0, 2]
    assert both["bands"] == {"meets": 1, "approaches": 1}
    assert both["sex"]["AA4"] == {"officers": [4, 8, 0, 2], "others": [2, 2, 1, 1]}
    assert sums.sex_units(both, "AA4") == 1  # the fewest units behind any row
    assert both["sensitive"] == {"AA4": 2}
    assert sums.combine(sums.combine(sums.empty(), both), both, -1) == sums.empty()
