"""The parsed framework as frozen dataclasses, and the problem type of framework files.

A `Framework` is what the rest of the application reads: built from validated files (codec.py)
or rebuilt from the JSON the database keeps. Nothing here knows about files or validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from audit.frameworks import expr
from audit.frameworks.spec.graph import formula_order
from audit.frameworks.spec.terms import TYPE_LEVELS, is_scored


class FileProblem(NamedTuple):
    """One problem in a framework file: where (`file: path.inside`) and what."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass(frozen=True)
class Band:
    """A score band: values from `min` up to the next band's `min` get `level`."""

    level: str
    min: float


#: Bands for overall and domain scores (0-100) when framework.yaml gives none.
DEFAULT_FRAMEWORK_BANDS = (
    Band("missing", 0),
    Band("approaches", 40),
    Band("meets", 60),
    Band("exceeds", 80),
)
#: Where the default bands above "missing" begin (chart grid lines, workbook colour rules).
DEFAULT_THRESHOLDS: tuple[float, ...] = tuple(band.min for band in DEFAULT_FRAMEWORK_BANDS[1:])
#: Bands against percent of target achieved when an indicator has a target but no bands.
DEFAULT_TARGET_BANDS = (
    Band("missing", 0),
    Band("approaches", 25),
    Band("meets", 75),
    Band("exceeds", 100),
)


# The dataclasses hold dicts (translated texts), so the generated __hash__ would fail; each class
# hashes on its identifying fields instead, which is consistent with the generated __eq__.


@dataclass(frozen=True)
class Cluster:
    """A group of recommendations."""

    code: str
    title: dict[str, str]

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True)
class Recommendation:
    """A benchmark recommendation; `level` is `unit` or `institution` (never failed by one unit)."""

    code: str
    cluster: str
    level: str
    title: dict[str, str]

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True)
class Option:
    """An option of a choice or multi_choice indicator."""

    code: str
    label: dict[str, str]
    score: float | None = None

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True)
class Row:
    """A row of a sex_table indicator."""

    code: str
    label: dict[str, str]

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: `check` must hold once the answers it needs exist."""

    check: str
    message: dict[str, str]
    #: "error" blocks submission while the rule is broken; "warning" only tells.
    severity: str = "error"

    def __hash__(self) -> int:
        return hash(self.check)

    @property
    def blocks(self) -> bool:
        """Whether a broken rule keeps the audit from being submitted."""
        return self.severity != "warning"

    def holds(self, answers: Mapping[str, object]) -> bool | None:
        """True or False, or None while the answers it needs are missing (not checked)."""
        result = expr.evaluate_text(self.check, answers)
        return result if isinstance(result, bool) else None


@dataclass(frozen=True)
class Indicator:
    """One question of a framework, with every key of the file format (defaults filled in)."""

    code: str
    type: str
    text: dict[str, str]
    help: dict[str, str] | None = None
    levels: dict[str, dict[str, str]] = field(default_factory=dict)
    services: tuple[str, ...] = ()  # applies_to.services; empty = every service
    unit_types: tuple[str, ...] = ()  # applies_to.unit_types; empty = every unit type
    weight: int = 1
    required: bool = True
    evidence: str = "none"
    evidence_hint: dict[str, str] | None = None
    sensitive: bool = False
    links_primary: tuple[str, ...] = ()
    links_supporting: tuple[str, ...] = ()
    skip_if: str | None = None
    rules: tuple[Rule, ...] = ()
    comparability_key: str = ""
    min: float | None = None
    max: float | None = None
    target: float | None = None
    bands: tuple[Band, ...] = ()
    rows: tuple[Row, ...] = ()
    formula: str | None = None
    max_age_months: int | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    #: A short title for tables and reports (a table of counts is titled by it, not by the
    #: question's wording); None: the question's text.
    short: dict[str, str] | None = None

    def __hash__(self) -> int:
        return hash((self.code, self.type))

    @property
    def domain_code(self) -> str:
        """The code of the domain this indicator belongs to (its first two letters)."""
        return self.code[:2]

    def applies(self, service: str, unit_type: str) -> bool:
        """Whether the question is asked of a unit of this service and type."""
        return (not self.services or service in self.services) and (
            not self.unit_types or unit_type in self.unit_types
        )

    @property
    def is_scored(self) -> bool:
        """Whether answers to this indicator produce a score (see the table in FORMAT.md)."""
        return is_scored(
            self.type,
            has_target_or_bands=self.target is not None or bool(self.bands),
            has_max_age=self.max_age_months is not None,
            has_option_scores=any(o.score is not None for o in self.options),
        )

    @property
    def effective_bands(self) -> tuple[Band, ...]:
        """The bands to score with: the given ones, or the default target bands."""
        if self.bands:
            return self.bands
        return DEFAULT_TARGET_BANDS if self.target is not None else ()

    @property
    def allowed_values(self) -> tuple[str, ...] | None:
        """The codes a yes_no, no_partly_yes, rubric, choice or multi_choice answer may hold."""
        if self.type == "yes_no":
            return ("yes", "no")
        if self.type in TYPE_LEVELS:
            return TYPE_LEVELS[self.type]
        if self.type in ("choice", "multi_choice"):
            return tuple(o.code for o in self.options)
        return None

    def references(self) -> set[str]:
        """Indicator codes used by this indicator's skip_if, rules and formula."""
        codes: set[str] = set()
        for text in (self.skip_if, self.formula, *(r.check for r in self.rules)):
            if text:
                codes |= expr.references(expr.parse(text))
        return codes

    def skipped(self, answers: Mapping[str, object]) -> bool:
        """Whether skip_if is true for these answers (null does not skip)."""
        return bool(self.skip_if) and expr.evaluate_text(self.skip_if or "", answers) is True

    def compute(self, answers: Mapping[str, object]) -> int | float | None:
        """The value of a percentage indicator's formula, or None when it cannot be computed."""
        if not self.formula:
            return None
        value = expr.evaluate_text(self.formula, answers)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return value

    def broken_rules(self, answers: Mapping[str, object]) -> list[Rule]:
        """The rules that evaluate to false (rules that are still null are not broken)."""
        return [rule for rule in self.rules if rule.holds(answers) is False]


@dataclass(frozen=True)
class Domain:
    """A section of the framework with its indicators."""

    code: str
    title: dict[str, str]
    description: dict[str, str]
    indicators: tuple[Indicator, ...]

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True)
class Framework:
    """A validated framework version."""

    code: str
    version: str
    title: dict[str, str]
    bands: tuple[Band, ...]
    clusters: tuple[Cluster, ...]
    recommendations: tuple[Recommendation, ...]
    domains: tuple[Domain, ...]
    checksum: str

    def __hash__(self) -> int:
        return hash(self.checksum)

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in framework order."""
        return tuple(ind for domain in self.domains for ind in domain.indicators)

    @cached_property
    def _index(self) -> dict[str, Indicator]:
        return {ind.code: ind for ind in self.indicators}

    def indicator(self, code: str) -> Indicator:
        """The indicator with this code (KeyError if there is none)."""
        return self._index[code]

    def recommendation(self, code: str) -> Recommendation:
        """The recommendation with this code (KeyError if there is none)."""
        for rec in self.recommendations:
            if rec.code == code:
                return rec
        raise KeyError(code)

    def domain(self, code: str) -> Domain:
        """The domain with this code (KeyError if there is none)."""
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)

    @cached_property
    def formulas(self) -> tuple[Indicator, ...]:
        """The indicators with a formula, each after the formulas it uses (see graph.py)."""
        pending = {ind.code: ind for ind in self.indicators if ind.formula}
        order, _ = formula_order({code: ind.references() for code, ind in pending.items()})
        return tuple(pending[code] for code in order)
