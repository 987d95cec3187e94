"""Scoring's answers to what audits announce: a submitted or validated audit gets a scorecard.

Connected when the app is created (audit/__init__.py imports this module); the receivers run in
the transaction of the change, so the scorecard job is recorded in the outbox with it.
"""

from __future__ import annotations

from audit.audits import signals
from audit.audits.models import Audit
from audit.scoring.models import Trigger
from audit.scoring.services import request_scorecard


@signals.audit_submitted.connect
def score_submitted(audit: Audit, **_: object) -> None:
    """A submitted audit is scored (the adviser reviews with its scorecard)."""
    request_scorecard(audit, Trigger.SUBMITTED)


@signals.audit_validated.connect
def score_validated(audit: Audit, **_: object) -> None:
    """A validated audit is scored again: this is the scorecard that counts in roll-ups."""
    request_scorecard(audit, Trigger.VALIDATED)
