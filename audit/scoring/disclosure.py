"""Disclosure control for donor-facing numbers: small-cell suppression and the aggregation floor.

Pure (no Flask, no database), so the rules can be read and tested on their own. README.md
("Disclosure for donors") says what donors see; this is how, in full.

**Tables.** A sex-disaggregated table is categories (rows) × women, men, not recorded, with a
total per row, per column and a grand total. Each of these numbers is an *entry*; totals are
entries too.

1. *Primary suppression*: an entry ``n`` with ``0 < n < k`` is withheld (reason ``"small"``).
   That includes totals: "3 officers" is a small count whatever their sex.
2. *True zeros are shown.* A zero is not withheld by rule 1: it is what most small tables are
   made of, and hiding it would hide the table (common statistical-office practice). A zero is
   only ever withheld as a complement (rule 3), and only when nothing else will do.
3. *Secondary suppression*: every row, every column, the totals row and the totals column is an
   equation (its entries add up to its total). Entries are withheld until no withheld entry can
   be worked out exactly from the published ones by any combination of those equations. In
   particular no line is left with exactly one withheld entry. Method: rows and columns (totals
   included) are the nodes of a graph and each withheld entry is an edge between its row and its
   column; a withheld entry can be worked out exactly if and only if its edge is a *bridge* (lies
   on no cycle). For each bridge, the cheapest path of further entries that closes a cycle
   through it is withheld as well (reason ``"secondary"``), and this repeats until there is no
   bridge. Cost of a path, compared in this order: zeros used (a zero beside a withheld entry
   narrows what that entry can be), totals used (donors read the totals), cells of *protected*
   columns used (``protect=("women",)``: women are nearly always the smallest group, so "the
   smallest cell" alone would withhold exactly the counts a WPS audit exists to report), the sum
   of the values withheld (withhold the smallest cells), then the number of entries.
4. *Ratios* computed from a withheld count are withheld: :func:`share` gives None when either
   count is None.

Not covered: bounds an attacker can derive from the counts being non-negative (interval
disclosure) beyond what rule 3's preference for non-zero complements already gives.

**Aggregates.** A figure over units (a mean score, a share of units) is published only when it
covers at least ``min_units`` units (:func:`aggregate_allowed`). A parent's figure (a country)
beside published figures of some of its parts (institutions) would give away the rest by
subtraction, so the unpublished remainder must itself be none or at least ``min_units`` units
(:func:`parent_allowed`).
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "COLUMNS",
    "DEFAULT_K",
    "MIN_UNITS",
    "SECONDARY",
    "SMALL",
    "Cell",
    "SuppressedTable",
    "aggregate_allowed",
    "parent_allowed",
    "share",
    "suppress_table",
]

#: Counts below this are withheld (the default of the DISCLOSURE_K setting).
DEFAULT_K = 5
#: A figure over units is published only if it covers at least this many units.
MIN_UNITS = 3
#: The columns of a sex-disaggregated table.
COLUMNS = ("women", "men", "not_recorded")

SMALL = "small"
SECONDARY = "secondary"
Reason = Literal["small", "secondary"]

#: A position in the table: (row, column); None stands for "total".
Position = tuple[str | None, str | None]


@dataclass(frozen=True)
class Cell:
    """One published or withheld number: `value` is None when withheld, and `reason` says why."""

    value: int | None
    reason: Reason | None = None

    @property
    def suppressed(self) -> bool:
        """Whether the number is withheld."""
        return self.reason is not None


@dataclass(frozen=True)
class SuppressedTable:
    """A table after suppression: cells, row and column totals and the grand total."""

    k: int
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[str, Mapping[str, Cell]]
    row_totals: Mapping[str, Cell]
    column_totals: Mapping[str, Cell]
    grand_total: Cell

    def entry(self, row: str | None, column: str | None) -> Cell:
        """The entry at (row, column); None as row or column means its total."""
        if row is None:
            return self.grand_total if column is None else self.column_totals[column]
        return self.row_totals[row] if column is None else self.cells[row][column]

    @property
    def suppressed(self) -> frozenset[Position]:
        """The withheld positions, (row, column) with None standing for a total."""
        return frozenset(
            (row, column)
            for row in (*self.rows, None)
            for column in (*self.columns, None)
            if self.entry(row, column).suppressed
        )

    @property
    def any_suppressed(self) -> bool:
        """Whether anything in the table is withheld."""
        return bool(self.suppressed)


def share(numerator: int | None, denominator: int | None) -> float | None:
    """numerator ÷ denominator (0-1), or None when either is withheld or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def aggregate_allowed(unit_count: int, *, min_units: int = MIN_UNITS) -> bool:
    """Whether a figure over `unit_count` units may be published."""
    return unit_count >= min_units


def parent_allowed(
    unit_count: int, published_parts: Iterable[int], *, min_units: int = MIN_UNITS
) -> bool:
    """Whether a parent's figure over `unit_count` units may be published beside its parts.

    `published_parts` are the unit counts of the parts whose own figure is published; what is
    left (the parent minus those parts) must be no unit at all or at least `min_units`, or
    subtraction would give away a figure over fewer units.
    """
    remainder = unit_count - sum(published_parts)
    return aggregate_allowed(unit_count, min_units=min_units) and (
        remainder == 0 or remainder >= min_units
    )


# --------------------------------------------------------------------------- suppression

# Inside, the table is extended: row index len(rows) is the totals row, column index
# len(columns) the totals column, so every equation is "a line's entries add up to its total".
_Entry = tuple[int, int]
#: A node of the graph: ("r", row index) or ("c", column index).
_Node = tuple[str, int]
_Cost = tuple[int, int, int, int, int]


def suppress_table(
    rows: Mapping[str, Mapping[str, int]],
    *,
    k: int = DEFAULT_K,
    columns: Sequence[str] = COLUMNS,
    protect: Collection[str] = (),
) -> SuppressedTable:
    """Withhold small counts and whatever would let them be worked out (see the module doc).

    `rows` maps each category to its counts by column ({"women": 3, "men": 7, ...}); a missing
    column counts 0. Counts must be whole numbers, not negative. Cells of the `protect` columns
    are withheld as complements only when other cells (totals aside) will not do.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    names = tuple(rows)
    columns = tuple(columns)
    n_rows, n_cols = len(names), len(columns)
    grid: list[list[int]] = []
    for name in names:
        line = []
        for column in columns:
            value = rows[name].get(column, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name}/{column}: a count must be a whole number >= 0")
            line.append(value)
        grid.append([*line, sum(line)])
    grid.append([sum(grid[i][j] for i in range(n_rows)) for j in range(n_cols + 1)])

    reasons: dict[_Entry, Reason] = {
        (i, j): SMALL for i in range(n_rows + 1) for j in range(n_cols + 1) if 0 < grid[i][j] < k
    }
    protected = {columns.index(c) for c in protect if c in columns}
    while (bridge := _first_bridge(reasons)) is not None:
        for entry in _cheapest_cycle(bridge, reasons, grid, n_rows, n_cols, protected):
            reasons[entry] = SECONDARY

    def cell(i: int, j: int) -> Cell:
        reason = reasons.get((i, j))
        return Cell(None if reason else grid[i][j], reason)

    return SuppressedTable(
        k=k,
        rows=names,
        columns=columns,
        cells={
            name: {c: cell(i, j) for j, c in enumerate(columns)} for i, name in enumerate(names)
        },
        row_totals={name: cell(i, n_cols) for i, name in enumerate(names)},
        column_totals={c: cell(n_rows, j) for j, c in enumerate(columns)},
        grand_total=cell(n_rows, n_cols),
    )


def _connected(start: _Node, goal: _Node, edges: Iterable[_Entry], skip: _Entry) -> bool:
    """Whether `goal` can be reached from `start` over the withheld entries other than `skip`."""
    neighbours: dict[_Node, list[_Node]] = {}
    for i, j in edges:
        if (i, j) == skip:
            continue
        neighbours.setdefault(("r", i), []).append(("c", j))
        neighbours.setdefault(("c", j), []).append(("r", i))
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in neighbours.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _first_bridge(withheld: Mapping[_Entry, Reason]) -> _Entry | None:
    """The first withheld entry (row-major) that no cycle of withheld entries goes through."""
    for entry in sorted(withheld):
        i, j = entry
        if not _connected(("r", i), ("c", j), withheld, entry):
            return entry
    return None


def _cheapest_cycle(
    bridge: _Entry,
    withheld: Mapping[_Entry, Reason],
    grid: Sequence[Sequence[int]],
    n_rows: int,
    n_cols: int,
    protected: Collection[int] = (),
) -> list[_Entry]:
    """The published entries to withhold so that a cycle goes through `bridge` (Dijkstra).

    Nodes are rows and columns (totals included); every entry but the bridge is an edge, free
    when already withheld, else costing (is zero, is a total, is protected, value, 1).
    """
    free: _Cost = (0, 0, 0, 0, 0)

    def cost(entry: _Entry) -> _Cost:
        if entry in withheld:
            return free
        i, j = entry
        value = grid[i][j]
        total = i == n_rows or j == n_cols
        return (int(value == 0), int(total), int(j in protected), value, 1)

    start, goal = ("r", bridge[0]), ("c", bridge[1])
    best: dict[_Node, _Cost] = {start: free}
    came: dict[_Node, tuple[_Node, _Entry]] = {}
    queue: list[tuple[_Cost, _Node]] = [(free, start)]
    done: set[_Node] = set()
    while queue:
        so_far, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        for nxt, entry in _edges(node, n_rows, n_cols):
            if entry == bridge or nxt in done:
                continue
            step = cost(entry)
            reached: _Cost = (
                so_far[0] + step[0],
                so_far[1] + step[1],
                so_far[2] + step[2],
                so_far[3] + step[3],
                so_far[4] + step[4],
            )
            if nxt not in best or reached < best[nxt]:
                best[nxt] = reached
                came[nxt] = (node, entry)
                heapq.heappush(queue, (reached, nxt))
    return _published_on_path(came, start, goal, withheld)


def _edges(node: _Node, n_rows: int, n_cols: int) -> list[tuple[_Node, _Entry]]:
    """The entries of a row (or column), totals included, each with the column (row) it
    leads to."""
    kind, index = node
    if kind == "r":
        return [(("c", j), (index, j)) for j in range(n_cols + 1)]
    return [(("r", i), (i, index)) for i in range(n_rows + 1)]


def _published_on_path(
    came: Mapping[_Node, tuple[_Node, _Entry]],
    start: _Node,
    goal: _Node,
    withheld: Mapping[_Entry, Reason],
) -> list[_Entry]:
    """Walk the path found back from `goal` to `start`; give its entries not yet withheld."""
    path: list[_Entry] = []
    node = goal
    while node != start:
        node, entry = came[node]
        if entry not in withheld:
            path.append(entry)
    return path
