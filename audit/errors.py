"""The HTTP error pages (refusals are audit.refusals)."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

#: Shown when a request carries a value no database can store (a NUL byte, a number beyond
#: every column): nothing was changed.
UNSTORABLE_REQUEST = _l(
    "The request contains a character or a number that cannot be stored. Nothing was changed."
)

_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You are not allowed to do that"),
    404: _l("Page not found"),
    405: _l("That action is not available here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    title = _TITLES.get(code, _TITLES[500])
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


def error_page(code: int) -> tuple[str, int]:
    """The friendly page for an HTTP error, for a blueprint's own handler to fall back on."""
    return _render(code)


def register_error_handlers(app: Flask) -> None:
    """Friendly, translated pages for every HTTP error; a CSRF failure says what to do."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return _render(
            400,
            str(
                _l(
                    "The form had expired or was not sent by this site. "
                    "Reload the page and try again."
                )
            ),
        )

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def unstorable(error: Exception) -> tuple[str, int]:
        """A value the database refused (or SQLite could not bind) is the request's fault:
        undo the transaction and say so, rather than a 500."""
        app.logger.warning("Refused an unstorable value: %s", error)
        from audit.extensions import db

        db.session.rollback()
        return _render(400, str(UNSTORABLE_REQUEST))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        # Only descriptions written for the person are shown (audit.refusals.web.invalid_form).
        detail = error.description if getattr(error, "for_person", False) else None
        return _render(error.code or 500, detail)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error")
        from audit.extensions import db

        db.session.rollback()  # a failed statement must not also break the error page
        try:
            return _render(500)
        except Exception:  # the page itself failed: answer plainly rather than crash again
            app.logger.exception("The error page failed")
            return str(_TITLES[500]), 500
