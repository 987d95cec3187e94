"""How audit states and cycle statuses are told to people (refusals: audit.refusals.catalog)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from audit.audits.models import AuditState, CycleStatus

STATE_LABELS = {
    AuditState.NOT_STARTED: _l("Not started"),
    AuditState.IN_PROGRESS: _l("In progress"),
    AuditState.SUBMITTED: _l("Submitted"),
    AuditState.RETURNED: _l("Returned to the unit"),
    AuditState.VALIDATED: _l("Validated"),
}

CYCLE_STATUS_LABELS = {
    CycleStatus.OPEN: _l("Open"),
    CycleStatus.CLOSED: _l("Closed"),
}
