"""The answer to one question, drawn by its type, consistent with the answers it is checked against.

The purpose-made draws (a unit's sites, its strength by rank, its women's desk) are found by the
question's comparability key; which answer a part is drawn out of comes from the framework's
rules and formulas (`reading`). Any other question gets a plausible answer from its type.
Each draw takes the question, the unit's draws `d` and `s`, how well the unit does on it (0-1).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from functools import partial

from audit.demo import reading
from audit.demo.profiles import Draw, seeded
from audit.frameworks import spec

Table = dict[str, dict[str, int]]

# Typical number of sites and of sub-units by unit type.
_SITES = {
    "hq": (3, 8),
    "region": (4, 10),
    "district": (3, 8),
    "station": (1, 2),
    "barracks": (1, 3),
    "academy": (1, 2),
    "deploying": (1, 3),
    "specialised": (1, 2),
}
_SUB_UNITS = {
    "hq": (10, 20),
    "region": (5, 12),
    "district": (4, 9),
    "station": (2, 5),
    "barracks": (3, 6),
    "academy": (3, 8),
    "deploying": (3, 6),
    "specialised": (2, 4),
}
#: A strength table's ranks, listed from the most senior: few officers, many other ranks.
_RANK_PARTS = (0.12, 0.3, 0.58)


def _cells(women: int, men: int, not_recorded: int = 0) -> dict[str, int]:
    return {"women": max(0, women), "men": max(0, men), "not_recorded": max(0, not_recorded)}


def _column(table: object, part: str) -> int:
    """A sex table's column total (`total` = all three columns), 0 when there is no table."""
    if not isinstance(table, Mapping):
        return 0
    parts = ("women", "men", "not_recorded") if part == "total" else (part,)
    return sum(int(cells.get(p, 0)) for cells in table.values() for p in parts)


def _share(total: int, women_share: float, rng: random.Random) -> int:
    """How many of `total` are women, near the given share."""
    return min(total, max(0, round(total * women_share * rng.uniform(0.8, 1.2))))


def _rows(ind: spec.Indicator) -> list[str]:
    return [row.code for row in ind.rows]


# --- sex tables -------------------------------------------------------------------------------


def _strength_by_rank(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """The unit's strength by rank; a weaker unit has not recorded everyone's sex."""
    rows = _rows(ind)
    parts = _RANK_PARTS if len(rows) == len(_RANK_PARTS) else (1 / len(rows),) * len(rows)
    table = {}
    for number, row in enumerate(rows):
        size = round(d.strength * parts[number])
        unknown = round(size * (0.5 - s) * 0.04) if s < 0.5 else 0
        senior = 0.8 if number == 0 else 1.05  # fewer women among the most senior
        women = _share(size - unknown, d.women_share * senior, d.rng)
        table[row] = _cells(women, size - unknown - women, unknown)
    return table


def _out_of_strength(
    ind: spec.Indicator, d: Draw, s: float, rate: Callable[[Draw, float], float]
) -> Table:
    """Promoted or trained this year: a rate of each rank of the table it is drawn out of."""
    strength = d.whole_table(ind)
    share = rate(d, s)
    return {
        row: _cells(
            round(strength.get(row, {}).get("women", 0) * share * d.rng.uniform(0.8, 1.2)),
            round(strength.get(row, {}).get("men", 0) * share * d.rng.uniform(0.8, 1.0)),
        )
        for row in _rows(ind)
    }


def _applicants(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """Applicants (the first row) and the recruits taken from them (the last)."""
    rows = _rows(ind)
    women = max(5, round(d.strength * d.rng.uniform(0.05, 0.15) * (0.5 + s)))
    men = round(women * d.rng.uniform(3, 7))
    return {
        rows[0]: _cells(women, men),
        rows[-1]: _cells(
            round(women * d.rng.uniform(0.1, 0.3)), round(men * d.rng.uniform(0.15, 0.3))
        ),
    }


def _separations(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """People who left, by reason: a small yearly rate of the strength, women a little more."""
    rates = {"resignation": 0.02, "dismissal": 0.004, "retirement": 0.015, "other": 0.005}
    table = {}
    for row in _rows(ind):
        size = round(d.strength * rates.get(row, 0.005) * d.rng.uniform(0.6, 1.4))
        women = _share(size, d.women_share * 1.3, d.rng)
        table[row] = _cells(women, size - women)
    return table


def _leadership(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """A few leadership posts (the command, the first row, fewest); women rarer than in ranks."""
    table = {}
    for number, row in enumerate(_rows(ind)):
        size = max(1, round((2 if number == 0 else 8) * d.profile.strength**0.2 / 3))
        size += d.rng.randint(0, 2)
        women = min(size, round(size * d.women_share * (0.4 + s) + d.rng.random() * 0.6))
        table[row] = _cells(women, size - women)
    return table


def _desk_officers(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """The women's desk: a few full-time officers (the first row), some on additional duty."""
    rows = _rows(ind)
    return {
        rows[0]: _cells(1 + round(2 * s), d.rng.randint(0, 2)),
        rows[-1]: _cells(d.rng.randint(0, 2), d.rng.randint(1, 3)),
    }


def _cases(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """Cases received by kind; a weaker desk does not record every survivor's sex."""
    ranges = {
        "domestic_violence": ((30, 150), (2, 12)),
        "sexual_violence": ((3, 25), (0, 3)),
        "trafficking": ((0, 4), (0, 2)),
    }
    return {
        row: _cells(
            d.between(ranges.get(row, ((5, 30), (2, 10)))[0]),
            d.between(ranges.get(row, ((5, 30), (2, 10)))[1]),
            d.rng.randint(0, 3) if s < 0.5 else 0,
        )
        for row in _rows(ind)
    }


def _complaints(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """A handful of complaints, a few more of harassment and in deploying units."""
    deploying = d.profile.unit_type == "deploying"
    return {
        row: _cells(
            d.rng.randint(0, 4 if row == "sexual_harassment" else 2 if deploying else 1),
            d.rng.randint(0, 1),
        )
        for row in _rows(ind)
    }


def _part_table(ind: spec.Indicator, d: Draw, s: float, men: float = 1.0) -> Table:
    """A part of the table it is drawn out of: row by row when the rows match, else by column."""
    whole, rows = d.whole_table(ind), _rows(ind)
    if all(row in whole for row in rows):
        return {
            row: _cells(round(whole[row].get("women", 0) * s), round(whole[row].get("men", 0) * s))
            for row in rows
        }
    women, all_men = _column(whole, "women"), _column(whole, "men")
    return {row: _cells(round(women * s), round(all_men * s * men)) for row in rows}


def _small_table(ind: spec.Indicator, d: Draw, s: float) -> Table:
    """Any other table (team members, course participants): small numbers, women well present."""
    table = {}
    for row in _rows(ind):
        size = d.rng.randint(4, 20)
        women = round(size * d.rng.uniform(0.3, 0.6))
        table[row] = _cells(women, size - women)
    return table


_TABLES: dict[str, Callable[[spec.Indicator, Draw, float], Table]] = {
    "recruitment.strength_by_rank": _strength_by_rank,
    "recruitment.applicants_recruits": _applicants,
    "recruitment.separations": _separations,
    "recruitment.promotions": partial(
        _out_of_strength, rate=lambda d, _: d.rng.uniform(0.04, 0.08)
    ),
    "recruitment.leadership_positions": _leadership,
    "womens_desk.officers_by_sex": _desk_officers,
    "womens_desk.trained_officers": partial(_part_table, men=0.8),
    "womens_desk.cases_received": _cases,
    "training.wps_trained_12m": partial(_out_of_strength, rate=lambda d, s: 0.15 + 0.6 * s),
    "accountability.complaints_received": _complaints,
    "leadership.senior_leaders": _leadership,
}


def sex_table(ind: spec.Indicator, d: Draw) -> Table:
    """A plausible sex-disaggregated table, consistent with the tables it is checked against."""
    s = d.score(ind.code)
    draw = _TABLES.get(ind.comparability_key)
    if draw is None:
        drawn_out_of = reading.whole_table(d.fw, ind.code)
        draw = _small_table if drawn_out_of is None else _part_table
    return draw(ind, d, s)


# --- counts and amounts -----------------------------------------------------------------------


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


_COUNTS: dict[str, Callable[[spec.Indicator, Draw, float], int]] = {
    "facilities.sites_total": lambda ind, d, s: d.between(_SITES[d.profile.unit_type]),
    "facilities.academy_capacity_women": lambda ind, d, s: round(
        d.profile.strength * d.rng.uniform(0.1, 0.3) * (0.5 + s)
    ),
    "facilities.academy_planned_intake_women": lambda ind, d, s: d.rng.randint(20, 80),
    "gender_advisers.subunits_total": lambda ind, d, s: d.between(_SUB_UNITS[d.profile.unit_type]),
    # Gender focal persons: somewhat fewer than one per sub-unit.
    "gender_advisers.persons_total": lambda ind, d, s: round(
        _int(d.answer("gender_advisers.subunits_total")) * (0.3 + 0.7 * s)
    ),
    "data.after_action_reports": lambda ind, d, s: d.rng.randint(2, 20),
    "training.deploying_personnel": lambda ind, d, s: (
        round(d.profile.strength * d.rng.uniform(0.7, 1.0))
        if d.profile.unit_type == "deploying"
        else 0
    ),
}
#: How much of its whole a part is, where `s` alone would be off (every other part: `s`).
_PART_SHARES: dict[str, Callable[[float], float]] = {
    "facilities.sites_compliant": lambda s: s + 0.1,
    "womens_desk.cases_registered": lambda s: 0.45 + 0.5 * s,
    "data.hr_records_with_sex": lambda s: 1 - (1 - s) * 0.15,  # HR records mostly complete
    "training.conduct_sea_trained_12m": lambda s: 0.1 + 0.6 * s,
    "accountability.complaints_investigated": lambda s: 0.5 + 0.5 * s,
}


def count(ind: spec.Indicator, d: Draw) -> int:
    """A plausible count, consistent with the answers it is checked against."""
    s = d.score(ind.code)
    draw = _COUNTS.get(ind.comparability_key)
    if draw is not None:
        return draw(ind, d, s)
    whole = d.whole(ind)
    if whole is not None:  # a part of another answer, or equal to it
        size = d.whole_size(whole) or 0
        key = ind.comparability_key
        share = 1.0 if whole.equal else _PART_SHARES[key](s) if key in _PART_SHARES else s
        return round(size * min(1.0, max(0.0, share)))
    # Counts read against bands (outreach, dialogues, closed roles): pick the band s points to.
    if ind.bands:
        levels = list(ind.bands)
        falling = spec.LEVELS.index(levels[0].level) > spec.LEVELS.index(levels[-1].level)
        index = min(len(levels) - 1, int((1 - s if falling else s) * len(levels)))
        low = int(levels[index].min)
        high = int(levels[index + 1].min) - 1 if index + 1 < len(levels) else low + 2 + low // 2
        return max(int(ind.min or 0), d.rng.randint(low, max(low, high)))
    return max(int(ind.min or 0), d.rng.randint(0, 10))


def amount(ind: spec.Indicator, d: Draw) -> int | float:
    """The unit's budget, or a part of the amount it is drawn out of (spent, of allocated)."""
    whole = d.whole(ind)
    size = d.whole_size(whole) if whole is not None else None
    if size is not None:
        return round(size * (0.4 + 0.55 * d.score(ind.code)))
    return round(d.profile.budget * (1.1 if d.cycle else 1.0), -2)


# --- levels and choices -----------------------------------------------------------------------


def level(ind: spec.Indicator, s: float) -> str:
    if ind.type == "yes_no":
        return "yes" if s >= 0.5 else "no"
    levels = spec.TYPE_LEVELS[ind.type]
    return levels[min(len(levels) - 1, int(s * len(levels)))]


def choice(ind: spec.Indicator, d: Draw, s: float) -> str:
    scored = sorted((o for o in ind.options if o.score is not None), key=lambda o: o.score or 0)
    if scored:
        return scored[min(len(scored) - 1, int(s * len(scored)))].code
    # Options without scores (what kind of accommodation): by the kind of unit.
    codes = [o.code for o in ind.options]
    if d.profile.unit_type in ("barracks", "academy", "deploying") and "quarters" in codes:
        return "quarters"
    return d.rng.choice(codes)


def multi_choice(ind: spec.Indicator, d: Draw, s: float) -> list[str]:
    positive = [o.code for o in ind.options if o.score]
    number = round(s * len(positive))
    if number == 0:
        none = [o.code for o in ind.options if o.code == "none" or o.score == 0]
        return none[:1] or positive[:1]
    return sorted(seeded(d.profile.code, ind.code).sample(positive, len(positive))[:number])
