"""The file format's indicators (one model per answer type) and documents, as pydantic models.

See fileformat.py for how problems are worded and why optional keys default to None.
"""

from typing import Annotated, ClassVar, Literal, Union, get_args

from pydantic import BeforeValidator, Field

from audit.frameworks.spec.fileformat import (
    AppliesTo,
    Band,
    Cluster,
    Expression,
    FormatModel,
    Links,
    NoPartlyYesLevels,
    Number,
    Option,
    Positive,
    Recommendation,
    Row,
    RubricLevels,
    Rule,
    ScoreBand,
    Translated,
    anchored,
    coded,
    listed,
    no_booleans,
    one_of,
    says,
)
from audit.frameworks.spec.terms import (
    ANSWER_TYPES,
    COMPARABILITY_RE,
    DOMAIN_RE,
    EVIDENCE,
    FAMILY_RE,
    FORMAT,
    INDICATOR_RE,
)

# --------------------------------------------------------------------------- indicators


class _Indicator(FormatModel):
    """One question of a framework: the keys every answer type has."""

    what: ClassVar[str] = "a mapping (an indicator)"

    code: Annotated[
        coded(
            INDICATOR_RE, "the domain code, a number and an optional lower-case letter, e.g. FA4a"
        ),
        Field(description="Domain code + number, optional lower-case suffix: FA4, FA4a"),
    ]
    type: str
    text: Translated
    help: Translated = None
    short: Translated = None
    applies_to: AppliesTo = None
    weight: Annotated[
        Literal[1, 2],
        BeforeValidator(no_booleans),
        Field(description="1 normal, 2 priority (counts double)"),
        says("must be 1 (normal) or 2 (priority), not {value}"),
    ] = None
    required: bool = None
    evidence: one_of(EVIDENCE, "evidence setting") = None
    evidence_hint: Translated = None
    sensitive: bool = None
    links: Links = None
    skip_if: Expression = None
    rules: listed(Rule, "rules {check, message}") = None
    comparability_key: Annotated[
        str,
        Field(pattern=anchored(COMPARABILITY_RE)),
        says("must be a key such as facilities.separate_toilets, not {value}"),
    ] = None

    @classmethod
    def answer_type(cls) -> str:
        return str(get_args(cls.model_fields["type"].annotation)[0])

    @classmethod
    def unknown_key(cls, key: object) -> str:
        users = [t for t, model in INDICATOR_TYPES.items() if key in model.model_fields]
        if users:
            return (
                f"{key!r} is not used by type {cls.answer_type()}; it belongs to {', '.join(users)}"
            )
        return super().unknown_key(key)

    @classmethod
    def missing_key(cls, key: object) -> str:
        common = key in _Indicator.model_fields
        return "required key is missing" + ("" if common else f" for type {cls.answer_type()}")


class YesNoIndicator(_Indicator):
    """A yes or no question (yes scores 1)."""

    type: Literal["yes_no"]


class NoPartlyYesIndicator(_Indicator):
    """No, partly or yes, each with a descriptor (scores 0, ½, 1)."""

    type: Literal["no_partly_yes"]
    levels: NoPartlyYesLevels


class RubricIndicator(_Indicator):
    """Four levels from missing to exceeds, each with a descriptor."""

    type: Literal["rubric"]
    levels: RubricLevels


WholeAtLeast0 = Annotated[int, Field(ge=0)]
AmountAtLeast0 = Annotated[Number, Field(ge=0)]
Bands = listed(Band, "{level, min}")


class CountIndicator(_Indicator):
    """A whole number; scored through bands when it has a target or bands."""

    type: Literal["count"]
    min: WholeAtLeast0 = None
    max: WholeAtLeast0 = None
    target: Positive = None
    bands: Bands = None


class SexTableIndicator(_Indicator):
    """Counts of women, men and not recorded for each row (not scored itself)."""

    type: Literal["sex_table"]
    rows: listed(Row, "rows {code, label}")


class AmountIndicator(_Indicator):
    """A sum of money; scored like a count."""

    type: Literal["amount"]
    min: AmountAtLeast0 = None
    max: AmountAtLeast0 = None
    target: Positive = None
    bands: Bands = None


class PercentageIndicator(_Indicator):
    """Computed from other answers by its formula, never typed."""

    type: Literal["percentage"]
    formula: Expression
    target: Positive = None
    bands: Bands = None


class DateIndicator(_Indicator):
    """A date in the past; scored when it must be recent (max_age_months)."""

    type: Literal["date"]
    max_age_months: Annotated[int, Field(gt=0)] = None


_OPTIONS = "options {code, label, score}"


class ChoiceIndicator(_Indicator):
    """One option out of at least two."""

    type: Literal["choice"]
    options: listed(Option, _OPTIONS, at_least=2, too_short="a choice needs at least two options")


class MultiChoiceIndicator(_Indicator):
    """Any number of options."""

    type: Literal["multi_choice"]
    options: listed(Option, _OPTIONS)


class TextIndicator(_Indicator):
    """A narrative answer, never scored."""

    type: Literal["text"]
    max_length: Annotated[int, Field(gt=0, le=100_000)] = None


INDICATOR_TYPES: dict[str, type[_Indicator]] = {
    model.answer_type(): model
    for model in (
        YesNoIndicator,
        NoPartlyYesIndicator,
        RubricIndicator,
        CountIndicator,
        SexTableIndicator,
        AmountIndicator,
        PercentageIndicator,
        DateIndicator,
        ChoiceIndicator,
        MultiChoiceIndicator,
        TextIndicator,
    )
}
AnyIndicator = Annotated[
    Union[tuple(INDICATOR_TYPES.values())],  # noqa: UP007 (built from the table above)
    Field(discriminator="type"),
    says(
        model_attributes_type="must be a mapping (an indicator), not {value}",
        union_tag_invalid=f"unknown answer type {{tag}}; use one of {', '.join(ANSWER_TYPES)}",
    ),
]


# --------------------------------------------------------------------------- documents


class Domain(FormatModel):
    """A domain file, or a domain written inline in framework.yaml."""

    what: ClassVar[str] = "a domain (code, title, description, indicators)"

    code: coded(DOMAIN_RE, "two capital letters, e.g. FA")
    title: Translated
    description: Translated
    indicators: listed(AnyIndicator, "indicators", items="code")


_DOMAINS = "domains (- include: file.yaml)"


class FrameworkDoc(FormatModel):
    """framework.yaml with its domain files already included: the document validation reads."""

    format: Annotated[
        Literal[FORMAT],
        BeforeValidator(no_booleans),
        says(f"unsupported format {{value}}; this loader reads format {FORMAT}"),
    ]
    code: coded(FAMILY_RE, "lower-case letters, digits and hyphens, e.g. wps-gnwp")
    version: Annotated[
        str,
        Field(pattern=r"\S", description='Quote it: "2026.1"'),
        says('must be text (quote it, e.g. "2026.1"), not {value}'),
    ]
    title: Translated
    bands: listed(ScoreBand, "{level, min}") = None
    clusters: listed(Cluster, "clusters {code, title}")
    recommendations: listed(Recommendation, "recommendations {code, cluster, level, title}")
    domains: listed(Domain, _DOMAINS, items="file")


class Include(FormatModel):
    """A domain kept in its own file, relative to the framework folder."""

    include: Annotated[str, Field(min_length=1)]


class FrameworkFile(FrameworkDoc):
    """framework.yaml as written: each domain is an included file or written inline."""

    domains: listed(Union[Include, Domain], _DOMAINS)  # noqa: UP007
