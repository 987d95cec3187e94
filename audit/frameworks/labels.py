"""How answer types, levels and framework terms are named to people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from audit.frameworks import spec
from audit.i18n import pick

ANSWER_TYPE_LABELS = {
    "yes_no": _l("Yes / no"),
    "no_partly_yes": _l("No / partly / yes"),
    "rubric": _l("Four-level rubric"),
    "count": _l("Count"),
    "sex_table": _l("Count by sex"),
    "amount": _l("Amount"),
    "percentage": _l("Percentage (computed)"),
    "date": _l("Date"),
    "choice": _l("Single choice"),
    "multi_choice": _l("Multiple choice"),
    "text": _l("Narrative text"),
}

LEVEL_LABELS = {
    "missing": _l("Missing"),
    "approaches": _l("Approaches requirements"),
    "meets": _l("Meets requirements"),
    "exceeds": _l("Exceeds requirements"),
    "no": _l("No"),
    "partly": _l("Partly"),
    "yes": _l("Yes"),
}

#: The names of the score bands of a 0-100 score. The lowest band keeps the level code
#: "missing" (framework files and stored scorecards use it) but is named for where a unit
#: stands, never like absent data: "Missing" is what an unanswered question looks like.
BAND_LABELS = {
    "missing": _l("Early stage"),
    "approaches": _l("Approaches requirements"),
    "meets": _l("Meets requirements"),
    "exceeds": _l("Exceeds requirements"),
}

EVIDENCE_LABELS = {
    "none": _l("No evidence needed"),
    "optional": _l("Evidence optional"),
    "required": _l("Evidence required"),
}

SERVICE_LABELS = {
    "police": _l("Police"),
    "military": _l("Armed forces"),
    "gendarmerie": _l("Gendarmerie"),
}

REC_LEVEL_LABELS = {
    "unit": _l("Unit level"),
    "institution": _l("Institution level only"),
}


def chosen_options(ind: spec.Indicator, value: object) -> str:
    """A choice answer as people read it: the chosen options' labels, comma-separated (an
    unknown code is shown as it is)."""
    names = {option.code: pick(option.label) for option in ind.options}
    chosen = value if isinstance(value, list | tuple) else [value]
    return ", ".join(names.get(str(code), str(code)) for code in chosen)


def band_label(level: str | None) -> str | None:
    """The translated name of a score band ("Early stage", "Meets requirements"), the one name
    every page, chart and workbook gives a band; None when `level` is not a band."""
    label = BAND_LABELS.get(level or "")
    return None if label is None else str(label)


def short_title(ind: spec.Indicator) -> str:
    """What a table or report calls a question: its short title, else the question itself."""
    return pick(ind.short) or pick(ind.text) or ind.code
