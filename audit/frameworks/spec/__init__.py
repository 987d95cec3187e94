"""Framework documents: load the YAML files, validate them, and turn them into frozen dataclasses.

The file format is described in FORMAT.md next to this package. Nothing here touches Flask or the
database: `read()` gives a `Framework` (or the list of every problem), `to_dict()`/`from_dict()`
let the database keep the parsed framework as JSON and rebuild it without the files.

The package, in the order a file travels through it: `loading` (safe YAML, size limits,
includes), `structure` (the pydantic models of `fileformat`: what each key may hold),
`consistency` (values against each other: unique codes, band order, links), `crosschecks`
(expressions, formula cycles, coverage), `codec` (dataclasses of `model`, checksum, JSON).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from audit.frameworks.spec import consistency, crosschecks, structure
from audit.frameworks.spec.codec import build, checksum, coverage, from_dict, to_dict
from audit.frameworks.spec.loading import Source, load_source
from audit.frameworks.spec.model import (
    DEFAULT_FRAMEWORK_BANDS,
    DEFAULT_TARGET_BANDS,
    DEFAULT_THRESHOLDS,
    Band,
    Cluster,
    Domain,
    FileProblem,
    Framework,
    Indicator,
    Option,
    Recommendation,
    Row,
    Rule,
)
from audit.frameworks.spec.places import Report
from audit.frameworks.spec.terms import (
    ANSWER_TYPES,
    DEFAULT_TEXT_MAX_LENGTH,
    EVIDENCE,
    FORMAT,
    LANGUAGES,
    LEVEL_SCORES,
    LEVELS,
    RECOMMENDATION_LEVELS,
    SERVICES,
    TYPE_LEVELS,
    UNIT_TYPES,
)

__all__ = [
    "ANSWER_TYPES",
    "DEFAULT_FRAMEWORK_BANDS",
    "DEFAULT_TARGET_BANDS",
    "DEFAULT_TEXT_MAX_LENGTH",
    "DEFAULT_THRESHOLDS",
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
    "FileProblem",
    "Framework",
    "Indicator",
    "Option",
    "Recommendation",
    "Row",
    "Rule",
    "Source",
    "build",
    "checksum",
    "coverage",
    "from_dict",
    "load_source",
    "main",
    "read",
    "to_dict",
    "validate",
]


def validate(doc: Mapping[str, Any]) -> list[FileProblem]:
    """Every problem in a resolved framework document; empty means valid.

    Problems come in the order the checks meet them: loading, then structure (file by file),
    then values against each other, then checks across the document.
    """
    report = Report()
    source = doc if isinstance(doc, Source) else None
    entry = source.entry if source is not None else "framework.yaml"
    files = source.domain_files if source is not None else []
    skip = source.failed if source is not None else set()
    if source is not None:
        for problem in source.problems:
            report.keep(problem)
        if source.fatal:
            return report.problems
    for problem in structure.problems(doc, entry, files, skip):
        report.keep(problem)
    found = consistency.check(doc, report, entry, files, skip)
    crosschecks.check(found, report)
    return report.problems


def read(path: str | os.PathLike[str]) -> tuple[Framework | None, list[FileProblem]]:
    """Load, validate and build a framework folder: (framework, []) or (None, problems)."""
    source = load_source(path)
    problems = validate(source)
    if problems:
        return None, problems
    return build(source), []


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
