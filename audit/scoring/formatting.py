"""How the scoring pages write numbers, bands and answers, in the reader's locale.

One set for every scoring page (a unit's scorecard and its explanations, the advisers' portfolio
and the donors' page): both blueprints give `template_helpers()` to their templates, so a score
reads the same wherever it is shown.
"""

from __future__ import annotations

import datetime as dt

from babel.numbers import parse_pattern
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from audit.frameworks import labels, spec
from audit.frameworks.labels import LEVEL_LABELS, chosen_options
from audit.i18n import pick
from audit.scoring import charts
from audit.scoring.models import Trigger

TRIGGER_LABELS = {
    Trigger.SUBMITTED: _l("computed when the audit was submitted"),
    Trigger.VALIDATED: _l("computed when the audit was validated"),
}

#: Why a change against the previous cycle is not shown (engine.compare reasons).
BREAK_LABELS = {
    "no_previous": _l("no validated scorecard of this unit in an earlier cycle"),
    "other_framework": _l("the earlier cycle used another framework"),
    "rules_changed": _l("the scoring rules changed since the earlier cycle"),
    "new": _l("not in the earlier cycle's scorecard"),
    "definition_changed": _l("built from other questions or weights than in the earlier cycle"),
}


#: A score's pattern, parsed once: a heat map formats hundreds of scores per page.
_SCORE_PATTERN = parse_pattern("#,##0.#")


def fmt_score(value: float | None) -> str:
    """A 0-100 score: one decimal at most; "—" when there is none (what Flask-Babel's
    `format_decimal(value, format="#,##0.#")` writes, without parsing the pattern each time)."""
    if value is None:
        return "—"
    return _SCORE_PATTERN.apply(value, get_locale() or "en", numbering_system="latn")


def fmt_coverage(value: float | None) -> str:
    """A 0-100 share as a percentage."""
    return "—" if value is None else format_percent(value / 100, format="#,##0.#%")


def fmt_share(value: float | None) -> str:
    """A 0-1 share or score as a percentage (⅓ → 33.3%); "—" when there is none."""
    return "—" if value is None else format_percent(value, format="#,##0.#%")


def fmt_count(value: int | None) -> str:
    """A whole number with grouping."""
    return "—" if value is None else format_decimal(value, format="#,##0")


def fmt_number(value: float, decimals: int = 3) -> str:
    """A plain number for the formulas (up to `decimals` decimals)."""
    return format_decimal(value, format="#,##0." + "#" * decimals)


def fmt_change(value: float | None) -> str:
    """A change in points, with its sign ("+4.2", "-3.1", "0"); "—" when there is none."""
    if value is None:
        return "—"
    if abs(value) < 0.05:
        return format_decimal(0, format="#,##0")
    return format_decimal(value, format="+#,##0.#;-#,##0.#")


def band_label(band: str | None) -> str:
    """The band's name ("Meets requirements"); "No score" without a band."""
    return labels.band_label(band) or _("No score")


def answer_text(ind: spec.Indicator | None, value: object) -> str:
    """The answer as a person reads it (option labels, levels, formatted numbers and dates)."""
    if value is None:
        return "—"
    if ind is None:
        return str(value)
    kind = ind.type
    if kind in ("yes_no", "no_partly_yes", "rubric") and isinstance(value, str):
        label = str(LEVEL_LABELS.get(value, value))
        detail = pick(ind.levels.get(value))
        return f"{label} ({detail})" if detail and detail != label else label
    if kind in ("count", "amount", "percentage") and isinstance(value, int | float):
        shown = format_decimal(value, format="#,##0.##")
        if kind == "percentage":
            shown = format_percent(value / 100, format="#,##0.##%")
        if ind.target is not None:
            return _("%(value)s (target %(target)s)", value=shown, target=fmt_number(ind.target))
        return shown
    if kind == "date" and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if kind in ("choice", "multi_choice"):
        return chosen_options(ind, value)
    return str(value)


def template_helpers() -> dict[str, object]:
    """The formatters the scoring templates call (a blueprint context processor)."""
    return {
        "fmt_score": fmt_score,
        "fmt_coverage": fmt_coverage,
        "fmt_share": fmt_share,
        "fmt_count": fmt_count,
        "fmt_change": fmt_change,
        "fmt_weight": lambda weight: fmt_number(weight, 2),
        "band_label": band_label,
        "band_class": charts.band_class,
        "break_label": lambda reason: BREAK_LABELS.get(reason, reason or ""),
        "BANDS": charts.BANDS,
    }
