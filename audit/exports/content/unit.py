"""The unit scorecard's content: the newest scorecard of an audit beside the previous cycle's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from audit.audits.models import Audit
from audit.exports import xlsx
from audit.exports.content.common import (
    NothingToExport,
    Progress,
    app_version,
    labels,
    rtl,
    thresholds,
    typed_value,
    version_label,
)
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.models import FrameworkVersion
from audit.i18n import pick
from audit.scoring import engine
from audit.scoring import services as scoring


def _score_row(
    code: str,
    label: str,
    agg: engine.Aggregate,
    before: engine.Aggregate | None,
) -> xlsx.ScoreRow:
    change = None
    if before is not None and agg.score is not None and before.score is not None:
        change = agg.score - before.score
    return xlsx.ScoreRow(code, label, agg.score, agg.band, agg.coverage, change)


def unit_scorecard(audit: Audit) -> xlsx.UnitScorecardBook:
    """A unit's newest scorecard (validated or submitted), with the change since last cycle."""
    snapshot = scoring.latest(audit)
    if snapshot is None:
        raise NothingToExport(_("This audit has no scorecard yet."))
    version = db.session.get(FrameworkVersion, snapshot.framework_version_id)
    if version is None:  # pragma: no cover - versions are never deleted
        raise NothingToExport(_("This audit has no scorecard yet."))
    fw = frameworks.framework_of(version)
    card = engine.Scorecard.from_dict(snapshot.data)
    earlier = scoring.previous(audit)
    before = engine.Scorecard.from_dict(earlier.data) if earlier is not None else None
    unit = audit.unit
    return xlsx.UnitScorecardBook(
        title=_("Scorecard of %(unit)s", unit=unit.name),
        unit=unit.name,
        institution=unit.institution.name,
        country=unit.institution.country.name,
        cycle=audit.cycle.name,
        framework_version=version_label(version),
        scoring_rules=snapshot.rules_version,
        generated_at=dt.datetime.now(dt.UTC),
        app_version=app_version(),
        labels=labels(),
        rtl=rtl(),
        overall=_score_row(
            "", _("Overall"), card.overall, before.overall if before is not None else None
        ),
        domains=_score_rows(fw.domains, card.domains, before.domains if before else {}),
        recommendations=_score_rows(
            fw.recommendations, card.recommendations, before.recommendations if before else {}
        ),
        indicators=_indicator_rows(fw, card),
        previous_cycle=earlier.audit.cycle.name if earlier is not None else None,
        band_thresholds=thresholds(fw),
    )


def _score_rows(
    items: Sequence[Any],
    now: dict[str, engine.Aggregate],
    before: dict[str, engine.Aggregate],
) -> list[xlsx.ScoreRow]:
    """The domain (or recommendation) rows of a scorecard, titled from the framework's
    `items`, each with its change against the previous cycle's aggregate of the same code."""
    titles = {item.code: pick(item.title) for item in items}
    return [
        _score_row(code, titles.get(code, code), agg, before.get(code)) for code, agg in now.items()
    ]


def _indicator_rows(fw: spec.Framework, card: engine.Scorecard) -> list[xlsx.IndicatorRow]:
    """The questions the unit was asked, in framework order, with their typed answers."""
    rows = []
    for ind in fw.indicators:
        result = card.indicators.get(ind.code)
        if result is None or result.exclusion in (engine.NOT_FOR_UNIT, engine.SKIPPED):
            continue
        rows.append(
            xlsx.IndicatorRow(
                code=ind.code,
                label=pick(ind.text),
                domain=ind.domain_code,
                answer_type=ind.type,
                value=typed_value(ind, result.value),
                score=result.score,
                weight=ind.weight,
                capped=result.capped,
                overridden=result.overridden,
                not_applicable=result.exclusion is not None,
            )
        )
    return rows


def write_unit_scorecard(target: Path, audit: Audit, progress: Progress) -> None:
    progress(0.1)
    book = unit_scorecard(audit)
    progress(0.6)
    xlsx.write_unit_scorecard(str(target), book, tmpdir=str(target.parent))
