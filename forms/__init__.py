"""WTForms forms, one module per feature."""

from forms.base import BaseForm

__all__ = ["BaseForm"]
