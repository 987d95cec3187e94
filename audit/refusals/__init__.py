"""Refusals: the one way a service says "no, and nothing was changed".

A service raises :class:`Refused` with a key from :mod:`audit.refusals.catalog`, optionally the
form field it belongs to, and the parameters its message needs. The web layer turns it into a
field error, a flash, or a JSON answer in one place (:mod:`audit.refusals.web`); something that
does not exist for the person asking is werkzeug's ``NotFound`` (a 404), not a refusal.
"""

from __future__ import annotations

from audit.refusals.catalog import GENERIC, MESSAGES


class Refused(Exception):
    """A refused request; `key` names the message, `field` the form field it belongs next to."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params

    @property
    def message(self) -> str:
        """The refusal in the reader's language."""
        return message(self.key, **self.params)


class _Params(dict[str, object]):
    """Formatting parameters; a placeholder without a value shows as nothing, not an error."""

    def __missing__(self, key: str) -> str:
        return ""


def message(key: str, **params: object) -> str:
    """The translated text for a key, with its %(name)s parameters filled in."""
    text = MESSAGES.get(key)
    if text is None:
        return str(GENERIC)
    try:
        return str(text) % _Params(params)
    except (TypeError, ValueError):  # a translation with a broken placeholder
        return str(text)


__all__ = ["Refused", "message"]
