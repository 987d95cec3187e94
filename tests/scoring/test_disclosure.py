"""Small-cell suppression and the aggregation floor (pure: no app, no database)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.scoring.disclosure import (
    COLUMNS,
    DEFAULT_K,
    MIN_UNITS,
    SECONDARY,
    SMALL,
    SuppressedTable,
    aggregate_allowed,
    parent_allowed,
    share,
    suppress_table,
)


def row(women: int, men: int, not_recorded: int) -> dict[str, int]:
    return {"women": women, "men": men, "not_recorded": not_recorded}


def values(table: SuppressedTable) -> dict[tuple[str | None, str | None], int | None]:
    """Every entry, totals included (None for a total)."""
    return {
        (r, c): table.entry(r, c).value for r in (*table.rows, None) for c in (*table.columns, None)
    }


# --- hand cases ------------------------------------------------------------------------------


def test_nothing_small_nothing_withheld():
    table = suppress_table({"officers": row(12, 30, 5), "others": row(40, 90, 0)})
    assert table.suppressed == frozenset()
    assert table.row_totals["officers"].value == 47
    assert table.column_totals["women"].value == 52
    assert table.column_totals["not_recorded"].value == 5
    assert table.grand_total.value == 177
    assert not table.any_suppressed


def test_true_zeros_are_shown():
    table = suppress_table({"officers": row(0, 0, 0), "others": row(0, 12, 0)})
    assert table.suppressed == frozenset()
    assert table.cells["officers"]["women"].value == 0
    assert table.grand_total.value == 12


def test_one_small_cell_is_hidden_with_the_smallest_rectangle():
    table = suppress_table(
        {"officers": row(3, 20, 40), "others": row(25, 60, 90), "civilians": row(30, 70, 95)}
    )
    assert table.cells["officers"]["women"].reason == SMALL
    assert table.cells["officers"]["women"].value is None
    # The cheapest complements: officers/men (20), others/women (25) and others/men (60).
    assert table.suppressed == {
        ("officers", "women"),
        ("officers", "men"),
        ("others", "women"),
        ("others", "men"),
    }
    assert table.cells["others"]["men"].reason == SECONDARY
    # Every total stays published: each line with a withheld cell has two of them.
    assert table.row_totals["officers"].value == 63
    assert table.column_totals["women"].value == 58
    assert table.grand_total.value == 433


def test_small_totals_are_withheld_too():
    table = suppress_table({"officers": row(0, 3, 0), "others": row(10, 20, 30)})
    assert table.row_totals["officers"].reason == SMALL
    assert table.cells["officers"]["men"].reason == SMALL
    # A published zero is not a complement while anything else will do.
    assert table.cells["officers"]["women"].value == 0
    assert table.cells["officers"]["not_recorded"].value == 0


def test_the_fixture_strength_table():
    table = suppress_table({"officers": row(3, 7, 0), "others": row(10, 30, 1)})
    published = values(table)
    assert published[("officers", "women")] is None
    assert published[("others", "not_recorded")] is None
    assert published[(None, "not_recorded")] is None  # the column total is 1
    for key, value in published.items():
        assert value is None or value == 0 or value >= DEFAULT_K, key
    assert table.grand_total.value == 51


def test_a_single_row_hides_its_column_totals_as_well():
    table = suppress_table({"officers": row(2, 20, 30)})
    assert table.cells["officers"]["women"].value is None
    # The column total equals the cell, so it is small too.
    assert table.column_totals["women"].reason == SMALL
    # And one more column goes, or women = row total - the rest.
    assert table.cells["officers"]["men"].value is None
    assert table.column_totals["men"].value is None
    assert table.row_totals["officers"].value == 52


def test_protected_columns_are_complements_of_last_resort():
    rows = {"officers": row(23, 215, 1), "others": row(60, 900, 2)}
    plain = suppress_table(rows)
    # The smallest complements are the women's counts...
    assert plain.cells["officers"]["women"].value is None
    kept = suppress_table(rows, protect=("women",))
    # ... unless women are protected: then men's counts are withheld instead.
    assert kept.cells["officers"]["women"].value == 23
    assert kept.cells["others"]["women"].value == 60
    assert kept.cells["officers"]["men"].reason == SECONDARY
    assert kept.cells["officers"]["not_recorded"].reason == SMALL
    assert kept.row_totals["officers"].value == 239


def test_k_is_a_parameter():
    rows = {"officers": row(6, 20, 30), "others": row(25, 60, 90)}
    assert suppress_table(rows).suppressed == frozenset()
    assert ("officers", "women") in suppress_table(rows, k=10).suppressed


def test_no_rows_is_an_empty_table():
    table = suppress_table({})
    assert table.rows == ()
    assert table.grand_total.value == 0
    assert table.columns == COLUMNS


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_counts_must_be_whole_numbers(bad):
    with pytest.raises(ValueError, match="whole number"):
        suppress_table({"officers": {"women": bad, "men": 1, "not_recorded": 0}})


def test_k_must_be_positive():
    with pytest.raises(ValueError, match="k must"):
        suppress_table({"officers": row(1, 2, 3)}, k=0)


def test_share_is_withheld_with_its_counts():
    assert share(3, 12) == pytest.approx(0.25)
    assert share(None, 12) is None
    assert share(3, None) is None
    assert share(0, 0) is None


def test_aggregation_floor():
    assert MIN_UNITS == 3
    assert not aggregate_allowed(2)
    assert aggregate_allowed(3)
    assert aggregate_allowed(2, min_units=2)


def test_a_parent_may_not_give_away_a_small_remainder():
    assert parent_allowed(6, [3])  # the other 3 form a publishable group anyway
    assert parent_allowed(3, [3])  # nothing left over
    assert parent_allowed(5, [])  # no part published
    assert not parent_allowed(4, [3])  # country minus police = one army unit
    assert not parent_allowed(2, [])  # below the floor itself


# --- properties ------------------------------------------------------------------------------


def _rank(matrix: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination over the rationals."""
    rows = [list(r) for r in matrix if any(r)]
    rank = 0
    columns = len(rows[0]) if rows else 0
    for col in range(columns):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def _determined(table: SuppressedTable) -> set[tuple[str | None, str | None]]:
    """Withheld entries that the line equations pin down exactly, whatever else is published."""
    unknown = sorted(table.suppressed, key=repr)
    if not unknown:
        return set()
    lines: list[list[tuple[str | None, str | None]]] = []
    for r in (*table.rows, None):
        lines.append([(r, c) for c in (*table.columns, None)])
    for c in (*table.columns, None):
        lines.append([(r, c) for r in (*table.rows, None)])
    matrix = []
    for line in lines:
        # Entries of the line minus its total (the last position) add up to zero.
        coefficient = {pos: Fraction(1) for pos in line[:-1]} | {line[-1]: Fraction(-1)}
        matrix.append([coefficient.get(pos, Fraction(0)) for pos in unknown])
    full = _rank(matrix)
    found = set()
    for index, pos in enumerate(unknown):
        without = [r[:index] + r[index + 1 :] for r in matrix]
        if _rank(without) == full - 1:  # its column is independent of all the others
            found.add(pos)
    return found


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
tables = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.fixed_dictionaries({c: counts for c in COLUMNS}),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(rows=tables, k=st.integers(2, 8), protect=st.sampled_from([(), ("women",)]))
def test_suppression_properties(rows, k, protect):
    table = suppress_table(rows, k=k, protect=protect)
    published = values(table)
    withheld = table.suppressed

    # Published numbers are the true ones; none is small (zeros are disclosed).
    for (r, c), value in published.items():
        if value is None:
            continue
        assert value == 0 or value >= k, (r, c, value)
        if r is not None and c is not None:
            assert value == rows[r][c]
    for r in table.rows:
        for c in table.columns:
            if 0 < rows[r][c] < k:
                assert table.cells[r][c].reason == SMALL

    # No line with a published total has exactly one withheld cell, so no cell equals
    # "published total - published cells" of its line.
    lines = [[(r, c) for c in table.columns] + [(r, None)] for r in (*table.rows, None)]
    lines += [[(r, c) for r in table.rows] + [(None, c)] for c in (*table.columns, None)]
    for line in lines:
        cells, total = line[:-1], line[-1]
        hidden = [pos for pos in cells if pos in withheld]
        if hidden and total not in withheld:
            assert len(hidden) >= 2, (line, hidden)

    # Stronger: no withheld entry is pinned down by any combination of the equations.
    assert _determined(table) == set()
