"""Languages: which one a request is served in, and the text direction that goes with it."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale as babel_locale
from flask_login import current_user

from audit.extensions import babel
from audit.paths import TRANSLATIONS
from config import LANGUAGE_NAMES

RTL_LANGUAGES = frozenset({"ar"})


def select_locale() -> str:
    """The user's choice, then the choice made before signing in, then the browser's preference."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and workers speak the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def text_direction() -> str:
    """ "rtl" for Arabic, "ltr" for the others."""
    return "rtl" if str(babel_locale()) in RTL_LANGUAGES else "ltr"


def pick(text: Mapping[str, str] | None, locale: str | None = None) -> str:
    """A translated mapping ({"en": …, "ar": …}) in the current language, else in English."""
    if not text:
        return ""
    locale = locale or str(babel_locale())
    return text.get(locale) or text.get("en") or next(iter(text.values()), "")


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and give templates the language and direction."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)

    app.add_template_filter(pick, "pick")

    @app.context_processor
    def language_context() -> dict[str, object]:
        return {
            "current_locale": str(babel_locale()),
            "text_direction": text_direction(),
            "language_names": {c: LANGUAGE_NAMES[c] for c in current_app.config["LANGUAGES"]},
        }
