"""What every workbook's content shares: labels in the current language, names, typed values."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from importlib import metadata

from flask_babel import get_locale
from flask_babel import gettext as _

from audit.exports import xlsx
from audit.frameworks import spec
from audit.frameworks.labels import LEVEL_LABELS, chosen_options
from audit.frameworks.models import FrameworkVersion
from audit.i18n import RTL_LANGUAGES
from audit.scoring import disclosure, formatting

Progress = Callable[[float], None]


class NothingToExport(Exception):
    """The export has nothing it may show (no scorecard yet, no published figure)."""


def labels() -> dict[str, str]:
    """The writers' labels in the current language; bands named as on every page
    (`formatting.band_label`)."""
    found = {key: _(text) for key, text in xlsx.DEFAULT_LABELS.items()}
    for band in spec.LEVELS:
        found[f"band_{band}"] = formatting.band_label(band)
    return found


def rtl() -> bool:
    return str(get_locale()) in RTL_LANGUAGES


def app_version() -> str:
    try:
        return metadata.version("wps-audit")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed with -e
        return "dev"


def version_label(version: FrameworkVersion) -> str:
    return f"{version.code} {version.label}"


def filename(*parts: str, ext: str = "xlsx") -> str:
    """A download name from its parts: letters of any script, digits, '-' and '_' only."""
    joined = "-".join(parts)
    cleaned = re.sub(r"[^\w-]+", "-", joined, flags=re.UNICODE).strip("-_")
    return (cleaned[:120] or "export") + "." + ext


def bands(fw: spec.Framework) -> Sequence[spec.Band]:
    return fw.bands or spec.DEFAULT_FRAMEWORK_BANDS


def thresholds(fw: spec.Framework) -> tuple[float, float, float]:
    mins = {band.level: band.min for band in bands(fw)}
    default = dict(zip(spec.LEVELS[1:], spec.DEFAULT_THRESHOLDS, strict=True))
    approaches, meets, exceeds = (mins.get(level, default[level]) for level in spec.LEVELS[1:])
    return approaches, meets, exceeds


def typed_value(ind: spec.Indicator | None, value: object) -> xlsx.Value:
    """An answer as a typed cell: numbers stay numbers, dates dates, codes become labels."""
    if value is None or ind is None:
        return None if value is None else str(value)
    kind = ind.type
    if kind in ("yes_no", "no_partly_yes", "rubric") and isinstance(value, str):
        return str(LEVEL_LABELS.get(value, value))
    if kind in ("count", "amount", "percentage"):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if kind in ("choice", "multi_choice"):
        return chosen_options(ind, value)
    if kind == "sex_table" and isinstance(value, dict):
        totals = {column: 0 for column in disclosure.COLUMNS}
        for cells in value.values():
            if isinstance(cells, dict):
                for column in totals:
                    try:
                        totals[column] += int(cells.get(column) or 0)
                    except (TypeError, ValueError):
                        continue
        return _("Women %(women)d, men %(men)d, not recorded %(not_recorded)d", **totals)
    return str(value)
