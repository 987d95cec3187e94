"""From documents to dataclasses and back: the checksum, `build()`, and the JSON the database keeps.

`build()` reads a document that validation accepted and fills in the defaults; `to_dict()` and
`from_dict()` let the database keep a parsed framework as JSON and rebuild it without the files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any, cast

from audit.frameworks.spec.model import (
    DEFAULT_FRAMEWORK_BANDS,
    Band,
    Cluster,
    Domain,
    Framework,
    Indicator,
    Option,
    Recommendation,
    Row,
    Rule,
)
from audit.frameworks.spec.terms import DEFAULT_TEXT_MAX_LENGTH, FORMAT, LANGUAGES


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
        short=_text(data.get("short")),
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
        rules=tuple(
            Rule(r["check"], _text(r["message"]) or {}, r.get("severity") or "error")
            for r in data.get("rules", ())
        ),
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
