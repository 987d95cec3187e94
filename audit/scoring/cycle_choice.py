"""Which audit cycle a results page shows when the reader has not picked one.

Results exist only where audits have been validated, so a page opens on the most recent cycle
that has validated audits in the reader's scope: opening next year's cycle (empty, perhaps not
even started) does not turn the advisers' and donors' pages blank. Without any validated audit
the page opens on the cycle running today by its dates (the latest-opening one if several run),
else on the latest cycle that has already opened, else on the one that opens soonest. The other
cycles stay in the picker.

"Most recent" means the latest opening date, and for the same date the cycle created last. Plain
data in, an id out: no Flask and no database here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CycleFacts:
    """What the choice needs to know of a cycle."""

    id: int
    opens_on: dt.date
    closes_on: dt.date
    validated: int  # validated audits in the reader's scope


def _recency(cycle: CycleFacts) -> tuple[dt.date, int]:
    return cycle.opens_on, cycle.id


def default_cycle(cycles: Sequence[CycleFacts], today: dt.date) -> int | None:
    """The id of the cycle to show first (None when there is no cycle at all)."""
    with_results = [c for c in cycles if c.validated > 0]
    if with_results:
        return max(with_results, key=_recency).id
    running = [c for c in cycles if c.opens_on <= today <= c.closes_on]
    if running:
        return max(running, key=_recency).id
    opened = [c for c in cycles if c.opens_on <= today]
    if opened:
        return max(opened, key=_recency).id
    if cycles:
        return min(cycles, key=_recency).id
    return None
