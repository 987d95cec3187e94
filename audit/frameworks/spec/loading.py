"""Reading framework files: safe YAML, size limits, and the domain files framework.yaml includes.

`load_source()` gives a `Source`, the resolved document plus what was met on the way (which file
each domain came from, the problems that stopped a file); validation starts from there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from audit.frameworks.spec.model import FileProblem

# Hostile or runaway files: refuse very large files and YAML alias "bombs".
MAX_FILE_BYTES = 2_000_000
MAX_NODES = 500_000


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
        self.problems: list[FileProblem] = []
        self.fatal = False


_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class Loader(yaml.SafeLoader):
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


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
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


def _load_yaml(path: Path, name: str) -> tuple[object, list[FileProblem]]:
    """The data of one YAML file, or None and the problems that stopped it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None, [FileProblem(name, "file not found")]
    except OSError as exc:
        return None, [FileProblem(name, f"cannot read the file: {exc.strerror}")]
    if not path.is_file():
        return None, [FileProblem(name, "not a file")]
    if size > MAX_FILE_BYTES:
        return None, [
            FileProblem(name, f"file is too large ({size} bytes; at most {MAX_FILE_BYTES})")
        ]
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [FileProblem(name, f"not UTF-8 text (bad byte at offset {exc.start})")]
    except OSError as exc:
        return None, [FileProblem(name, f"cannot read the file: {exc.strerror}")]
    loader = Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}: line {mark.line + 1}" if mark else name
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [FileProblem(where, f"YAML error: {what or 'cannot parse'}")]
    except yaml.YAMLError as exc:
        return None, [FileProblem(name, f"YAML error: {exc}")]
    except RecursionError:
        # PyYAML builds nested collections recursively; hostile nesting must not crash us.
        return None, [FileProblem(name, "YAML error: the data is nested too deeply")]
    finally:
        loader.dispose()
    problems = [
        FileProblem(
            f"{name}: line {line}", f"duplicate key {key!r} (only the last one would count)"
        )
        for line, key in loader.duplicates
    ]
    if data is None:
        return None, [*problems, FileProblem(name, "file is empty")]
    if _too_big(data):
        return None, [*problems, FileProblem(name, f"file expands to more than {MAX_NODES} values")]
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
        source.problems.append(FileProblem(entry, "the file must be a mapping (key: value lines)"))
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
                    FileProblem(f"{place}.{key}", "unknown key next to include (only include)")
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
) -> tuple[Path | None, str, FileProblem | None]:
    if not isinstance(include, str) or not include.strip():
        return (
            None,
            "",
            FileProblem(place, "must be a relative path such as domains/1-facilities.yaml"),
        )
    relative = Path(include)
    if relative.is_absolute():
        return (
            None,
            include,
            FileProblem(place, f"{include} must be relative to the framework folder"),
        )
    try:
        base = root.resolve()
        target = (base / relative).resolve()
        if not target.is_relative_to(base):
            return (
                None,
                include,
                FileProblem(place, f"{include} points outside the framework folder"),
            )
        name = target.relative_to(base).as_posix()
        if not target.is_file():
            return None, name, FileProblem(place, f"file {include} not found")
    except (OSError, ValueError, RuntimeError) as exc:  # NUL bytes, symlink loops, ...
        return None, include, FileProblem(place, f"cannot use {include!r}: {exc}")
    return target, name, None
