"""The vocabulary of framework files: languages, answer types, levels, codes.

Every list here is the one source: the file-format models, the dataclasses, the labels shown to
people and the scoring engine all read these names.
"""

from __future__ import annotations

import re

from audit.frameworks import expr
from config import LANGUAGES as CONFIG_LANGUAGES

FORMAT = 1
LANGUAGES = CONFIG_LANGUAGES  # every text in every language of the interface
ANSWER_TYPES = (
    "yes_no",
    "no_partly_yes",
    "rubric",
    "count",
    "sex_table",
    "amount",
    "percentage",
    "date",
    "choice",
    "multi_choice",
    "text",
)
SERVICES = ("police", "military", "gendarmerie")
UNIT_TYPES = (
    "hq",
    "region",
    "district",
    "station",
    "barracks",
    "academy",
    "deploying",
    "specialised",
)
LEVELS = ("missing", "approaches", "meets", "exceeds")
LEVEL_SCORES = {"missing": 0.0, "approaches": 1 / 3, "meets": 2 / 3, "exceeds": 1.0}
RECOMMENDATION_LEVELS = ("unit", "institution")
EVIDENCE = ("none", "optional", "required")
#: A broken rule with severity "error" blocks submission; one with "warning" only tells.
RULE_SEVERITIES = ("error", "warning")
#: Answer types whose answer is one of a fixed set of level names, each with a descriptor.
TYPE_LEVELS: dict[str, tuple[str, ...]] = {
    "no_partly_yes": ("no", "partly", "yes"),
    "rubric": LEVELS,
}
DEFAULT_TEXT_MAX_LENGTH = 4000
NUMERIC_TYPES = ("count", "amount", "percentage")

FAMILY_RE = re.compile(r"[a-z][a-z0-9-]*")
CLUSTER_RE = re.compile(r"C[0-9]+")
RECOMMENDATION_RE = re.compile(r"R[0-9]{2}")
DOMAIN_RE = re.compile(r"[A-Z]{2}")
INDICATOR_RE = expr.CODE_RE
ROW_RE = expr.ROW_RE
OPTION_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
COMPARABILITY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def is_scored(
    answer_type: str, *, has_target_or_bands: bool, has_max_age: bool, has_option_scores: bool
) -> bool:
    """Whether answers of this type produce a score, given what the indicator declares."""
    if answer_type in ("yes_no", "no_partly_yes", "rubric"):
        return True
    if answer_type in NUMERIC_TYPES:
        return has_target_or_bands
    if answer_type == "date":
        return has_max_age
    if answer_type in ("choice", "multi_choice"):
        return has_option_scores
    return False  # sex_table, text
