"""The framework file format as pydantic models: what each key may hold.

These models (here the value types and small mappings, in documents.py the indicators and the
documents) are the only description of the format: `structure.py` validates documents with them
and `schema.py` turns them into schema.json for editors. They say what one value may be;
what depends on other values (unique codes, band order, links, expressions, coverage) is checked
by plain code in consistency.py and crosschecks.py.

Problems must read as plain sentences, so a `Says` next to a type gives the sentence for its
failures (`{value}` is the value found, `{key}` the key it sits under; pydantic's context, such as
`{gt}`, can be used too), and each model words its own missing, unknown and non-mapping values.

Optional keys default to None only to make them optional: pydantic never validates a default, so
a `null` written in a file is still refused, and the schema leaves such defaults out.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError, PydanticKnownError

from audit.frameworks import expr
from audit.frameworks.spec.places import show
from audit.frameworks.spec.terms import (
    CLUSTER_RE,
    LANGUAGES,
    LEVELS,
    OPTION_RE,
    RECOMMENDATION_LEVELS,
    RECOMMENDATION_RE,
    ROW_RE,
    RULE_SEVERITIES,
    SERVICES,
    UNIT_TYPES,
)

#: The error type of the problems our own validators raise; their message is final.
OWN_ERROR = "framework_format"


@dataclass(frozen=True)
class Says:
    """How problems with a value read: one sentence for any failure, or one per error type.

    `items` says where problems inside a list are placed: "list" at the list itself, "file" at
    the domain's own file, "code" at the indicator's code (see places.py).
    """

    text: str | None = None
    by_type: tuple[tuple[str, str], ...] = ()
    items: str | None = None

    def template(self, error_type: str) -> str | None:
        return dict(self.by_type).get(error_type, self.text)


def says(text: str | None = None, *, items: str | None = None, **by_type: str) -> Says:
    return Says(text, tuple(by_type.items()), items)


def unknown_key(key: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f"unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else "")


def anchored(pattern: re.Pattern[str]) -> str:
    # pydantic (like JSON Schema) searches for a pattern; codes must match as a whole.
    return f"^{pattern.pattern}$"


def coded(pattern: re.Pattern[str], hint: str) -> Any:
    """Text that must match a code pattern; `hint` says what such a code looks like."""
    return Annotated[str, Field(pattern=anchored(pattern)), says(f"invalid code {{value}}: {hint}")]


def one_of(choices: tuple[str, ...], what: str) -> Any:
    """One of a few words; `what` names them in problems."""
    return Annotated[
        Literal[choices], says(f"unknown {what} {{value}}; use one of {', '.join(choices)}")
    ]


def listed(
    item: Any, what: str, *, at_least: int = 1, items: str | None = None, **by_type: str
) -> Any:
    """A list of `item`s with at least `at_least` of them; `what` names them in problems."""
    what = what.replace("{", "{{").replace("}", "}}")  # the sentence is a template
    sentence = f"must be a non-empty list of {what}"
    return Annotated[list[item], Field(min_length=at_least), says(sentence, items=items, **by_type)]


def no_booleans(value: object) -> object:
    # True == 1 in Python, so a Literal[1] alone would take `true` for the number 1.
    if isinstance(value, bool):
        raise PydanticKnownError("int_type")
    return value


def _unique(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise PydanticCustomError(OWN_ERROR, "lists a value twice")
    return values


def _not_a_part(code: str) -> str:
    if code in expr.PARTS:
        message = "row code {code} is reserved for the part of the same name"
        raise PydanticCustomError(OWN_ERROR, message, {"code": repr(code)})
    return code


Number = Annotated[float, Field(allow_inf_nan=False)]  # strict: an int is fine, a bool is not
Positive = Annotated[Number, Field(gt=0)]
Text = Annotated[str, Field(pattern=r"\S"), says(string_pattern_mismatch="empty {key} translation")]
Expression = Annotated[
    str,
    Field(json_schema_extra={"minLength": 1, "maxLength": expr.MAX_LENGTH}),
    says("must be an expression in quotes, not {value}"),
]
Level = one_of(LEVELS, "level")


class FormatModel(BaseModel):
    """A mapping of the file format: unknown keys are errors, and no value is converted."""

    model_config = ConfigDict(extra="forbid", strict=True)
    what: ClassVar[str] = "a mapping"

    @classmethod
    def not_mapping(cls, value: object) -> str:
        return f"must be {cls.what}, not {show(value)}"

    @classmethod
    def unknown_key(cls, key: object) -> str:
        if not isinstance(key, str):
            return f"key {show(key)} must be text"
        return unknown_key(key, cls.model_fields)

    @classmethod
    def missing_key(cls, key: object) -> str:
        return "required key is missing"


class Translated(FormatModel):
    """A text in the four interface languages; none may be empty."""

    en: Text
    ar: Text
    fr: Text
    es: Text

    @classmethod
    def not_mapping(cls, value: object) -> str:
        return f"must be a translated text with keys {', '.join(LANGUAGES)}"

    @classmethod
    def unknown_key(cls, key: object) -> str:
        return f"unknown language {show(key)}; use {', '.join(LANGUAGES)}"

    @classmethod
    def missing_key(cls, key: object) -> str:
        return f"missing {key} translation"


# --------------------------------------------------------------------------- framework.yaml


class Band(FormatModel):
    """A score band: values from `min` up to the next band's `min` get `level`."""

    level: Level
    min: Number


class ScoreBand(Band):
    """A band of the overall and domain scores, which run from 0 to 100."""

    min: Annotated[Number, Field(le=100)]


class Cluster(FormatModel):
    """A group of recommendations."""

    code: coded(CLUSTER_RE, "C followed by a number, e.g. C1")
    title: Translated


class Recommendation(FormatModel):
    """A benchmark recommendation; one of level institution is never failed by one unit."""

    code: coded(RECOMMENDATION_RE, "R followed by two digits, e.g. R07")
    cluster: str  # a cluster's code (consistency.py checks it names one)
    level: one_of(RECOMMENDATION_LEVELS, "recommendation level")
    title: Translated


# --------------------------------------------------------------------------- indicator parts


def _choices(choices: tuple[str, ...], what: str) -> Any:
    sentence = f"must be a non-empty list of {', '.join(choices)} (omit it for all)"
    return Annotated[
        list[one_of(choices, what)],
        Field(min_length=1, json_schema_extra={"uniqueItems": True}),
        AfterValidator(_unique),
        says(sentence, items="list"),
    ]


class AppliesTo(FormatModel):
    """Which units are asked; without a list, every service or every unit type is."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    services: _choices(SERVICES, "service") = None
    unit_types: _choices(UNIT_TYPES, "unit type") = None

    @model_validator(mode="after")
    def _not_empty(self) -> "AppliesTo":
        if not self.model_fields_set:
            raise PydanticCustomError(OWN_ERROR, "is empty; omit applies_to for everyone")
        return self


RecommendationCodes = Annotated[
    list[str],
    Field(json_schema_extra={"uniqueItems": True}),
    says("must be a list of recommendation codes, e.g. [R27]", items="list"),
]


class Links(FormatModel):
    """The recommendations an indicator gives evidence for (primary ones decide their status)."""

    primary: RecommendationCodes = None
    supporting: RecommendationCodes = None


class Rule(FormatModel):
    """A check across answers; it must hold once the answers it needs exist."""

    check: Expression
    message: Translated
    #: "error" (the default) blocks submission while the rule is broken; "warning" only tells.
    severity: one_of(RULE_SEVERITIES, "rule severity") = None


class Row(FormatModel):
    """A row of a sex table."""

    code: Annotated[
        coded(ROW_RE, "lower-case letters, digits and _, e.g. officers"),
        Field(json_schema_extra={"not": {"enum": list(expr.PARTS)}}),
        AfterValidator(_not_a_part),
    ]
    label: Translated


class Option(FormatModel):
    """An option of a choice; with scores, every option of the indicator has one."""

    code: coded(OPTION_RE, "lower-case letters, digits and _, e.g. legal_aid")
    label: Translated
    score: Annotated[Number, Field(ge=0, le=1)] = None


class _Levels(FormatModel):
    """A descriptor for each answer level of one answer type."""

    answer_type: ClassVar[str]

    @classmethod
    def _names(cls) -> str:
        return ", ".join(cls.model_fields)

    @classmethod
    def not_mapping(cls, value: object) -> str:
        return f"must map each level ({cls._names()}) to a translated text"

    @classmethod
    def unknown_key(cls, key: object) -> str:
        hint = " (quote yes and no)" if isinstance(key, bool) else ""
        return f"unknown level {show(key)} for type {cls.answer_type}{hint}"

    @classmethod
    def missing_key(cls, key: object) -> str:
        return f"missing level {key!r} (type {cls.answer_type} needs {cls._names()})"


class NoPartlyYesLevels(_Levels):
    """What no, partly and yes mean for this question."""

    answer_type: ClassVar[str] = "no_partly_yes"
    no: Translated
    partly: Translated
    yes: Translated


class RubricLevels(_Levels):
    """What each of the four rubric levels means for this question."""

    answer_type: ClassVar[str] = "rubric"
    missing: Translated
    approaches: Translated
    meets: Translated
    exceeds: Translated
