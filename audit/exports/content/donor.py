"""The donor summary's content: the figures of one funded institution or country.

The sums and the disclosure decisions come from `audit.scoring.donor`, as on the donor page, so
the workbook publishes exactly what the page publishes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from audit.accounts.models import User
from audit.audits.models import AuditCycle
from audit.exports import xlsx
from audit.exports.content.common import (
    NothingToExport,
    Progress,
    app_version,
    bands,
    labels,
    rtl,
    thresholds,
    version_label,
)
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.labels import short_title
from audit.i18n import pick
from audit.orgs.models import Country, Institution
from audit.scoring import disclosure, donor, engine


@dataclass(frozen=True)
class _DonorScope:
    """One funded institution or country: its members' sums, their total, and whether each
    figure may be published (`parts` are a country's institutions, None for an institution)."""

    rules: donor.DisclosureRules
    members: list[Institution]
    sums: dict[int, donor.ScopeTally]
    tally: donor.ScopeTally
    parts: list[donor.ScopeTally] | None

    def published_mean(self, figure: donor.FigureKey) -> float | None:
        """The scope's mean of a figure, or None when the disclosure rules withhold it."""
        if not self.rules.gate(self.tally, self.parts, figure):
            return None
        return self.tally.mean(figure)


def donor_summary(
    requester: User, cycle: AuditCycle, scope: str, scope_id: int
) -> tuple[xlsx.DonorSummary, str]:
    """The donor summary of one funded institution or country, with the same figures and the
    same disclosure decisions as the donor page (audit.scoring.donor)."""
    rules = donor.DisclosureRules()
    version = cycle.framework_version
    fw = frameworks.framework_of(version)
    members, name = _donor_members(requester, scope, scope_id)
    sums = donor.tallies(cycle, [m.id for m in members], fw)
    tally = donor.ScopeTally()
    for member in members:
        tally.add(sums[member.id])
    parts = [sums[m.id] for m in members] if scope == "country" else None
    found = _DonorScope(rules, members, sums, tally, parts)
    summary = xlsx.DonorSummary(
        title=_("Donor summary: %(name)s", name=name),
        cycle=cycle.name,
        framework_version=version_label(version),
        scoring_rules=engine.SCORING_RULES_VERSION,
        disclosure_note=_disclosure_note(rules),
        generated_at=dt.datetime.now(dt.UTC),
        app_version=app_version(),
        labels=labels(),
        rtl=rtl(),
        domains=_donor_domains(found, fw),
        recommendations=_donor_recommendations(found, fw),
        trend=_donor_trend(found),
        sex_tables=_donor_sex_tables(found, fw),
        groups=[m.name for m in members] if parts is not None else [],
        k=rules.k,
        min_units=rules.min_units,
        band_thresholds=thresholds(fw),
    )
    return summary, name


def _donor_members(requester: User, scope: str, scope_id: int) -> tuple[list[Institution], str]:
    """The funded institutions a scope covers (the institution, or a country's) and its name."""
    institutions, _countries = donor.funded(requester)
    if scope == "institution":
        members = [i for i in institutions if i.id == scope_id]
        name = members[0].name if members else ""
    else:
        members = [i for i in institutions if i.country_id == scope_id]
        country = db.session.get(Country, scope_id)
        name = country.name if country is not None else ""
    if not members:
        raise NothingToExport(_("Nothing in this scope is published."))
    return members, name


def _donor_domains(found: _DonorScope, fw: spec.Framework) -> list[xlsx.DomainMean]:
    """Each domain the scope has scores for: its published mean and band."""
    domains = []
    for domain in fw.domains:
        if domain.code not in found.tally.domains:
            continue
        mean = found.published_mean(("domain", domain.code))
        domains.append(
            xlsx.DomainMean(
                domain.code,
                pick(domain.title),
                mean,
                found.tally.units(("domain", domain.code)),
                engine.band(mean, bands(fw)) if mean is not None else None,
            )
        )
    return domains


def _donor_recommendations(found: _DonorScope, fw: spec.Framework) -> list[xlsx.RecommendationRow]:
    """Every recommendation (R01-R30), as on the donor page (`donor.benchmark`): its published
    mean, band and coverage, the units it covers (so an empty line says why), and for a country
    the published mean of each institution."""
    return [
        xlsx.RecommendationRow(
            line.code,
            line.title,
            line.mean,
            line.band,
            line.coverage,
            line.by_part,
            line.units,
        )
        for line in donor.benchmark(found.tally, found.parts, found.rules, fw)
    ]


def _donor_trend(found: _DonorScope) -> list[xlsx.TrendPoint]:
    """The scope's published mean of every cycle it has scores in, oldest first."""
    cycles = db.session.scalars(
        select(AuditCycle)
        .where(AuditCycle.id.in_(list(found.tally.trend)))
        .order_by(AuditCycle.opens_on)
    )
    return [
        xlsx.TrendPoint(
            c.name, found.published_mean(("cycle", c.id)), found.tally.units(("cycle", c.id))
        )
        for c in cycles
    ]


def _donor_sex_tables(found: _DonorScope, fw: spec.Framework) -> list[xlsx.SexTable]:
    """The scope's sex-disaggregated tables that may be shown, suppressed, in framework order."""
    if not found.rules.gate(found.tally, found.parts, ("overall", None)):
        return []
    sex_tables = []
    order = {ind.code: n for n, ind in enumerate(fw.indicators)}
    for code in sorted(found.tally.sex, key=lambda c: (order.get(c, len(order)), c)):
        if not found.rules.sex_table_published(found.tally, found.parts, code):
            continue
        ind = by_code(fw, code)
        counts = {
            row: dict(zip(disclosure.COLUMNS, cells, strict=True))
            for row, cells in found.tally.sex[code].items()
        }
        sex_tables.append(
            xlsx.SexTable(
                title=short_title(ind) if ind else code,
                table=disclosure.suppress_table(counts, k=found.rules.k, protect=("women",)),
                row_labels={row.code: pick(row.label) or row.code for row in ind.rows}
                if ind
                else {},
            )
        )
    return sex_tables


def _disclosure_note(rules: donor.DisclosureRules) -> str:
    """The disclosure rules in words, for the "Read me" and "Sex-disaggregated" sheets."""
    return _(
        "Aggregates only. A figure needs at least %(units)d units with a validated audit; "
        'counts below %(k)d are shown as "<%(k)d", and further counts are withheld so that '
        "no withheld number can be worked out from the totals.",
        units=rules.min_units,
        k=rules.k,
    )


def by_code(fw: spec.Framework, code: str) -> spec.Indicator | None:
    try:
        return fw.indicator(code)
    except KeyError:
        return None


def write_donor_summary(
    target: Path, requester: User, cycle: AuditCycle, scope: str, scope_id: int, progress: Progress
) -> str:
    progress(0.1)
    summary, name = donor_summary(requester, cycle, scope, scope_id)
    progress(0.6)
    xlsx.write_donor_summary(str(target), summary, tmpdir=str(target.parent))
    return name
