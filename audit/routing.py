"""URL converters shared by every blueprint."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

#: The largest id an INTEGER column holds (PostgreSQL would fail on a bigger one).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in our routes: an id beyond the column's range is simply not found (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install the converters (before any blueprint is registered)."""
    app.url_map.converters["int"] = IdConverter
