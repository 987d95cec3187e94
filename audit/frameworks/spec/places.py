"""Places in a framework document, and the list of problems validation collects.

A problem names its file and the path inside it: `domains/1-facilities.yaml: FA3.levels.meets.ar`.
Indicators are named by their code when it is valid (else `indicators[4]`); a domain read from
its own file is named by that file (else `domains[0]`). The pydantic error reader and the plain
checks build places with the same helpers, so one mistake has one name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from audit.frameworks.spec.model import FileProblem
from audit.frameworks.spec.terms import INDICATOR_RE


@dataclass(frozen=True)
class Where:
    """A place in a document: file plus a dotted path inside it."""

    file: str
    path: str = ""

    def key(self, key: object) -> Where:
        return Where(self.file, f"{self.path}.{key}" if self.path else str(key))

    def index(self, index: int) -> Where:
        return Where(self.file, f"{self.path}[{index}]")

    def __str__(self) -> str:
        return f"{self.file}: {self.path}" if self.path else self.file


def domain_place(domains: Where, index: int, files: Sequence[str | None]) -> Where:
    """The place of domain `index`: its own file when it was included, else its list entry."""
    name = files[index] if 0 <= index < len(files) else None
    return Where(name) if name else domains.index(index)


def valid_indicator_code(data: object) -> str | None:
    """The indicator's code when it is a valid one (places and references use only those)."""
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, str) and INDICATOR_RE.fullmatch(code) else None


def indicator_place(domain: Where, index: int, data: object) -> Where:
    """The place of an indicator: `FA3` inside its domain, or `indicators[2]` without a code."""
    code = valid_indicator_code(data)
    return domain.key(code) if code else domain.key("indicators").index(index)


class Report:
    """The problems found so far, in the order found, each once."""

    def __init__(self) -> None:
        self.problems: list[FileProblem] = []
        self._seen: set[FileProblem] = set()

    def add(self, where: Where | str, message: str) -> None:
        self.keep(FileProblem(str(where), message))

    def keep(self, problem: FileProblem) -> None:
        if problem not in self._seen:
            self._seen.add(problem)
            self.problems.append(problem)


def is_number(value: object) -> bool:
    """A finite int or float (a boolean is not a number here)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    )


def show(value: object) -> str:
    """A value as a problem message quotes it: its repr, shortened."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
