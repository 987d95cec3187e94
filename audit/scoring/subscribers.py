"""Scoring's answers to what audits announce: a submitted or validated audit gets a scorecard;
validating or reopening one updates the current-scores read model (audit.scoring.current).

Connected when the app is created (audit/__init__.py imports this module); the receivers run in
the transaction of the change, so the scorecard job is recorded in the outbox with it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from audit.audits import signals
from audit.audits.models import Audit
from audit.extensions import db
from audit.orgs import signals as org_signals
from audit.orgs.models import Institution, Unit
from audit.scoring import current
from audit.scoring.models import Trigger
from audit.scoring.services import request_scorecard


@signals.audit_submitted.connect
def score_submitted(audit: Audit, **_: object) -> None:
    """A submitted audit is scored (the adviser reviews with its scorecard)."""
    request_scorecard(audit, Trigger.SUBMITTED)


@signals.audit_validated.connect
def score_validated(audit: Audit, **_: object) -> None:
    """A validated audit is scored again: this is the scorecard that counts in roll-ups. Until
    the worker has built it, a scorecard validated before (the audit was reopened) counts
    again, as it did before the reopening."""
    request_scorecard(audit, Trigger.VALIDATED)
    current.sync(audit.id)


@signals.audit_reopened.connect
def uncount_reopened(audit: Audit, **_: object) -> None:
    """A reopened audit leaves the roll-ups until it is validated again."""
    current.sync(audit.id)


def _resync(condition: Any) -> None:
    """Bring the read model up to date for the audits that match (their scope changed)."""
    audit_ids = list(db.session.scalars(select(current.CurrentScore.audit_id).where(condition)))
    for audit_id in audit_ids:
        current.sync(audit_id)


@org_signals.unit_moved.connect
def follow_moved_unit(unit: Unit, **_: object) -> None:
    """A unit moved to another institution takes its validated audits' scores with it."""
    _resync(current.CurrentScore.unit_id == unit.id)


@org_signals.institution_moved.connect
def follow_moved_institution(institution: Institution, **_: object) -> None:
    """An institution moved to another country takes its units' scores with it."""
    _resync(current.CurrentScore.institution_id == institution.id)
