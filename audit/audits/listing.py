"""The audits list and the review queue, a page at a time, filtered and sorted in SQL.

A national portfolio has tens of thousands of audits: nothing here loads them all. The list
reads one page of the audits the user may see (`visible_unit_ids`), with its unit and cycle
joined in, and counts the rest in the database; the filters (institution, cycle, state) and
the sort are WHERE and ORDER BY clauses. The review queue is the same list limited to submitted
audits in the units the user reviews (their adviser scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import contains_eager

from audit.access.scope import reviewable_where, visible, visible_where
from audit.accounts.models import User
from audit.audits.models import Audit, AuditCycle, AuditState
from audit.extensions import db
from audit.orgs.models import Institution, Unit
from audit.orgs.names import localized_name_sql

#: Audits a page.
PER_PAGE = 50

#: The default order: what needs someone first, then by deadline and unit.
_STATE_ORDER = {
    AuditState.SUBMITTED: 0,
    AuditState.RETURNED: 1,
    AuditState.IN_PROGRESS: 2,
    AuditState.NOT_STARTED: 3,
    AuditState.VALIDATED: 4,
}

SORTS = ("state", "unit", "deadline", "submitted")


@dataclass(frozen=True)
class Filters:
    """What the list shows; None: any."""

    institution_id: int | None = None
    cycle_id: int | None = None
    state: AuditState | None = None
    sort: str = "state"
    review_only: bool = False


def audits(user: User, filters: Filters) -> Select[tuple[Audit]]:
    """The audits the user may see that pass the filters, ordered (for `paging.paginate`)."""
    in_scope = reviewable_where(user, Unit) if filters.review_only else visible_where(user, Unit)
    stmt = (
        select(Audit)
        .join(Audit.unit)
        .join(Audit.cycle)
        .options(contains_eager(Audit.unit), contains_eager(Audit.cycle))
        .where(in_scope)
    )
    if filters.institution_id is not None:
        stmt = stmt.where(Unit.institution_id == filters.institution_id)
    if filters.cycle_id is not None:
        stmt = stmt.where(Audit.cycle_id == filters.cycle_id)
    if filters.review_only:
        stmt = stmt.where(Audit.state == AuditState.SUBMITTED)
    elif filters.state is not None:
        stmt = stmt.where(Audit.state == filters.state)
    name = localized_name_sql(Unit)
    state_order = case(
        *((Audit.state == state, rank) for state, rank in _STATE_ORDER.items()), else_=9
    )
    orders: dict[str, tuple[Any, ...]] = {
        "state": (state_order, AuditCycle.closes_on, name, Audit.id),
        "unit": (name, AuditCycle.opens_on.desc(), Audit.id),
        "deadline": (AuditCycle.closes_on, state_order, name, Audit.id),
        "submitted": (Audit.submitted_at.desc().nulls_last(), name, Audit.id),
    }
    return stmt.order_by(*orders.get(filters.sort, orders["state"]))


def institutions(user: User) -> list[tuple[int, str]]:
    """(id, name) of the institutions the user sees units of, for the filter (each found by
    its first unit in scope, not by reading them all)."""
    has_unit = (
        select(Unit.id)
        .where(Unit.institution_id == Institution.id, visible_where(user, Unit))
        .exists()
    )
    rows = db.session.execute(
        select(Institution.id, localized_name_sql(Institution))
        .where(has_unit)
        .order_by(localized_name_sql(Institution), Institution.id)
    )
    return [(int(i), str(n)) for i, n in rows]


def cycles(user: User) -> list[tuple[int, str]]:
    """(id, name) of the cycles with an audit the user sees, newest first, for the filter."""
    has_audit = (
        select(Audit.id)
        .where(Audit.cycle_id == AuditCycle.id, visible(user, Audit.unit_id))
        .exists()
    )
    rows = db.session.execute(
        select(AuditCycle.id, AuditCycle.name)
        .where(has_audit)
        .order_by(AuditCycle.opens_on.desc(), AuditCycle.id)
    )
    return [(int(i), str(n)) for i, n in rows]
