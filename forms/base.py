"""The base form: CSRF from Flask-WTF, whitespace stripped and NUL bytes refused in every input.

A JSON body reaches the same fields as a form post, so it is held to what a form post can say:
each value is text or a list of text. Anything else is refused with a 422 that names the field
rather than guessed at: ``true``, ``false``, ``null`` and objects have no single text meaning
("true" or "y"? absent or empty?), and numbers are refused too: 1e309 is Infinity, 10**400 has
no float, and 1.10 arrives as 1.1, so the text a person typed is already lost (the answer pages
have always asked for "5", not 5).
"""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import FieldList, FormField, IntegerField
from wtforms.validators import StopValidation

from audit.refusals import Refused
from audit.routing import MAX_ID

#: Shown next to a field whose text holds a NUL byte (no database column can store one).
UNSTORABLE = _l("The text contains characters that cannot be stored.")  # the answers' own words


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _storable(form: Any, field: Any) -> None:
    """Refuse a value holding a NUL byte before any other check sees it (PostgreSQL never stores
    one, SQLite would keep it and every later comparison would be wrong)."""
    if any(isinstance(raw, str) and "\x00" in raw for raw in field.raw_data or ()):
        field.errors[:] = []
        raise StopValidation(str(UNSTORABLE))


def _as_text(value: Any) -> str | None:
    """A JSON value as the text a form post would carry, or None when it has no single reading."""
    return value if isinstance(value, str) else None


def json_formdata(body: dict[str, Any]) -> ImmutableMultiDict[str, str]:
    """A JSON object as form data; a value no form field could read is refused (422)."""
    pairs: list[tuple[str, str]] = []
    for name, value in body.items():
        values = value if isinstance(value, list) else [value]
        texts = [_as_text(item) for item in values]
        if any(text is None for text in texts):
            raise Refused("json_value", field=str(name)[:100], name=str(name)[:100])
        pairs.extend((name, text) for text in texts if text is not None)
    return ImmutableMultiDict(pairs)


class IdField(IntegerField):
    """An integer that names a row: a number no INTEGER column holds is simply not valid (the
    stock NumberRange would fail on it, comparing it as a float)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, int) and not -MAX_ID <= self.data <= MAX_ID:
            self.data = None
            raise ValueError(_l("Not a valid choice."))


class BaseForm(FlaskForm):
    """Every form of the app; strings arrive without surrounding whitespace or NUL bytes."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if issubclass(unbound_field.field_class, FormField | FieldList):
                return unbound_field.bind(form=form, **options)  # containers take no filters
            filters = list(unbound_field.kwargs.get("filters", ()))
            if _strip not in filters:
                filters.insert(0, _strip)
            validators = list(unbound_field.kwargs.get("validators", ()))
            if _storable not in validators:
                validators.insert(0, _storable)
            return unbound_field.bind(form=form, filters=filters, validators=validators, **options)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Flask-WTF reads a JSON body as form data: one that is not an object is a bad
            request, one whose values no field can read is refused (see the module's docstring)."""
            json_body = formdata is _Auto and _is_submitted() and request.is_json
            if not json_body:
                return super().wrap_formdata(form, formdata)
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                abort(400)
            return json_formdata(body)
