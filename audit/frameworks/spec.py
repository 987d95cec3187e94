"""Framework documents: load the YAML files, validate them, and turn them into frozen dataclasses.

The file format is described in FORMAT.md next to this module. Nothing here touches Flask or the
database: `read()` gives a `Framework` (or the list of every problem), `to_dict()`/`from_dict()`
let the database keep the parsed framework as JSON and rebuild it without the files.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard, cast

import yaml

from audit.frameworks import expr
from audit.frameworks.expr import ExpressionError

__all__ = [
    "ANSWER_TYPES",
    "DEFAULT_FRAMEWORK_BANDS",
    "DEFAULT_TARGET_BANDS",
    "EVIDENCE",
    "FORMAT",
    "LANGUAGES",
    "LEVELS",
    "LEVEL_SCORES",
    "RECOMMENDATION_LEVELS",
    "SERVICES",
    "TYPE_LEVELS",
    "UNIT_TYPES",
    "Band",
    "Cluster",
    "Domain",
    "Framework",
    "Indicator",
    "Option",
    "Problem",
    "Recommendation",
    "Row",
    "Rule",
    "Source",
    "build",
    "checksum",
    "coverage",
    "from_dict",
    "load_source",
    "read",
    "to_dict",
    "validate",
]

FORMAT = 1
LANGUAGES = ("en", "ar", "fr", "es")
ANSWER_TYPES = (
    "yes_no",
    "no_partly_yes",
    "rubric",
    "count",
    "sex_table",
    "amount",
    "percentage",
    "date",
    "choice",
    "multi_choice",
    "text",
)
SERVICES = ("police", "military", "gendarmerie")
UNIT_TYPES = (
    "hq",
    "region",
    "district",
    "station",
    "barracks",
    "academy",
    "deploying",
    "specialised",
)
LEVELS = ("missing", "approaches", "meets", "exceeds")
LEVEL_SCORES = {"missing": 0.0, "approaches": 1 / 3, "meets": 2 / 3, "exceeds": 1.0}
RECOMMENDATION_LEVELS = ("unit", "institution")
EVIDENCE = ("none", "optional", "required")
#: Answer types whose answer is one of a fixed set of level names, each with a descriptor.
TYPE_LEVELS: dict[str, tuple[str, ...]] = {
    "no_partly_yes": ("no", "partly", "yes"),
    "rubric": LEVELS,
}
DEFAULT_TEXT_MAX_LENGTH = 4000

# Keys every indicator may have, and the keys that belong to particular answer types.
_COMMON_REQUIRED = ("code", "type", "text")
_COMMON_OPTIONAL = (
    "help",
    "applies_to",
    "weight",
    "required",
    "evidence",
    "evidence_hint",
    "sensitive",
    "links",
    "skip_if",
    "rules",
    "comparability_key",
)
_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "yes_no": (),
    "no_partly_yes": ("levels",),
    "rubric": ("levels",),
    "count": ("min", "max", "target", "bands"),
    "sex_table": ("rows",),
    "amount": ("min", "max", "target", "bands"),
    "percentage": ("formula", "target", "bands"),
    "date": ("max_age_months",),
    "choice": ("options",),
    "multi_choice": ("options",),
    "text": ("max_length",),
}
_TYPE_REQUIRED: dict[str, tuple[str, ...]] = {
    "no_partly_yes": ("levels",),
    "rubric": ("levels",),
    "sex_table": ("rows",),
    "percentage": ("formula",),
    "choice": ("options",),
    "multi_choice": ("options",),
}
_NUMERIC_TYPES = ("count", "amount", "percentage")
_ALL_TYPE_KEYS = tuple(dict.fromkeys(k for keys in _TYPE_KEYS.values() for k in keys))

_FAMILY_RE = re.compile(r"[a-z][a-z0-9-]*")
_CLUSTER_RE = re.compile(r"C[0-9]+")
_RECOMMENDATION_RE = re.compile(r"R[0-9]{2}")
_DOMAIN_RE = re.compile(r"[A-Z]{2}")
_INDICATOR_RE = expr.CODE_RE
_ROW_RE = expr.ROW_RE
_OPTION_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
_COMPARABILITY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

# Hostile or runaway files: refuse very large files and YAML alias "bombs".
MAX_FILE_BYTES = 2_000_000
MAX_NODES = 500_000


# --------------------------------------------------------------------------- dataclasses


class Problem(NamedTuple):
    """One validation problem: where (`file: path.inside`) and what."""

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

    def __hash__(self) -> int:
        return hash(self.check)

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
        return _is_scored(
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
    def _formula_order(self) -> tuple[Indicator, ...]:
        # Percentages that use other percentages are computed after them; validation has
        # already ruled out cycles, so leftovers (only possible with unvalidated data) go last.
        pending = [ind for ind in self.indicators if ind.formula]
        codes = {ind.code for ind in pending}
        needs = {ind.code: ind.references() & codes - {ind.code} for ind in pending}
        done: list[Indicator] = []
        finished: set[str] = set()
        progress = True
        while pending and progress:
            progress = False
            for ind in list(pending):
                if needs[ind.code] <= finished:
                    done.append(ind)
                    finished.add(ind.code)
                    pending.remove(ind)
                    progress = True
        return (*done, *pending)

    def computed(self, answers: Mapping[str, object]) -> dict[str, int | float | None]:
        """Values of all percentage formulas for these answers (callers drop skipped ones)."""
        values = dict(answers)
        result: dict[str, int | float | None] = {}
        for ind in self._formula_order:
            result[ind.code] = values[ind.code] = ind.compute(values)
        return result


def _is_scored(
    answer_type: str, *, has_target_or_bands: bool, has_max_age: bool, has_option_scores: bool
) -> bool:
    if answer_type in ("yes_no", "no_partly_yes", "rubric"):
        return True
    if answer_type in ("count", "amount", "percentage"):
        return has_target_or_bands
    if answer_type == "date":
        return has_max_age
    if answer_type in ("choice", "multi_choice"):
        return has_option_scores
    return False  # sex_table, text


# --------------------------------------------------------------------------- loading


class Source(dict[str, Any]):
    """A resolved framework document (includes replaced by the domain files' contents).

    It is a plain dict for validation and the checksum, and it remembers where each domain came
    from (`domain_files`), so that problems name the right file, plus the problems met while
    loading (`problems`); `fatal` means framework.yaml itself could not be read.
    """

    def __init__(self, data: Mapping[str, Any] | None = None, *, entry: str = "framework.yaml"):
        super().__init__(data or {})
        self.entry = entry
        self.domain_files: list[str | None] = []
        self.failed: set[int] = set()
        self.problems: list[Problem] = []
        self.fatal = False


_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans, dates kept as text, and duplicate keys recorded.

    It is the pure-Python parser on purpose: libyaml accepts some text (such as `?` inside
    `{...}`) that the pure-Python parser refuses, and a file must load the same everywhere.
    YAML 1.1 reads an unquoted `no`, `yes`, `on` or `off` as a boolean, which would silently turn
    `levels: {no: ..., yes: ...}` or an option coded `no` into true/false; and dates would become
    date objects that JSON (the checksum, the database) cannot hold.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((key_node.start_mark.line + 1, key_node.value))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _too_big(data: object) -> bool:
    """Whether the loaded data, with aliases expanded, has more than MAX_NODES values."""
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        count += 1
        if count > MAX_NODES:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _load_yaml(path: Path, name: str) -> tuple[object, list[Problem]]:
    """The data of one YAML file, or None and the problems that stopped it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None, [Problem(name, "file not found")]
    except OSError as exc:
        return None, [Problem(name, f"cannot read the file: {exc.strerror}")]
    if not path.is_file():
        return None, [Problem(name, "not a file")]
    if size > MAX_FILE_BYTES:
        return None, [Problem(name, f"file is too large ({size} bytes; at most {MAX_FILE_BYTES})")]
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(name, f"not UTF-8 text (bad byte at offset {exc.start})")]
    except OSError as exc:
        return None, [Problem(name, f"cannot read the file: {exc.strerror}")]
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}: line {mark.line + 1}" if mark else name
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [Problem(where, f"YAML error: {what or 'cannot parse'}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, f"YAML error: {exc}")]
    except RecursionError:
        # PyYAML builds nested collections recursively; hostile nesting must not crash us.
        return None, [Problem(name, "YAML error: the data is nested too deeply")]
    finally:
        loader.dispose()
    problems = [
        Problem(f"{name}: line {line}", f"duplicate key {key!r} (only the last one would count)")
        for line, key in loader.duplicates
    ]
    if data is None:
        return None, [*problems, Problem(name, "file is empty")]
    if _too_big(data):
        return None, [*problems, Problem(name, f"file expands to more than {MAX_NODES} values")]
    return data, problems


def load_source(path: str | os.PathLike[str]) -> Source:
    """Read a framework folder (or its framework.yaml) and resolve the domain includes."""
    given = Path(path)
    entry_path = given / "framework.yaml" if given.is_dir() else given
    root = entry_path.parent
    entry = entry_path.name
    source = Source(entry=entry)
    data, problems = _load_yaml(entry_path, entry)
    source.problems.extend(problems)
    if data is None:
        source.fatal = True
        return source
    if not isinstance(data, dict):
        source.problems.append(Problem(entry, "the file must be a mapping (key: value lines)"))
        source.fatal = True
        return source
    source.update(data)
    domains = data.get("domains")
    if not isinstance(domains, list):
        return source  # validate() reports the missing or malformed list
    resolved: list[object] = []
    for i, item in enumerate(domains):
        if not (isinstance(item, dict) and "include" in item):
            resolved.append(item)  # an inline domain (or junk validate() will report)
            source.domain_files.append(None)
            continue
        place = f"{entry}: domains[{i}]"
        for key in item:
            if key != "include":
                source.problems.append(
                    Problem(f"{place}.{key}", "unknown key next to include (only include)")
                )
        target, name, problem = _resolve_include(root, item["include"], f"{place}.include")
        domain: object = None
        if target is not None:
            domain, domain_problems = _load_yaml(target, name)
            source.problems.extend(domain_problems)
        if problem is not None:
            source.problems.append(problem)
        if domain is None:
            source.failed.add(i)
        resolved.append(domain)
        source.domain_files.append(name)
    source["domains"] = resolved
    return source


def _resolve_include(
    root: Path, include: object, place: str
) -> tuple[Path | None, str, Problem | None]:
    if not isinstance(include, str) or not include.strip():
        return None, "", Problem(place, "must be a relative path such as domains/1-facilities.yaml")
    relative = Path(include)
    if relative.is_absolute():
        return None, include, Problem(place, f"{include} must be relative to the framework folder")
    try:
        base = root.resolve()
        target = (base / relative).resolve()
        if not target.is_relative_to(base):
            return None, include, Problem(place, f"{include} points outside the framework folder")
        name = target.relative_to(base).as_posix()
        if not target.is_file():
            return None, name, Problem(place, f"file {include} not found")
    except (OSError, ValueError, RuntimeError) as exc:  # NUL bytes, symlink loops, ...
        return None, include, Problem(place, f"cannot use {include!r}: {exc}")
    return target, name, None


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Where:
    """A place in a document: file plus a dotted path inside it."""

    file: str
    path: str = ""

    def key(self, key: object) -> _Where:
        return _Where(self.file, f"{self.path}.{key}" if self.path else str(key))

    def index(self, index: int) -> _Where:
        return _Where(self.file, f"{self.path}[{index}]")

    def __str__(self) -> str:
        return f"{self.file}: {self.path}" if self.path else self.file


@dataclass
class _Ind:
    """What validation remembers about one indicator for the cross-checks."""

    code: str | None
    place: _Where
    data: dict[str, Any]
    type: str | None
    order: int
    expressions: list[tuple[str, _Where, expr.Node]] = field(default_factory=list)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    )


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Validator:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.seen: set[Problem] = set()
        # When a domain file could not be loaded, references into it and the coverage of its
        # recommendations would only repeat that problem in many confusing ways.
        # The same holds for a domain list or an indicator code that cannot be read.
        self.incomplete = isinstance(doc, Source) and bool(doc.failed)
        self.entry = doc.entry if isinstance(doc, Source) else "framework.yaml"
        self.clusters: dict[str, _Where] = {}
        self.recommendations: dict[str, tuple[_Where, object]] = {}
        self.domain_codes: dict[str, _Where] = {}
        self.indicators: list[_Ind] = []
        self.by_code: dict[str, _Ind] = {}

    def add(self, where: _Where, message: str) -> None:
        self.keep(Problem(str(where), message))

    def keep(self, problem: Problem) -> None:
        if problem not in self.seen:
            self.seen.add(problem)
            self.problems.append(problem)

    # ----- generic checks

    def mapping(
        self,
        value: object,
        where: _Where,
        required: Sequence[str],
        optional: Sequence[str] = (),
        what: str = "a mapping",
    ) -> TypeGuard[dict[str, Any]]:
        if not isinstance(value, dict):
            self.add(where, f"must be {what}, not {_show(value)}")
            return False
        allowed = (*required, *optional)
        for key in value:
            if not isinstance(key, str):
                self.add(where, f"key {_show(key)} must be text")
            elif key not in allowed:
                self.add(where.key(key), _unknown_key(key, allowed))
        for key in required:
            if key not in value:
                self.add(where.key(key), "required key is missing")
        return True

    def text(self, value: object, where: _Where) -> None:
        if not isinstance(value, dict):
            self.add(where, f"must be a translated text with keys {', '.join(LANGUAGES)}")
            return
        for lang in LANGUAGES:
            if lang not in value:
                self.add(where.key(lang), f"missing {lang} translation")
            elif not isinstance(value[lang], str):
                self.add(where.key(lang), f"must be text, not {_show(value[lang])}")
            elif not value[lang].strip():
                self.add(where.key(lang), f"empty {lang} translation")
        for key in value:
            if key not in LANGUAGES:
                known = ", ".join(LANGUAGES)
                self.add(where.key(key), f"unknown language {_show(key)}; use {known}")

    def code(self, value: object, where: _Where, pattern: re.Pattern[str], hint: str) -> bool:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            self.add(where, f"invalid code {_show(value)}: {hint}")
            return False
        return True

    def number(
        self,
        value: object,
        where: _Where,
        *,
        integer: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
    ) -> bool:
        if not _is_number(value) or (integer and not isinstance(value, int)):
            self.add(
                where, f"must be {'a whole number' if integer else 'a number'}, not {_show(value)}"
            )
            return False
        value = cast(float, value)
        if positive and value <= 0:
            self.add(where, f"must be greater than 0, not {value}")
            return False
        if minimum is not None and value < minimum:
            self.add(where, f"must be at least {minimum}, not {value}")
            return False
        if maximum is not None and value > maximum:
            self.add(where, f"must be at most {maximum}, not {value}")
            return False
        return True

    def boolean(self, value: object, where: _Where) -> None:
        if not isinstance(value, bool):
            self.add(where, f"must be true or false, not {_show(value)}")

    def one_of(self, value: object, where: _Where, choices: Sequence[str], what: str) -> bool:
        if not isinstance(value, str) or value not in choices:
            self.add(where, f"unknown {what} {_show(value)}; use one of {', '.join(choices)}")
            return False
        return True

    def items(self, value: object, where: _Where, what: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.add(where, f"must be a non-empty list of {what}")
            return []
        return value

    def bands(self, value: object, where: _Where, *, score_scale: bool) -> None:
        previous: float | None = None
        previous_level = -1
        for i, band in enumerate(self.items(value, where, "{level, min}")):
            here = where.index(i)
            if not self.mapping(band, here, ("level", "min")):
                continue
            level = band.get("level")
            if "level" in band and self.one_of(level, here.key("level"), LEVELS, "level"):
                rank = LEVELS.index(level)
                if score_scale and rank < previous_level:
                    self.add(here.key("level"), "levels must rise with the score")
                previous_level = rank
            if "min" not in band:
                continue
            low = band["min"]
            if not self.number(low, here.key("min"), maximum=100 if score_scale else None):
                continue
            if i == 0 and low != 0:
                self.add(here.key("min"), f"the first band must start at 0, not {low}")
            elif previous is not None and low <= previous:
                self.add(
                    here.key("min"),
                    f"bands overlap: min {low} is not above the previous band's min {previous}",
                )
            previous = low

    def expression(self, value: object, where: _Where, owner: str) -> expr.Node | None:
        if not isinstance(value, str):
            self.add(where, f"must be an expression in quotes, not {_show(value)}")
            return None
        try:
            return expr.parse(value)
        except ExpressionError as exc:
            self.add(where, f"invalid expression in {owner}: {exc}")
            return None

    # ----- the document

    def run(self) -> list[Problem]:
        doc = self.doc
        if isinstance(doc, Source):
            for problem in doc.problems:
                self.keep(problem)
            if doc.fatal:
                return self.problems
        top = _Where(self.entry)
        required = ("format", "code", "version", "title", "clusters", "recommendations", "domains")
        if not self.mapping(doc, top, required, ("bands",)):
            return self.problems
        if "format" in doc and (type(doc["format"]) is not int or doc["format"] != FORMAT):
            self.add(
                top.key("format"),
                f"unsupported format {_show(doc['format'])}; this loader reads format {FORMAT}",
            )
        if "code" in doc:
            self.code(
                doc["code"],
                top.key("code"),
                _FAMILY_RE,
                "lower-case letters, digits and hyphens, e.g. wps-gnwp",
            )
        if "version" in doc:
            version = doc["version"]
            if not isinstance(version, str) or not version.strip():
                self.add(
                    top.key("version"),
                    f'must be text (quote it, e.g. "2026.1"), not {_show(version)}',
                )
        if "title" in doc:
            self.text(doc["title"], top.key("title"))
        if "bands" in doc:
            self.bands(doc["bands"], top.key("bands"), score_scale=True)
        if "clusters" in doc:
            self.check_clusters(doc["clusters"], top.key("clusters"))
        if "recommendations" in doc:
            self.check_recommendations(doc["recommendations"], top.key("recommendations"))
        if "domains" in doc:
            self.check_domains(doc["domains"], top.key("domains"))
        self.cross_checks()
        return self.problems

    def check_clusters(self, value: object, where: _Where) -> None:
        for i, cluster in enumerate(self.items(value, where, "clusters {code, title}")):
            here = where.index(i)
            if not self.mapping(cluster, here, ("code", "title")):
                continue
            code = cluster.get("code")
            if "code" in cluster and self.code(
                code, here.key("code"), _CLUSTER_RE, "C followed by a number, e.g. C1"
            ):
                if code in self.clusters:
                    self.add(
                        here.key("code"),
                        f"duplicate cluster code {code} (also at {self.clusters[code].path})",
                    )
                else:
                    self.clusters[code] = here
            if "title" in cluster:
                self.text(cluster["title"], here.key("title"))

    def check_recommendations(self, value: object, where: _Where) -> None:
        what = "recommendations {code, cluster, level, title}"
        for i, rec in enumerate(self.items(value, where, what)):
            here = where.index(i)
            if not self.mapping(rec, here, ("code", "cluster", "level", "title")):
                continue
            code = rec.get("code")
            if "code" in rec and self.code(
                code, here.key("code"), _RECOMMENDATION_RE, "R followed by two digits, e.g. R07"
            ):
                if code in self.recommendations:
                    first = self.recommendations[code][0]
                    self.add(
                        here.key("code"),
                        f"duplicate recommendation code {code} (also at {first.path})",
                    )
                else:
                    self.recommendations[code] = (here, rec.get("level"))
            if "cluster" in rec:
                cluster = rec["cluster"]
                if not isinstance(cluster, str) or cluster not in self.clusters:
                    self.add(
                        here.key("cluster"),
                        f"unknown cluster {_show(cluster)}; "
                        f"known: {', '.join(self.clusters) or 'none'}",
                    )
            if "level" in rec:
                self.one_of(
                    rec["level"], here.key("level"), RECOMMENDATION_LEVELS, "recommendation level"
                )
            if "title" in rec:
                self.text(rec["title"], here.key("title"))

    def check_domains(self, value: object, where: _Where) -> None:
        source = self.doc if isinstance(self.doc, Source) else None
        domains = self.items(value, where, "domains (- include: file.yaml)")
        if not domains:
            self.incomplete = True
        for i, domain in enumerate(domains):
            if source is not None and i in source.failed:
                continue  # the loading problem has been reported
            name = None
            if source is not None and i < len(source.domain_files):
                name = source.domain_files[i]
            here = _Where(name) if name else where.index(i)
            self.check_domain(domain, here)

    def check_domain(self, domain: object, here: _Where) -> None:
        keys = ("code", "title", "description", "indicators")
        what = "a domain (code, title, description, indicators)"
        if not self.mapping(domain, here, keys, what=what):
            self.incomplete = True
            return
        code = domain.get("code")
        domain_code: str | None = None
        if "code" in domain and self.code(
            code, here.key("code"), _DOMAIN_RE, "two capital letters, e.g. FA"
        ):
            if code in self.domain_codes:
                self.add(
                    here.key("code"),
                    f"duplicate domain code {code} (also in {self.domain_codes[code]})",
                )
            else:
                self.domain_codes[code] = here
            domain_code = code
        for key in ("title", "description"):
            if key in domain:
                self.text(domain[key], here.key(key))
        if "indicators" not in domain:
            self.incomplete = True
            return
        indicators = self.items(domain["indicators"], here.key("indicators"), "indicators")
        if not indicators:
            self.incomplete = True
        for j, data in enumerate(indicators):
            self.check_indicator(data, here, j, domain_code)

    # ----- indicators

    def check_indicator(
        self, data: object, domain_where: _Where, index: int, domain_code: str | None
    ) -> None:
        code = data.get("code") if isinstance(data, dict) else None
        valid_code = isinstance(code, str) and bool(_INDICATOR_RE.fullmatch(code))
        here = domain_where.key(code) if valid_code else domain_where.key("indicators").index(index)
        if not valid_code:
            self.incomplete = True
        if not isinstance(data, dict):
            self.add(here, f"must be a mapping (an indicator), not {_show(data)}")
            return
        raw_type = data.get("type")
        itype = raw_type if isinstance(raw_type, str) and raw_type in ANSWER_TYPES else None
        type_keys = _TYPE_KEYS[itype] if itype else _ALL_TYPE_KEYS
        for key in data:
            if not isinstance(key, str):
                self.add(here, f"key {_show(key)} must be text")
            elif key in _COMMON_REQUIRED or key in _COMMON_OPTIONAL or key in type_keys:
                continue
            elif key in _ALL_TYPE_KEYS:
                users = [t for t, keys in _TYPE_KEYS.items() if key in keys]
                self.add(
                    here.key(key),
                    f"{key!r} is not used by type {itype}; it belongs to {', '.join(users)}",
                )
            else:
                self.add(
                    here.key(key),
                    _unknown_key(key, (*_COMMON_REQUIRED, *_COMMON_OPTIONAL, *type_keys)),
                )
        for key in (*_COMMON_REQUIRED, *_TYPE_REQUIRED.get(itype or "", ())):
            if key not in data:
                hint = f" for type {itype}" if key not in _COMMON_REQUIRED else ""
                self.add(here.key(key), f"required key is missing{hint}")

        ind = _Ind(code if valid_code else None, here, data, itype, len(self.indicators))
        self.indicators.append(ind)
        if "code" in data:
            if not valid_code:
                self.add(
                    here.key("code"),
                    f"invalid code {_show(code)}: the domain code, a "
                    "number and an optional lower-case letter, e.g. FA4a",
                )
            elif domain_code and not str(code).startswith(domain_code):
                self.add(
                    here.key("code"),
                    f"indicator code {code} does not start with its domain code {domain_code}",
                )
            if valid_code and isinstance(code, str):
                if code in self.by_code:
                    first = self.by_code[code].place
                    self.add(
                        here.key("code"), f"duplicate indicator code {code} (also in {first.file})"
                    )
                else:
                    self.by_code[code] = ind
        if "type" in data and itype is None:
            self.one_of(raw_type, here.key("type"), ANSWER_TYPES, "answer type")
        owner = code if valid_code else f"indicator {index + 1}"
        self.check_common(ind, str(owner))
        if itype:
            self.check_type_keys(ind, itype)

    def check_common(self, ind: _Ind, owner: str) -> None:
        data, here = ind.data, ind.place
        for key in ("text", "help", "evidence_hint"):
            if key in data:
                self.text(data[key], here.key(key))
        if "applies_to" in data:
            self.check_applies_to(data["applies_to"], here.key("applies_to"))
        if "weight" in data and (type(data["weight"]) is not int or data["weight"] not in (1, 2)):
            self.add(
                here.key("weight"),
                f"must be 1 (normal) or 2 (priority), not {_show(data['weight'])}",
            )
        for key in ("required", "sensitive"):
            if key in data:
                self.boolean(data[key], here.key(key))
        if "evidence" in data:
            self.one_of(data["evidence"], here.key("evidence"), EVIDENCE, "evidence setting")
        if "links" in data:
            self.check_links(data["links"], here.key("links"))
        if "comparability_key" in data:
            key = data["comparability_key"]
            if not isinstance(key, str) or not _COMPARABILITY_RE.fullmatch(key):
                self.add(
                    here.key("comparability_key"),
                    f"must be a key such as facilities.separate_toilets, not {_show(key)}",
                )
        if "skip_if" in data:
            node = self.expression(data["skip_if"], here.key("skip_if"), owner)
            if node is not None:
                ind.expressions.append(("skip_if", here.key("skip_if"), node))
        if "rules" in data:
            for i, rule in enumerate(
                self.items(data["rules"], here.key("rules"), "rules {check, message}")
            ):
                where = here.key("rules").index(i)
                if not self.mapping(rule, where, ("check", "message")):
                    continue
                if "check" in rule:
                    node = self.expression(rule["check"], where.key("check"), owner)
                    if node is not None:
                        ind.expressions.append(("rule", where.key("check"), node))
                if "message" in rule:
                    self.text(rule["message"], where.key("message"))

    def check_applies_to(self, value: object, where: _Where) -> None:
        if not self.mapping(value, where, (), ("services", "unit_types")):
            return
        for key, allowed in (("services", SERVICES), ("unit_types", UNIT_TYPES)):
            if key not in value:
                continue
            items = value[key]
            if not isinstance(items, list) or not items:
                self.add(
                    where.key(key),
                    f"must be a non-empty list of {', '.join(allowed)} (omit it for all)",
                )
                continue
            for item in items:
                self.one_of(item, where.key(key), allowed, key.rstrip("s").replace("_", " "))
            if len(set(map(str, items))) != len(items):
                self.add(where.key(key), "lists a value twice")
        if not value:
            self.add(where, "is empty; omit applies_to for everyone")

    def check_links(self, value: object, where: _Where) -> None:
        if not self.mapping(value, where, (), ("primary", "supporting")):
            return
        seen: dict[str, str] = {}
        for strength in ("primary", "supporting"):
            if strength not in value:
                continue
            codes = value[strength]
            if not isinstance(codes, list):
                self.add(where.key(strength), "must be a list of recommendation codes, e.g. [R27]")
                continue
            for code in codes:
                if not isinstance(code, str) or code not in self.recommendations:
                    self.add(where.key(strength), f"links to unknown recommendation {_show(code)}")
                elif code in seen:
                    again = "twice" if seen[code] == strength else "as both primary and supporting"
                    self.add(where.key(strength), f"{code} is listed {again}")
                else:
                    seen[code] = strength

    def check_type_keys(self, ind: _Ind, itype: str) -> None:
        data, here = ind.data, ind.place
        if itype in TYPE_LEVELS and "levels" in data:
            self.check_levels(data["levels"], here.key("levels"), itype)
        if itype in ("count", "amount"):
            integer = itype == "count"
            low = data.get("min")
            high = data.get("max")
            ok_low = "min" in data and self.number(low, here.key("min"), integer=integer, minimum=0)
            ok_high = "max" in data and self.number(
                high, here.key("max"), integer=integer, minimum=0
            )
            if ok_low and ok_high and low > high:
                self.add(here.key("max"), f"max {high} is below min {low}")
        if itype in ("count", "amount", "percentage"):
            if "target" in data:
                self.number(data["target"], here.key("target"), positive=True)
            if "bands" in data:
                self.bands(data["bands"], here.key("bands"), score_scale=False)
        if itype == "percentage" and "formula" in data:
            node = self.expression(data["formula"], here.key("formula"), str(ind.code))
            if node is not None:
                ind.expressions.append(("formula", here.key("formula"), node))
        if itype == "sex_table" and "rows" in data:
            self.check_rows(data["rows"], here.key("rows"))
        if itype == "date" and "max_age_months" in data:
            self.number(
                data["max_age_months"], here.key("max_age_months"), integer=True, positive=True
            )
        if itype in ("choice", "multi_choice") and "options" in data:
            self.check_options(data["options"], here.key("options"), itype)
        if itype == "text" and "max_length" in data:
            self.number(
                data["max_length"],
                here.key("max_length"),
                integer=True,
                positive=True,
                maximum=100_000,
            )

    def check_levels(self, value: object, where: _Where, itype: str) -> None:
        expected = TYPE_LEVELS[itype]
        if not isinstance(value, dict):
            self.add(where, f"must map each level ({', '.join(expected)}) to a translated text")
            return
        for level in expected:
            if level in value:
                self.text(value[level], where.key(level))
            else:
                self.add(
                    where.key(level),
                    f"missing level {level!r} (type {itype} needs {', '.join(expected)})",
                )
        for key in value:
            if key not in expected:
                hint = " (quote yes and no)" if isinstance(key, bool) else ""
                self.add(where.key(key), f"unknown level {_show(key)} for type {itype}{hint}")

    def check_rows(self, value: object, where: _Where) -> None:
        seen: set[str] = set()
        for i, row in enumerate(self.items(value, where, "rows {code, label}")):
            here = where.index(i)
            if not self.mapping(row, here, ("code", "label")):
                continue
            code = row.get("code")
            if "code" in row and self.code(
                code, here.key("code"), _ROW_RE, "lower-case letters, digits and _, e.g. officers"
            ):
                if code in expr.PARTS:
                    self.add(
                        here.key("code"),
                        f"row code {code!r} is reserved for the part of the same name",
                    )
                elif code in seen:
                    self.add(here.key("code"), f"duplicate row code {code!r}")
                seen.add(code)
            if "label" in row:
                self.text(row["label"], here.key("label"))

    def check_options(self, value: object, where: _Where, itype: str) -> None:
        options = self.items(value, where, "options {code, label, score}")
        if itype == "choice" and len(options) == 1:
            self.add(where, "a choice needs at least two options")
        seen: set[str] = set()
        with_score = 0
        for i, option in enumerate(options):
            here = where.index(i)
            if not self.mapping(option, here, ("code", "label"), ("score",)):
                continue
            code = option.get("code")
            if "code" in option and self.code(
                code,
                here.key("code"),
                _OPTION_RE,
                "lower-case letters, digits and _, e.g. legal_aid",
            ):
                if code in seen:
                    self.add(here.key("code"), f"duplicate option code {code!r}")
                seen.add(code)
            if "label" in option:
                self.text(option["label"], here.key("label"))
            if "score" in option:
                with_score += 1
                self.number(option["score"], here.key("score"), minimum=0, maximum=1)
        if 0 < with_score < len(options):
            self.add(
                where,
                f"either every option has a score or none has "
                f"({with_score} of {len(options)} have one)",
            )

    # ----- checks across the document

    def cross_checks(self) -> None:
        for ind in self.indicators:
            for kind, where, node in ind.expressions:
                self.check_references(ind, kind, where, node)
        self.check_formula_cycles()
        self.check_comparability_keys()
        self.check_unlinked()
        self.check_coverage()

    def check_references(self, ind: _Ind, kind: str, where: _Where, node: expr.Node) -> None:
        if kind == "formula" and (
            isinstance(node, expr.Compare | expr.Logic | expr.Not)
            or (isinstance(node, expr.Const) and not _is_number(node.value))
        ):
            self.add(where, "a formula must compute a number, not a condition or a text")
        for item in expr.walk(node):
            if isinstance(item, expr.Ref):
                self.check_ref(ind, kind, where, item)
            elif isinstance(item, expr.Compare):
                self.check_compare(where, item)
                if item.op in ("<", "<=", ">", ">="):
                    for side in (item.left, item.right):
                        self.check_number(where, side, "an ordering comparison", dates=True)
            elif isinstance(item, expr.Neg):
                self.check_number(where, item.operand, "arithmetic")
            elif isinstance(item, expr.Arith):
                for operand in (item.first, *(n for _, n in item.rest)):
                    self.check_number(where, operand, "arithmetic")

    def check_number(self, where: _Where, node: expr.Node, use: str, dates: bool = False) -> None:
        """Arithmetic and ordering on a yes/no, choice or text answer could only give null."""
        if not isinstance(node, expr.Ref) or node.part is not None:
            return
        target = self.by_code.get(node.code)
        if target is None or target.type is None or target.type == "sex_table":
            return  # reported by check_ref
        if target.type in _NUMERIC_TYPES or (dates and target.type == "date"):
            return
        self.add(
            where,
            f"{node.code} is a {target.type} question; {use} needs a number "
            "(a count, amount, percentage or sex-table part)",
        )

    def check_ref(self, ind: _Ind, kind: str, where: _Where, ref: expr.Ref) -> None:
        target = self.by_code.get(ref.code)
        if target is None:
            if not self.incomplete:
                self.add(where, f"refers to unknown indicator {ref.code}")
            return
        if kind == "skip_if":
            if target is ind:
                self.add(where, f"skip_if cannot refer to the indicator itself ({ref.code})")
            elif target.order > ind.order:
                self.add(
                    where,
                    f"skip_if refers to {ref.code}, which comes later; skip_if may "
                    "only use answers to earlier questions",
                )
        if target.type is None:
            return
        if ref.part is not None and target.type != "sex_table":
            self.add(
                where,
                f"{ref} is not valid: {ref.code} is a {target.type} question and "
                "parts such as .total exist only for sex tables",
            )
        elif ref.part is None and target.type == "sex_table":
            self.add(
                where,
                f"{ref.code} is a sex table; refer to a part such as "
                f"{ref.code}.total or {ref.code}.<row>.women",
            )
        elif ref.row is not None:
            rows = _codes(target.data.get("rows"))
            if ref.row not in rows:
                self.add(
                    where,
                    f"{ref.code} has no row {ref.row!r} (its rows: {', '.join(rows) or 'none'})",
                )

    def check_compare(self, where: _Where, node: expr.Compare) -> None:
        if node.op in ("in", "not in"):
            right = node.right
            if not isinstance(right, expr.Ref) or right.part is not None:
                self.add(where, f"the right side of {node.op!r} must be a multi_choice answer")
                return
            target = self.by_code.get(right.code)
            if target is None or target.type is None:
                return
            if target.type != "multi_choice":
                self.add(
                    where,
                    f"{node.op!r} needs a multi_choice answer; {right.code} is a "
                    f"{target.type} question (compare it with ==)",
                )
                return
            if isinstance(node.left, expr.Const) and isinstance(node.left.value, str):
                options = _codes(target.data.get("options"))
                if options and node.left.value not in options:
                    self.add(
                        where,
                        f"{right.code} has no option {node.left.value!r} "
                        f"(its options: {', '.join(options)})",
                    )
            return
        if node.op not in ("==", "!="):
            return
        for ref, other in ((node.left, node.right), (node.right, node.left)):
            if not (isinstance(ref, expr.Ref) and ref.part is None):
                continue
            if not (isinstance(other, expr.Const) and isinstance(other.value, str)):
                continue
            target = self.by_code.get(ref.code)
            if target is None or target.type is None:
                continue
            if target.type == "multi_choice":
                self.add(
                    where,
                    f"{ref.code} is a multi_choice answer; test it with "
                    f"'{other.value}' in {ref.code}",
                )
                continue
            allowed = _allowed_values(target)
            if allowed is not None and other.value not in allowed:
                self.add(
                    where,
                    f"{ref.code} is never {other.value!r}; its answers are {', '.join(allowed)}",
                )

    def check_formula_cycles(self) -> None:
        formulas = {
            ind.code: expr.references(node)
            for ind in self.indicators
            if ind.code and ind.type == "percentage" and self.by_code.get(ind.code) is ind
            for kind, _, node in ind.expressions
            if kind == "formula"
        }
        graph = {code: {r for r in refs if r in formulas} for code, refs in formulas.items()}
        reported: set[str] = set()
        for code in graph:  # document order
            if code in reported:
                continue
            path = _cycle_from(code, graph)
            if path is None:
                continue
            reported.update(path)
            ind = self.by_code[code]
            self.add(
                ind.place.key("formula"), f"formulas form a cycle: {' → '.join([*path, path[0]])}"
            )

    def check_comparability_keys(self) -> None:
        seen: dict[str, str] = {}
        for ind in self.indicators:
            if not ind.code or self.by_code.get(ind.code) is not ind:
                continue
            key = ind.data.get("comparability_key", ind.code)
            if not isinstance(key, str):
                continue
            if key in seen:
                self.add(
                    ind.place.key("comparability_key"),
                    f"comparability key {key!r} is also used by {seen[key]}",
                )
            else:
                seen[key] = ind.code

    def check_unlinked(self) -> None:
        for ind in self.indicators:
            if ind.type is None or not _raw_is_scored(ind):
                continue
            links = ind.data.get("links")
            if not isinstance(links, dict) or not (links.get("primary") or links.get("supporting")):
                self.add(
                    ind.place.key("links"),
                    "a scored indicator must link to at least one "
                    "recommendation (links: primary: [...])",
                )

    def check_coverage(self) -> None:
        if self.incomplete:
            return
        primary: dict[str, list[_Ind]] = {}
        linked: dict[str, list[_Ind]] = {}
        for ind in self.indicators:
            links = ind.data.get("links")
            if not isinstance(links, dict):
                continue
            for strength in ("primary", "supporting"):
                codes = links.get(strength)
                for code in codes if isinstance(codes, list) else ():
                    if isinstance(code, str):
                        linked.setdefault(code, []).append(ind)
                        if strength == "primary":
                            primary.setdefault(code, []).append(ind)
        for code, (where, level) in self.recommendations.items():
            if level != "unit":
                continue
            if not primary.get(code):
                self.add(
                    where,
                    f"unit-level recommendation {code} has no primary indicator; "
                    "link one, or mark it level: institution",
                )
            elif not any(i.type and _raw_is_scored(i) for i in linked.get(code, ())):
                names = ", ".join(i.code or "?" for i in primary[code])
                self.add(
                    where,
                    f"unit-level recommendation {code} is linked only to indicators "
                    f"that are not scored ({names}), so it can never get a status",
                )


def _unknown_key(key: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f"unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else "")


def _codes(items: object) -> list[str]:
    if not isinstance(items, list):
        return []
    return [i["code"] for i in items if isinstance(i, dict) and isinstance(i.get("code"), str)]


def _allowed_values(ind: _Ind) -> tuple[str, ...] | None:
    if ind.type == "yes_no":
        return ("yes", "no")
    if ind.type in TYPE_LEVELS:
        return TYPE_LEVELS[ind.type]
    if ind.type == "choice":
        # Without readable options there is nothing to compare with (reported elsewhere).
        return tuple(_codes(ind.data.get("options"))) or None
    return None


def _raw_is_scored(ind: _Ind) -> bool:
    data = ind.data
    options = data.get("options")
    return _is_scored(
        ind.type or "",
        has_target_or_bands="target" in data or "bands" in data,
        has_max_age="max_age_months" in data,
        has_option_scores=isinstance(options, list)
        and any(isinstance(o, dict) and "score" in o for o in options),
    )


def _cycle_from(start: str, graph: Mapping[str, set[str]]) -> list[str] | None:
    """A shortest path start → … → start in the graph, if there is one (breadth first)."""
    parents: dict[str, str] = {}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for nxt in sorted(graph.get(current, ())):
            if nxt == start:
                path = [current]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return list(reversed(path))
            if nxt not in parents:
                parents[nxt] = current
                queue.append(nxt)
    return None


def validate(doc: Mapping[str, Any]) -> list[Problem]:
    """Every problem in a resolved framework document, in document order; empty means valid."""
    return _Validator(doc).run()


# --------------------------------------------------------------------------- building


def _canonical(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def checksum(doc: Mapping[str, Any]) -> str:
    """SHA-256 of the document's canonical JSON: layout and comments do not count, content does."""
    payload = json.dumps(
        _canonical(doc), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _text(value: Mapping[str, str] | None) -> dict[str, str] | None:
    return None if value is None else {lang: value[lang] for lang in LANGUAGES}


def _bands(items: Iterable[Mapping[str, Any]]) -> tuple[Band, ...]:
    return tuple(Band(b["level"], b["min"]) for b in items)


def _indicator(data: Mapping[str, Any]) -> Indicator:
    itype = data["type"]
    applies = data.get("applies_to") or {}
    links = data.get("links") or {}
    return Indicator(
        code=data["code"],
        type=itype,
        text=_text(data["text"]) or {},
        help=_text(data.get("help")),
        levels={k: _text(v) or {} for k, v in (data.get("levels") or {}).items()},
        services=tuple(applies.get("services", ())),
        unit_types=tuple(applies.get("unit_types", ())),
        weight=data.get("weight", 1),
        required=data.get("required", itype != "text"),
        evidence=data.get("evidence", "none"),
        evidence_hint=_text(data.get("evidence_hint")),
        sensitive=data.get("sensitive", False),
        links_primary=tuple(links.get("primary", ())),
        links_supporting=tuple(links.get("supporting", ())),
        skip_if=data.get("skip_if"),
        rules=tuple(Rule(r["check"], _text(r["message"]) or {}) for r in data.get("rules", ())),
        comparability_key=data.get("comparability_key", data["code"]),
        min=data.get("min"),
        max=data.get("max"),
        target=data.get("target"),
        bands=_bands(data.get("bands", ())),
        rows=tuple(Row(r["code"], _text(r["label"]) or {}) for r in data.get("rows", ())),
        formula=data.get("formula"),
        max_age_months=data.get("max_age_months"),
        options=tuple(
            Option(o["code"], _text(o["label"]) or {}, o.get("score"))
            for o in data.get("options", ())
        ),
        max_length=data.get("max_length", DEFAULT_TEXT_MAX_LENGTH) if itype == "text" else None,
    )


def build(doc: Mapping[str, Any], digest: str | None = None) -> Framework:
    """A Framework from a document that validate() accepted (defaults filled in)."""
    return Framework(
        code=doc["code"],
        version=doc["version"],
        title=_text(doc["title"]) or {},
        bands=_bands(doc["bands"]) if "bands" in doc else DEFAULT_FRAMEWORK_BANDS,
        clusters=tuple(Cluster(c["code"], _text(c["title"]) or {}) for c in doc["clusters"]),
        recommendations=tuple(
            Recommendation(r["code"], r["cluster"], r["level"], _text(r["title"]) or {})
            for r in doc["recommendations"]
        ),
        domains=tuple(
            Domain(
                code=d["code"],
                title=_text(d["title"]) or {},
                description=_text(d["description"]) or {},
                indicators=tuple(_indicator(i) for i in d["indicators"]),
            )
            for d in doc["domains"]
        ),
        checksum=digest if digest is not None else checksum(doc),
    )


def read(path: str | os.PathLike[str]) -> tuple[Framework | None, list[Problem]]:
    """Load, validate and build a framework folder: (framework, []) or (None, problems)."""
    source = load_source(path)
    problems = validate(source)
    if problems:
        return None, problems
    return build(source), []


def coverage(fw: Framework) -> list[tuple[Recommendation, list[str], list[str]]]:
    """For each recommendation: the codes of its primary and its supporting indicators."""
    result = []
    for rec in fw.recommendations:
        primary = [i.code for i in fw.indicators if rec.code in i.links_primary]
        supporting = [i.code for i in fw.indicators if rec.code in i.links_supporting]
        result.append((rec, primary, supporting))
    return result


# --------------------------------------------------------------------------- JSON round trip


def _jsonable(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def to_dict(fw: Framework) -> dict[str, Any]:
    """The framework as JSON-serialisable data (lists, dicts, strings, numbers)."""
    data = cast(dict[str, Any], _jsonable(fw))
    return {"format": FORMAT, **data}


_TUPLE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "services": str,
    "unit_types": str,
    "links_primary": str,
    "links_supporting": str,
    "rules": lambda r: Rule(**r),
    "bands": lambda b: Band(**b),
    "rows": lambda r: Row(**r),
    "options": lambda o: Option(**o),
}


def _indicator_from_dict(data: Mapping[str, Any]) -> Indicator:
    known = {f.name for f in fields(Indicator)}
    values = {k: v for k, v in data.items() if k in known}
    for name, make in _TUPLE_FIELDS.items():
        if name in values:
            values[name] = tuple(make(item) for item in values[name])
    return Indicator(**values)


def from_dict(data: Mapping[str, Any]) -> Framework:
    """Rebuild a Framework from to_dict() output (no files needed)."""
    if data.get("format", FORMAT) != FORMAT:
        raise ValueError(f"unsupported framework data format {data.get('format')!r}")
    return Framework(
        code=data["code"],
        version=data["version"],
        title=dict(data["title"]),
        bands=tuple(Band(**b) for b in data["bands"]),
        clusters=tuple(Cluster(**c) for c in data["clusters"]),
        recommendations=tuple(Recommendation(**r) for r in data["recommendations"]),
        domains=tuple(
            Domain(
                code=d["code"],
                title=dict(d["title"]),
                description=dict(d["description"]),
                indicators=tuple(_indicator_from_dict(i) for i in d["indicators"]),
            )
            for d in data["domains"]
        ),
        checksum=data["checksum"],
    )


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """Validate framework folders from the command line; exit status 1 when there are problems."""
    parser = argparse.ArgumentParser(description="Validate WPS Audit framework folders.")
    parser.add_argument("paths", nargs="+", help="framework folder or framework.yaml")
    args = parser.parse_args(argv)
    status = 0
    for path in args.paths:
        fw, problems = read(path)
        for problem in problems:
            print(f"{path}: {problem}")
        if fw is None:
            status = 1
            print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        else:
            count = len(fw.indicators)
            print(
                f"{path}: {fw.code} {fw.version}: {count} indicators, checksum {fw.checksum[:12]}"
            )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
