"""How a refusal reaches the person: next to its form field, as a flash, or as JSON.

Every view that catches :class:`~audit.refusals.Refused` answers through these functions, and
each of them first rolls the request's transaction back, so whatever the service had already
changed before it refused is undone before anything is shown.
"""

from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import urlsplit

from flask import Flask, flash, jsonify, redirect, request
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from audit.extensions import db
from audit.refusals import Refused


def _undo() -> None:
    db.session.rollback()


def on_form(error: Refused, form: FlaskForm) -> None:
    """Show the refusal next to its field; a refusal without a field on this form is flashed."""
    _undo()
    field = getattr(form, error.field, None) if error.field else None
    if field is None or not hasattr(field, "errors"):
        flash(error.message, "error")
        return
    field.errors = [*field.errors, error.message]


class InvalidForm(BadRequest):
    """A 400 whose description is meant for the person: what was wrong with the form."""

    for_person = True


def invalid_form(form: FlaskForm) -> NoReturn:
    """Refuse a small form posted from a page that has no place to show field errors (a
    button's form): a 400 page that says which field was refused and why, nothing changed."""
    _undo()
    problems = [
        f"{field.label.text}: {error}" if field.label.text else str(error)
        for field in form
        for error in field.errors
        if isinstance(error, str)
    ]
    raise InvalidForm(description=" ".join(problems) or None)


def undone(error: Refused) -> Refused:
    """Roll the request back and give the refusal, for a view that shows it in its own way."""
    _undo()
    return error


def as_flash(error: Refused) -> None:
    """Show the refusal at the top of the next page."""
    _undo()
    # Something already done (a second click on "Submit") is news, not a failure.
    flash(error.message, "info" if error.key.startswith("already_") else "error")


def as_json(
    error: Refused, status: int = 422, body: dict[str, Any] | None = None
) -> tuple[Response, int]:
    """The refusal as JSON (422: the request cannot be done; 409: it conflicts with the
    audit's state or a newer change). `body` is the page script's own shape, if it has one."""
    _undo()
    if body is None:
        body = {"ok": False, "error": error.key, "message": error.message}
        if error.field:
            body["field"] = error.field
    return jsonify(body), status


def init_app(app: Flask) -> None:
    """A refusal no view caught: JSON for scripts, otherwise a flash and back to the page."""

    @app.errorhandler(Refused)
    def refused(error: Refused) -> Any:
        if request.accept_mimetypes.best == "application/json" or request.is_json:
            return as_json(error)
        as_flash(error)
        target = urlsplit(request.referrer or "/")
        same_site = target.netloc in ("", request.host) and target.scheme in ("", "http", "https")
        path = (
            target.path if target.path.startswith("/") and not target.path.startswith("//") else "/"
        )
        return redirect(path if same_site else "/")
