"""Names of countries, institutions and units in each language of the interface.

A name is entered once (`entered_name`, the column "name"); each language may add its own
version (`name_en`, `name_ar`, `name_fr`, `name_es`, empty when not given). `name` on an object
is the name in the reader's language — the request's, or the one an export worker forces —
falling back to the name as entered; in a query `Model.name` stays the entered name, so sorting,
searching and the unique rules keep working on one spelling. Queries that return plain rows
select `localized_name_sql(Model)` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from sqlalchemy import String, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from config import LANGUAGES


def current_locale() -> str | None:
    """The language being spoken now (a request's, or the one `force_locale` gives), if any."""
    locale = get_locale()
    return str(locale) if locale is not None else None


def pick_name(entered: str, translations: Mapping[str, str | None], locale: str | None) -> str:
    """The name in `locale` when one is given for it, else the name as entered (pure)."""
    version = translations.get(locale or "")
    return version.strip() if version and version.strip() else entered


def translations_of(thing: Any) -> dict[str, str | None]:
    """The per-language names of a model object or a row ({"ar": …, "fr": None, …})."""
    if isinstance(thing, Mapping):
        return {code: thing.get(f"name_{code}") for code in LANGUAGES}
    return {code: getattr(thing, f"name_{code}", None) for code in LANGUAGES}


def localized_name(thing: Any, locale: str | None = None) -> str:
    """The name of a country, institution or unit (object or row) in the reader's language,
    falling back to the name as entered."""
    if isinstance(thing, Mapping):
        entered = thing.get("entered_name") or thing.get("name") or ""
    else:
        entered = thing.entered_name
    return pick_name(entered, translations_of(thing), locale or current_locale())


def localized_name_sql(model: Any, locale: str | None = None) -> ColumnElement[str]:
    """A column giving the model's name in the reader's language, for queries of plain rows."""
    locale = locale or current_locale()
    if locale not in LANGUAGES:
        return model.entered_name
    version = getattr(model, f"name_{locale}")
    return func.coalesce(func.nullif(func.trim(version), ""), model.entered_name)


def clean_translations(translations: Mapping[str, str | None]) -> dict[str, str | None]:
    """The versions to store: stripped, an empty one as None, only the interface's languages."""
    return {code: (translations.get(code) or "").strip() or None for code in LANGUAGES}


class LocalizedName:
    """Mixin: the entered name, one optional version per language, and `name` in the reader's."""

    entered_name: Mapped[str] = mapped_column("name", String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    name_fr: Mapped[str | None] = mapped_column(String(200))
    name_es: Mapped[str | None] = mapped_column(String(200))

    @hybrid_property
    def name(self) -> str:
        """The name in the reader's language (on an object); the entered name (in a query)."""
        return localized_name(self)

    @name.inplace.setter
    def _name_setter(self, value: str) -> None:
        self.entered_name = value

    @name.inplace.expression
    @classmethod
    def _name_expression(cls) -> Any:
        return cls.entered_name

    def set_translations(self, translations: Mapping[str, str | None]) -> None:
        """Store the per-language versions (missing or empty ones are cleared)."""
        for code, version in clean_translations(translations).items():
            setattr(self, f"name_{code}", version)
