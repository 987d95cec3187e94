"""How roles are named to people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from audit.accounts.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COMMANDER: _l("Unit commander"),
    Role.ADVISER: _l("Gender adviser"),
    Role.DONOR: _l("Donor"),
}
