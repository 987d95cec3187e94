"""What stays the same about a unit (its profile), and the random draws of one unit in one cycle.

Every draw comes from `random.Random` seeded from the demo seed, the unit's code and the cycle,
so every load gives the same demo.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from audit.demo import reading
from audit.demo.data import DEMO_SEED, SLIPPING
from audit.frameworks import expr, spec
from audit.orgs.models import Unit

# Typical uniformed strength by unit type.
_STRENGTH = {
    "hq": (700, 1500),
    "region": (350, 900),
    "district": (2200, 3800),
    "station": (45, 120),
    "barracks": (450, 900),
    "academy": (150, 400),
    "deploying": (180, 850),
    "specialised": (25, 70),
}
#: (code, rough budget for WPS activities in a mid-sized unit) per country.
_CURRENCY = {"LB": ("USD", 40_000), "IQ": ("IQD", 60_000_000), "NP": ("NPR", 4_000_000)}


def seeded(*parts: object) -> random.Random:
    """A generator seeded from the demo seed and these parts (the same draws on every load)."""
    return random.Random(":".join(map(str, (DEMO_SEED, *parts))))  # noqa: S311 - not security


@dataclass(frozen=True)
class UnitProfile:
    """What stays the same about a unit from cycle to cycle."""

    code: str
    service: str
    unit_type: str
    quality: float  # 0-1: how far along the unit was in 2025
    change: float  # how much that changed by 2026
    strength: int
    women_share: float
    currency: str
    budget: int
    budget_of_its_own: bool

    @classmethod
    def of(cls, code: str, unit: Unit) -> UnitProfile:
        """The profile of a stored unit."""
        return cls.draw(code, unit.service, unit.unit_type.value, unit.institution.country.code)

    @classmethod
    def draw(cls, code: str, service: str, unit_type: str, country_code: str) -> UnitProfile:
        """The profile of a unit of this service and type (the same for the same code)."""
        rng = seeded(code)
        low, high = _STRENGTH[unit_type]
        police = service == "police"
        currency, budget = _CURRENCY.get(country_code, _CURRENCY["LB"])
        change = -rng.uniform(0.03, 0.08) if code in SLIPPING else rng.uniform(0.05, 0.16)
        return cls(
            code=code,
            service=service,
            unit_type=unit_type,
            quality=rng.uniform(0.3, 0.8),
            change=change,
            strength=rng.randint(low, high),
            women_share=rng.uniform(0.07, 0.2) if police else rng.uniform(0.03, 0.08),
            currency=currency,
            budget=int(budget * rng.uniform(0.5, 2.0) * (high / 400) ** 0.5),
            budget_of_its_own=unit_type in ("hq", "region", "district", "academy")
            or rng.random() < 0.5,
        )


class Draw:
    """The random draws of one unit in one cycle, and the answers planned so far."""

    def __init__(self, profile: UnitProfile, fw: spec.Framework, cycle: int) -> None:
        base = seeded(profile.code, "leaning")
        # A fixed leaning per question and unit, so answers move together between cycles.
        self.leaning = {ind.code: base.uniform(-0.3, 0.3) for ind in fw.indicators}
        self.rng = seeded(profile.code, cycle)
        self.quality = profile.quality + (profile.change if cycle else 0.0)
        self.cycle = cycle
        self.profile = profile
        self.fw = fw
        self.plan: dict[str, object] = {}

    def score(self, code: str) -> float:
        """How well the unit does on this question, 0-1."""
        value = self.quality + self.leaning.get(code, 0.0) + self.rng.uniform(-0.04, 0.04)
        return min(1.0, max(0.0, value))

    def between(self, bounds: tuple[int, int]) -> int:
        return self.rng.randint(*bounds)

    @property
    def strength(self) -> int:
        """The unit's strength this cycle (it grows a little)."""
        return round(self.profile.strength * (1.03 if self.cycle else 1.0))

    @property
    def women_share(self) -> float:
        """The share of women this cycle (it grows a little)."""
        return self.profile.women_share + (0.01 if self.cycle else 0.0)

    def answer(self, key: str) -> object:
        """The planned answer to the question with this comparability key, if any."""
        code = reading.codes_by_key(self.fw).get(key)
        return self.plan.get(code) if code else None

    def whole(self, ind: spec.Indicator) -> reading.Whole | None:
        """What the framework says this question is a part of."""
        return reading.wholes(self.fw).get(ind.code)

    def whole_size(self, whole: reading.Whole) -> int | float | None:
        """The planned whole as its rule reads it (`FA1`, `WD8.total`); None when not planned."""
        value = expr.evaluate_text(str(whole.ref), self.plan)
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    def whole_table(self, ind: spec.Indicator) -> Mapping[str, Mapping[str, int]]:
        """The planned sex table this question is drawn out of ({} when there is none)."""
        code = reading.whole_table(self.fw, ind.code)
        table = self.plan.get(code) if code else None
        return table if isinstance(table, Mapping) else {}
