"""Sums of unit scores that roll-ups read: one unit's contribution and how contributions add up.

Pure: plain dicts that store as JSON. A contribution is what one validated audit adds to the
sums of its cycle, institution and country; sums are contributions added together (and taken
away again when an audit is reopened). Both have the same shape:

    {"units": 1,
     "overall": [sum, n], "bands": {level: n},
     "domains": {code: [sum, n]}, "recommendations": {code: [sum, n]},
     "coverage": {code: [sum, n]},
     "sex": {code: {row: [women, men, not recorded, units]}}, "sensitive": {code: units}}

A score of None adds nothing (n counts units with a score, as SQL's count(column) does). An
entry whose counts fall to zero is removed, so sums with every contribution taken away are
`empty()` again, and float noise from adding and taking away does not outlive the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: (indicator code, row code, women, men, not recorded, sensitive)
SexRow = tuple[str, str, int, int, int, bool]

_PAIRS = ("domains", "recommendations", "coverage")


def empty() -> dict[str, Any]:
    """Sums over no unit."""
    return {
        "units": 0,
        "overall": [0.0, 0],
        "bands": {},
        "domains": {},
        "recommendations": {},
        "coverage": {},
        "sex": {},
        "sensitive": {},
    }


def _pair(value: float | None) -> list[float | int]:
    return [0.0, 0] if value is None else [float(value), 1]


def contribution(
    overall: float | None,
    band: str | None,
    domains: Iterable[tuple[str, float | None]],
    recommendations: Iterable[tuple[str, float | None, float | None]],
    sex: Iterable[SexRow],
) -> dict[str, Any]:
    """What one validated audit adds: its overall score and band, its domain and
    recommendation scores (and coverage), and its sex-disaggregated counts."""
    found = empty()
    found["units"] = 1
    found["overall"] = _pair(overall)
    if overall is not None and band is not None:
        found["bands"] = {band: 1}
    found["domains"] = {code: _pair(score) for code, score in domains}
    for code, score, coverage in recommendations:
        found["recommendations"][code] = _pair(score)
        found["coverage"][code] = _pair(coverage)
    for code, row, women, men, not_recorded, sensitive in sex:
        found["sex"].setdefault(code, {})[row] = [int(women), int(men), int(not_recorded), 1]
        if sensitive:
            found["sensitive"][code] = 1
    return found


def _add_pair(mine: dict[str, list[Any]], key: str, theirs: list[Any], sign: int) -> None:
    total = mine.get(key, [0.0, 0])
    n = total[1] + sign * theirs[1]
    if n:
        mine[key] = [total[0] + sign * theirs[0], n]
    else:
        mine.pop(key, None)


def _add_count(mine: dict[str, int], key: str, theirs: int, sign: int) -> None:
    n = mine.get(key, 0) + sign * theirs
    if n:
        mine[key] = n
    else:
        mine.pop(key, None)


def combine(total: Mapping[str, Any], part: Mapping[str, Any], sign: int = 1) -> dict[str, Any]:
    """`total` with `part` added (sign 1) or taken away (sign -1); neither is changed."""
    found = {key: _copy(value) for key, value in total.items()}
    found["units"] = found.get("units", 0) + sign * part.get("units", 0)
    overall = [found["overall"][0] + sign * part["overall"][0]]
    overall.append(found["overall"][1] + sign * part["overall"][1])
    found["overall"] = overall if overall[1] else [0.0, 0]
    for key in _PAIRS:
        for code, pair in part.get(key, {}).items():
            _add_pair(found[key], code, pair, sign)
    for level, n in part.get("bands", {}).items():
        _add_count(found["bands"], level, n, sign)
    for code, n in part.get("sensitive", {}).items():
        _add_count(found["sensitive"], code, n, sign)
    for code, rows in part.get("sex", {}).items():
        table = found["sex"].setdefault(code, {})
        for row, cells in rows.items():
            mine = table.get(row, [0, 0, 0, 0])
            added = [a + sign * b for a, b in zip(mine, cells, strict=True)]
            if added[3]:
                table[row] = added
            else:
                table.pop(row, None)
        if not table:
            found["sex"].pop(code)
    return found


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return list(value)
    return value


def total_of(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Every part added together."""
    found = empty()
    for part in parts:
        found = combine(found, part)
    return found


def sex_units(sums: Mapping[str, Any], code: str) -> int:
    """How many units a summed table covers: the fewest contributing to any of its rows."""
    rows = sums.get("sex", {}).get(code, {})
    return min((cells[3] for cells in rows.values()), default=0)
