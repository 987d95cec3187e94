"""Checks of values against other values in the same document, which a schema cannot state.

Unique codes, bands in order, a recommendation's cluster, an indicator's domain prefix, min not
above max, option scores all or none, links to existing recommendations; and the expressions are
parsed here. The pass also gathers what the cross-checks need (`Found`). It reads the raw
document and only looks at values of the right shape: wrong shapes are the pydantic models'
problems and are reported once, there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit.frameworks import expr
from audit.frameworks.spec.places import (
    Report,
    Where,
    domain_place,
    indicator_place,
    is_number,
    valid_indicator_code,
)
from audit.frameworks.spec.terms import (
    ANSWER_TYPES,
    CLUSTER_RE,
    DOMAIN_RE,
    LEVELS,
    OPTION_RE,
    RECOMMENDATION_RE,
    ROW_RE,
)


@dataclass
class Ind:
    """What validation remembers about one indicator for the cross-checks."""

    code: str | None  # only a valid code
    place: Where
    data: dict[str, Any]
    type: str | None  # only a known answer type
    order: int
    expressions: list[tuple[str, Where, expr.Node]] = field(default_factory=list)


@dataclass
class Found:
    """The codes a document defines and where; `incomplete` when some part could not be read."""

    incomplete: bool = False
    clusters: dict[str, Where] = field(default_factory=dict)
    recommendations: dict[str, tuple[Where, object]] = field(default_factory=dict)
    domains: dict[str, Where] = field(default_factory=dict)
    indicators: list[Ind] = field(default_factory=list)
    by_code: dict[str, Ind] = field(default_factory=dict)


def _mappings(value: object, where: Where) -> list[tuple[Where, dict[str, Any]]]:
    """The entries of a list that are mappings, each with its place."""
    if not isinstance(value, list):
        return []
    return [(where.index(i), item) for i, item in enumerate(value) if isinstance(item, dict)]


def _code(data: Mapping[str, Any], pattern: Any) -> str | None:
    code = data.get("code")
    return code if isinstance(code, str) and pattern.fullmatch(code) else None


def check(
    doc: object, report: Report, entry: str, files: Sequence[str | None], skip: set[int]
) -> Found:
    """Check a resolved document and gather its codes (domains in `skip` could not be read)."""
    found = Found(incomplete=bool(skip))
    if not isinstance(doc, Mapping):
        found.incomplete = True
        return found
    top = Where(entry)
    check_bands(report, doc.get("bands"), top.key("bands"), score_scale=True)
    for here, cluster in _mappings(doc.get("clusters"), top.key("clusters")):
        code = _code(cluster, CLUSTER_RE)
        if code in found.clusters:
            first = found.clusters[code].path
            report.add(here.key("code"), f"duplicate cluster code {code} (also at {first})")
        elif code:
            found.clusters[code] = here
    _recommendations(found, report, doc.get("recommendations"), top.key("recommendations"))
    domains = doc.get("domains")
    if not isinstance(domains, list) or not domains:
        found.incomplete = True
        return found
    for i, domain in enumerate(domains):
        if i not in skip:
            _domain(found, report, domain, domain_place(top.key("domains"), i, files))
    return found


def check_bands(report: Report, value: object, where: Where, *, score_scale: bool) -> None:
    """Bands start at 0 and rise; score bands (0-100) also have levels that rise."""
    previous: float | None = None
    previous_rank = -1
    for i, band in enumerate(value if isinstance(value, list) else ()):
        here = where.index(i)
        if not isinstance(band, dict):
            continue
        level = band.get("level")
        if isinstance(level, str) and level in LEVELS:
            rank = LEVELS.index(level)
            if score_scale and rank < previous_rank:
                report.add(here.key("level"), "levels must rise with the score")
            previous_rank = rank
        low = band.get("min")
        if not is_number(low) or (score_scale and low > 100):
            continue
        if i == 0 and low != 0:
            report.add(here.key("min"), f"the first band must start at 0, not {low}")
        elif previous is not None and low <= previous:
            report.add(
                here.key("min"),
                f"bands overlap: min {low} is not above the previous band's min {previous}",
            )
        previous = low


def _recommendations(found: Found, report: Report, value: object, where: Where) -> None:
    for here, rec in _mappings(value, where):
        code = _code(rec, RECOMMENDATION_RE)
        if code in found.recommendations:
            first = found.recommendations[code][0].path
            report.add(here.key("code"), f"duplicate recommendation code {code} (also at {first})")
        elif code:
            found.recommendations[code] = (here, rec.get("level"))
        cluster = rec.get("cluster")
        if isinstance(cluster, str) and cluster not in found.clusters:
            known = ", ".join(found.clusters) or "none"
            report.add(here.key("cluster"), f"unknown cluster {cluster!r}; known: {known}")


def _domain(found: Found, report: Report, domain: object, here: Where) -> None:
    if not isinstance(domain, dict):
        found.incomplete = True
        return
    code = _code(domain, DOMAIN_RE)
    if code in found.domains:
        report.add(
            here.key("code"), f"duplicate domain code {code} (also in {found.domains[code]})"
        )
    elif code:
        found.domains[code] = here
    indicators = domain.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        found.incomplete = True
        return
    for j, data in enumerate(indicators):
        if valid_indicator_code(data) is None:
            found.incomplete = True  # references to it could not be told from mistakes
        _indicator(found, report, data, indicator_place(here, j, data), code, j)


def _indicator(
    found: Found, report: Report, data: object, here: Where, domain_code: str | None, index: int
) -> None:
    if not isinstance(data, dict):
        return
    code = valid_indicator_code(data)
    raw_type = data.get("type")
    itype = raw_type if isinstance(raw_type, str) and raw_type in ANSWER_TYPES else None
    ind = Ind(code, here, data, itype, len(found.indicators))
    found.indicators.append(ind)
    if code is not None:
        if domain_code and not code.startswith(domain_code):
            report.add(
                here.key("code"),
                f"indicator code {code} does not start with its domain code {domain_code}",
            )
        if code in found.by_code:
            first = found.by_code[code].place.file
            report.add(here.key("code"), f"duplicate indicator code {code} (also in {first})")
        else:
            found.by_code[code] = ind
    _expressions(report, ind, code or f"indicator {index + 1}")
    if itype is not None:
        _type_keys(report, ind, itype)
    _links(found, report, data.get("links"), here.key("links"))


def _expressions(report: Report, ind: Ind, owner: str) -> None:
    """Parse skip_if, the rules' checks and a percentage's formula, for the cross-checks."""
    data, here = ind.data, ind.place
    found: list[tuple[str, Where, object]] = [("skip_if", here.key("skip_if"), data.get("skip_if"))]
    for where, rule in _mappings(data.get("rules"), here.key("rules")):
        found.append(("rule", where.key("check"), rule.get("check")))
    if ind.type == "percentage":
        found.append(("formula", here.key("formula"), data.get("formula")))
    for kind, where, text in found:
        if not isinstance(text, str):
            continue  # absent, or not text (the models report that)
        try:
            ind.expressions.append((kind, where, expr.parse(text)))
        except expr.ExpressionError as error:
            report.add(where, f"invalid expression in {owner}: {error}")


def _valid_number(value: object, *, integer: bool) -> bool:
    return is_number(value) and value >= 0 and (not integer or isinstance(value, int))


def _type_keys(report: Report, ind: Ind, itype: str) -> None:
    data, here = ind.data, ind.place
    if itype in ("count", "amount"):
        low, high = data.get("min"), data.get("max")
        integer = itype == "count"
        valid = _valid_number(low, integer=integer) and _valid_number(high, integer=integer)
        if valid and low > high:
            report.add(here.key("max"), f"max {high} is below min {low}")
    if itype in ("count", "amount", "percentage"):
        check_bands(report, data.get("bands"), here.key("bands"), score_scale=False)
    if itype == "sex_table":
        _unique_codes(report, _mappings(data.get("rows"), here.key("rows")), ROW_RE, "row")
    if itype in ("choice", "multi_choice"):
        options = data.get("options")
        entries = _mappings(options, here.key("options"))
        _unique_codes(report, entries, OPTION_RE, "option")
        with_score = sum("score" in option for _, option in entries)
        total = len(options) if isinstance(options, list) else 0
        if 0 < with_score < total:
            report.add(
                here.key("options"),
                f"either every option has a score or none has ({with_score} of {total} have one)",
            )


def _unique_codes(
    report: Report, entries: list[tuple[Where, dict[str, Any]]], pattern: Any, what: str
) -> None:
    seen: set[str] = set()
    for where, entry in entries:
        code = _code(entry, pattern)
        if code is None or (code in expr.PARTS and what == "row"):
            continue  # invalid or reserved: the models say so
        if code in seen:
            report.add(where.key("code"), f"duplicate {what} code {code!r}")
        seen.add(code)


def _links(found: Found, report: Report, value: object, where: Where) -> None:
    if not isinstance(value, dict):
        return
    seen: dict[str, str] = {}
    for strength in ("primary", "supporting"):
        codes = value.get(strength)
        for code in codes if isinstance(codes, list) else ():
            if not isinstance(code, str):
                continue
            if code not in found.recommendations:
                report.add(where.key(strength), f"links to unknown recommendation {code!r}")
            elif code in seen:
                again = "twice" if seen[code] == strength else "as both primary and supporting"
                report.add(where.key(strength), f"{code} is listed {again}")
            else:
                seen[code] = strength
