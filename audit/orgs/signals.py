"""What the organisations feature announces, for other features to act on without being
imported here. Sent inside the transaction of the change, after it is flushed."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A unit now belongs to another institution (sender: the unit).
unit_moved = _signals.signal("unit-moved")
#: An institution now belongs to another country (sender: the institution).
institution_moved = _signals.signal("institution-moved")
