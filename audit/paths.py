"""Where the project's own folders are, for every module that needs a path (no app needed)."""

from __future__ import annotations

from pathlib import Path

#: The repository (or installed source tree) root: templates/, babel.cfg and audit/ live here.
ROOT = Path(__file__).resolve().parent.parent
#: The message catalogs.
TRANSLATIONS = ROOT / "audit" / "translations"
#: The framework files shipped with the app.
SHIPPED_FRAMEWORKS = ROOT / "audit" / "frameworks" / "data"
