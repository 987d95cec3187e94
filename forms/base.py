"""The base form: CSRF from Flask-WTF and whitespace stripped from every text input."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from wtforms import FieldList, FormField


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form of the app; strings arrive without surrounding whitespace."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if issubclass(unbound_field.field_class, FormField | FieldList):
                return unbound_field.bind(form=form, **options)  # containers take no filters
            filters = list(unbound_field.kwargs.get("filters", ()))
            if _strip not in filters:
                filters.insert(0, _strip)
            return unbound_field.bind(form=form, filters=filters, **options)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Flask-WTF reads a JSON body as form data; one that is not an object is a bad request
            rather than a crash."""
            json_body = formdata is _Auto and _is_submitted() and request.is_json
            if json_body and not isinstance(request.get_json(silent=True), dict):
                abort(400)
            return super().wrap_formdata(form, formdata)
