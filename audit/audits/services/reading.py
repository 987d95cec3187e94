"""Reading audits: who may act on them, and an audit's answers as plain data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from audit.access.roles import Role
from audit.access.scope import Can, abilities, visible_unit_ids
from audit.accounts.models import User
from audit.audits import values
from audit.audits.models import Answer, Audit, AuditCycle, AuditState, Evidence, EvidenceLink
from audit.audits.workflow import Actor
from audit.extensions import db
from audit.frameworks import evaluation, spec
from audit.frameworks import services as frameworks
from audit.frameworks.models import FrameworkIndicator, FrameworkVersion
from audit.orgs.models import Unit


def actors_for(user: User, unit: Unit) -> set[Actor]:
    """The capacities in which the user may act on this unit's audits."""
    can = abilities(user, unit)
    found = set()
    if Can.FILL in can:
        found.add(Actor.COMMANDER)
    if Can.REVIEW in can:
        found.add(Actor.ADVISER)
    if user.has_role(Role.ADMIN):
        found.add(Actor.ADMIN)
    return found


def audit_for(user: User, audit_id: int) -> Audit:
    """The audit if the user may see its unit, else NotFound (never confirms it exists)."""
    audit = db.session.get(Audit, audit_id)
    if audit is None or Can.VIEW not in abilities(user, audit.unit):
        raise NotFound
    return audit


def visible_audits(user: User, states: Sequence[AuditState] | None = None) -> list[Audit]:
    """Audits of the units the user may see, newest cycle first."""
    query = (
        select(Audit)
        .where(Audit.unit_id.in_(visible_unit_ids(user)))
        .join(Audit.cycle)
        .options(selectinload(Audit.unit), selectinload(Audit.cycle))
        .order_by(AuditCycle.opens_on.desc(), Audit.id)
    )
    if states:
        query = query.where(Audit.state.in_(states))
    return list(db.session.scalars(query))


def framework_for(audit: Audit) -> spec.Framework:
    """The framework version the audit's cycle is pinned to."""
    return frameworks.framework_of(audit.cycle.framework_version)


@dataclass
class AuditData:
    """An audit's answers as plain data; the status of every indicator is worked out the first
    time it is asked for (once per request: a save hands over the statuses it computed)."""

    framework: spec.Framework
    service: str
    unit_type: str
    answers: dict[str, Answer]
    values: dict[str, object]
    not_applicable: dict[str, str]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    @cached_property
    def statuses(self) -> dict[str, evaluation.Status]:
        """Applicability, skip state, computed value and broken rules of every indicator."""
        return evaluation.evaluate(
            self.framework,
            self.values,
            service=self.service,
            unit_type=self.unit_type,
            not_applicable=self.not_applicable,
        )

    def applies(self, code: str) -> bool:
        """Whether the question is asked of this unit at all (its service and type)."""
        try:
            return self.framework.indicator(code).applies(self.service, self.unit_type)
        except KeyError:
            return False

    def progress(self, domain: spec.Domain) -> tuple[int, int]:
        """(answered, counted) among the domain's questions, as the scorecard's coverage counts
        them (`evaluation.tally`): scored questions asked of the unit, not skipped, not marked
        "does not apply"; a percentage is answered once it can be computed."""
        effective = evaluation.effective_answers(self.framework, self.values, self.statuses)
        counted = evaluation.tally(
            domain.indicators, self.statuses, answered=effective, not_applicable=self.not_applicable
        )
        return counted.answered, counted.counted

    def with_values(
        self, stored: Mapping[str, object], statuses: dict[str, evaluation.Status]
    ) -> AuditData:
        """The same audit after a save: new stored values and the statuses computed for them."""
        data = AuditData(
            self.framework,
            self.service,
            self.unit_type,
            self.answers,
            dict(stored),
            self.not_applicable,
            self.evidence,
        )
        data.__dict__["statuses"] = statuses
        return data


def indicator_rows(version: FrameworkVersion) -> dict[str, FrameworkIndicator]:
    """The indicator rows of a framework version by code."""
    return {row.code: row for row in version.indicators}


def load_data(audit: Audit) -> AuditData:
    """Everything the form and the checks need about one audit, in a few queries (evidence is
    listed under every question it supports)."""
    rows = db.session.execute(
        select(Answer, FrameworkIndicator.code)
        .join(FrameworkIndicator, Answer.indicator_id == FrameworkIndicator.id)
        .where(Answer.audit_id == audit.id)
    ).all()
    answers = {code: answer for answer, code in rows}
    evidence: dict[str, list[Evidence]] = {}
    for item, code in db.session.execute(
        select(Evidence, FrameworkIndicator.code)
        .join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id)
        .join(FrameworkIndicator, EvidenceLink.indicator_id == FrameworkIndicator.id)
        .where(Evidence.audit_id == audit.id)
        .options(selectinload(Evidence.links).selectinload(EvidenceLink.indicator))
        .order_by(Evidence.id)
    ):
        evidence.setdefault(code, []).append(item)
    return AuditData(
        framework=framework_for(audit),
        service=audit.unit.service,
        unit_type=audit.unit.unit_type.value,
        answers=answers,
        values={c: a.value for c, a in answers.items() if a.value is not None},
        not_applicable={c: a.na_reason or "" for c, a in answers.items() if a.not_applicable},
        evidence=evidence,
    )


def blocking(audit: Audit, data: AuditData | None = None) -> list[tuple[str, values.Problem]]:
    """What still keeps the audit from being submitted."""
    data = data or load_data(audit)
    return values.blocking(
        data.framework,
        data.statuses,
        data.values,
        not_applicable=data.not_applicable,
        evidence=set(data.evidence),
    )
