"""Validate a document's structure with the pydantic models and word each error as a problem.

pydantic reports an error as a location (`domains, 0, indicators, 2, rubric, levels`), a type
and the value found. Reading it takes the models: `_locate` walks the location through the model
classes and the data together, to name the place as people see it (`domains/1-alpha.yaml:
AA3.levels`) and find the sentence for it (the `Says` next to the type, or the model's own hook).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from audit.frameworks.spec.documents import FrameworkDoc
from audit.frameworks.spec.fileformat import OWN_ERROR, FormatModel, Says
from audit.frameworks.spec.model import FileProblem
from audit.frameworks.spec.places import Where, domain_place, indicator_place, show

#: Sentences for pydantic's error types where no `Says` or model hook gives one.
_SENTENCES = {
    "string_type": "must be text, not {value}",
    "int_type": "must be a whole number, not {value}",
    "int_from_float": "must be a whole number, not {value}",
    "float_type": "must be a number, not {value}",
    "finite_number": "must be a number, not {value}",
    "bool_type": "must be true or false, not {value}",
    "greater_than": "must be greater than {gt}, not {value}",
    "greater_than_equal": "must be at least {ge}, not {value}",
    "less_than_equal": "must be at most {le}, not {value}",
    "list_type": "must be a list, not {value}",
    "too_short": "must have at least {min_length} items",
    "union_tag_not_found": "required key is missing",
}
_NOT_A_MAPPING = ("model_type", "model_attributes_type", "dict_type")
_UNION_TAG = ("union_tag_invalid", "union_tag_not_found")


def problems(
    doc: object, entry: str, files: Sequence[str | None], skip: set[int]
) -> list[FileProblem]:
    """The structural problems of a resolved document (domains listed in `skip` are left out:
    they could not be loaded, which is reported already)."""
    try:
        FrameworkDoc.model_validate(doc)
    except ValidationError as error:
        found = []
        for details in error.errors(include_url=False):
            loc = details["loc"]
            if len(loc) >= 2 and loc[0] == "domains" and loc[1] in skip:
                continue
            where, message = _explain(details, doc, entry, files)
            found.append(FileProblem(str(where), message))
        return found
    return []


@dataclass
class _Spot:
    """Where an error is, as people name it, and what the models say about that place."""

    where: Where
    parent: Where  # the place of the mapping or list the last step went into
    owner: type[FormatModel] | None  # the model the last key belongs to
    expected: Any  # the type expected at the place
    says: tuple[Says, ...]


def _unwrap(annotation: Any) -> tuple[Any, tuple[Says, ...]]:
    found: list[Says] = []
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        found.extend(m for m in extra if isinstance(m, Says))
    return annotation, tuple(found)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, FormatModel)


def _member(union: Any, tag: object) -> Any | None:
    """The member of a discriminated union whose `type` is `tag`."""
    for member in get_args(union):
        model, _ = _unwrap(member)
        field = model.model_fields.get("type") if _is_model(model) else None
        if field is not None and tag in get_args(field.annotation):
            return member
    return None


def _locate(
    loc: tuple[int | str, ...], doc: object, entry: str, files: Sequence[str | None]
) -> _Spot:
    where = parent = Where(entry)
    expected: Any = FrameworkDoc
    said: tuple[Says, ...] = ()
    owner: type[FormatModel] | None = None
    data = doc
    for step in loc:
        if get_origin(expected) in (Union, UnionType) and _member(expected, step) is not None:
            expected, said = _unwrap(_member(expected, step))  # the tag names no place
        elif _is_model(expected):
            owner, field = expected, expected.model_fields.get(str(step))
            parent, where = where, where.key(step)
            extra = tuple(m for m in field.metadata if isinstance(m, Says)) if field else ()
            expected, said = _unwrap(field.annotation if field else None)
            said = extra + said
            data = data.get(step) if isinstance(data, Mapping) else None
        elif get_origin(expected) is list and isinstance(step, int):
            items = next((s.items for s in said if s.items), None)
            item = data[step] if isinstance(data, list) and 0 <= step < len(data) else None
            before, parent = parent, where
            if items == "file":
                where = domain_place(where, step, files)
            elif items == "code":
                where = indicator_place(before, step, item)
            elif items != "list":
                where = where.index(step)
            expected, said = _unwrap(get_args(expected)[0])
            data = item
        else:
            parent, where, expected, said = where, where.key(step), None, ()
    return _Spot(where, parent, owner, expected, said)


def _explain(
    details: ErrorDetails, doc: object, entry: str, files: Sequence[str | None]
) -> tuple[Where, str]:
    kind, loc, value = details["type"], details["loc"], details["input"]
    spot = _locate(loc, doc, entry, files)
    if kind == OWN_ERROR:
        return spot.where, details["msg"]
    if kind in ("missing", "extra_forbidden", "invalid_key") and spot.owner is not None:
        if kind == "missing":
            return spot.where, spot.owner.missing_key(loc[-1])
        key = value if kind == "invalid_key" else loc[-1]  # the key itself, not its position
        return spot.parent.key(key), spot.owner.unknown_key(key)
    where = spot.where
    fields: dict[str, object] = {"value": show(value), "key": loc[-1] if loc else ""}
    if kind in _UNION_TAG:
        where = where.key("type")
        fields["tag"] = show(value.get("type")) if isinstance(value, Mapping) else ""
    template = next((t for s in spot.says if (t := s.template(kind))), None)
    if template is None and kind in _NOT_A_MAPPING and _is_model(spot.expected):
        return where, spot.expected.not_mapping(value)
    template = template or _SENTENCES.get(kind)
    if template is None:
        return where, details["msg"]
    return where, template.format(**{**_context(details), **fields})


def _context(details: ErrorDetails) -> dict[str, object]:
    # A float field's limits come back as floats; "at most 1" reads better than "at most 1.0".
    return {
        name: int(limit) if isinstance(limit, float) and limit.is_integer() else limit
        for name, limit in details.get("ctx", {}).items()
    }
