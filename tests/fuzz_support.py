"""The pieces of the fuzz test (tests/test_fuzz.py): hostile values, requests, a fingerprint.

Every value drawn here is one the app must refuse wherever it lands: text carries a NUL byte,
numbers are far beyond any id, JSON values are of types no form field takes. Odd but storable
characters (bidi marks, control characters, huge strings) only ever travel *with* such a poison,
so a request that is accepted is a bug, not a fluke of the draw.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import Rule

from audit.extensions import db
from audit.transactions import unit_of_work

HUGE = "9" * 309  # a number no column holds (as a float it is infinity)
ODD = st.sampled_from(
    [
        "",
        " ",
        "\u202e\u2066evil\u2069",  # bidi overrides and isolates
        "\x01\x1b[31m\x7f",  # control characters
        "\ufeff\u200b",  # invisible characters
        "A" * 20_000,  # far beyond every length limit
        "-1",
        "0",
        HUGE,
        "-" + HUGE,
        "1e309",
        "NaN",
        "inf",
        "١٢٣",  # Arabic-Indic digits
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "'; DROP TABLE users; --",
        "😀" * 50,
    ]
)
#: Text that can never be stored: it carries a NUL byte.
POISONED = st.builds(
    lambda a, b: f"{a}\x00{b}", st.one_of(ODD, st.text(max_size=8)), st.text(max_size=8)
)
#: Ids that are not ids: beyond every column, negative, zero, not numbers.
BAD_ID = st.sampled_from([HUGE, "-" + HUGE, "2147483648", "99999999999999999999", "1e309"])
BAD_VALUE = st.one_of(POISONED, BAD_ID)

#: JSON values no form field takes (a form field reads text or a list of text).
JSON_HOSTILE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.just(float("nan")),
        st.just(float("inf")),
        st.just(10**309),
        st.just(-(10**309)),
    ),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3),
        st.dictionaries(st.text(max_size=5), children, min_size=1, max_size=3),
    ),
    max_leaves=6,
)
#: JSON bodies that are not objects at all, or not JSON.
JSON_RAW = st.sampled_from(
    ["[]", "[1, 2]", "null", "true", "1e309", '"text"', "{", '{"a": NaN}', "\x00", ""]
)


def _field_names() -> list[str]:
    """The input names of every form of the app, plus those read straight from the request."""
    import forms  # noqa: F401 - the modules define the forms
    from forms import accounts, audits, cycles, exports, history, orgs  # noqa: F401
    from forms.base import BaseForm

    names = {"csrf_token", "next", "value", "code", "reference", "page", "currency", "locale"}
    stack = list(BaseForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        for name in dir(form):
            attr = getattr(form, name, None)
            if hasattr(attr, "field_class"):
                names.add(name)
    return sorted(names)


FIELDS = _field_names()


#: Always sent: an edit form keeps a stored value for a field the body leaves out, so a body
#: without the form's own fields would rightly save the record unchanged.
ALWAYS = ("name", "value", "code", "email")


def _names(draw: st.DrawFn) -> list[str]:
    drawn = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=8, unique=True))
    return sorted({*ALWAYS, *drawn})


def form_body(draw: st.DrawFn) -> dict[str, list[str]]:
    """A form body: every field present is poisoned, odd values ride along in lists."""
    names = _names(draw)
    return {name: draw(st.lists(BAD_VALUE, min_size=1, max_size=3)) for name in names}


def json_body(draw: st.DrawFn) -> dict[str, Any]:
    """A JSON object whose every value is one no field accepts."""
    names = _names(draw)
    return {name: draw(st.one_of(JSON_HOSTILE, BAD_VALUE)) for name in names}


def dumps(body: Any) -> str:
    """JSON as a hostile client writes it: NaN, Infinity and 309-digit numbers included."""
    return json.dumps(body, allow_nan=True)


@dataclass(frozen=True)
class Target:
    """One route and method, with the real ids its path can be filled with."""

    rule: Rule
    method: str

    @property
    def endpoint(self) -> str:
        return self.rule.endpoint


def targets(app: Flask, skip: frozenset[str]) -> list[Target]:
    """Every route and method of the app (HEAD and OPTIONS answer like GET)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in skip:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append(Target(rule, method))
    return sorted(found, key=lambda t: (t.rule.rule, t.method))


def path_for(rule: Rule, values: dict[str, str]) -> str:
    """The path of a rule with its arguments replaced by raw (already quoted) segments."""
    path = rule.rule
    for name, value in values.items():
        for converter in ("int", "path", "string"):
            path = path.replace(f"<{converter}:{name}>", value)
        path = path.replace(f"<{name}>", value)
    return path


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every table (inside an app context)."""
    result = {}
    with unit_of_work():
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
    return result


class Errors(logging.Handler):
    """Collects the exceptions the app logged while answering 500."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.seen.append(f"{type(error).__name__}: {str(error)[:160]}")
