"""What the audits feature announces, for other features to act on without being imported here.

Each signal is sent with the audit as sender, inside the transaction of the change, after the
audit's state has changed; receivers add their own work to that same transaction (scoring
records a scorecard job in the outbox), so the change and its consequences commit together.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: The commander signed off and submitted the audit.
audit_submitted = _signals.signal("audit-submitted")
#: The gender adviser validated the audit: it is locked.
audit_validated = _signals.signal("audit-validated")
#: An administrator reopened a validated audit (it is returned to the unit).
audit_reopened = _signals.signal("audit-reopened")
