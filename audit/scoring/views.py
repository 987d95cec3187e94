"""Unit scorecards: an audit's scorecard, and how each of its numbers was computed.

Both pages read the audit's newest snapshot (audit.scoring.services.latest), never the live
answers, so they show exactly what the workers computed. Who may see them is the audit's own
rule (audit.audits.services.audit_for through audit.access.scope): commanders their units,
advisers their units, administrators all; a donor has no unit scope, so a unit scorecard is a
404 for them like any unit page (audit_for raises werkzeug's NotFound, which Flask answers with
the 404 page). The explanations live in audit.scoring.how_views; this blueprint routes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, make_response, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit.audits import services as audits
from audit.audits.messages import STATE_LABELS
from audit.audits.models import Audit
from audit.frameworks import spec
from audit.i18n import pick, text_direction
from audit.scoring import charts, engine, formatting, how_views
from audit.scoring import services as scoring
from audit.scoring.formatting import TRIGGER_LABELS
from audit.scoring.unit_parts import (
    Comparison,
    answer_url,
    compare_with_previous,
    find_domain,
    find_indicator,
    how_url,
)

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")
bp.context_processor(formatting.template_helpers)
bp.add_url_rule(
    "/audits/<int:audit_id>/how/<kind>/<code>", view_func=how_views.how, methods=["GET"]
)

#: While a scorecard is being computed the page reloads itself after this many seconds.
REFRESH_SECONDS = 10
#: How many of the largest gaps the scorecard lists.
GAP_COUNT = 10


@dataclass(frozen=True)
class Row:
    """One domain or recommendation line of the scorecard."""

    code: str
    title: str
    aggregate: engine.Aggregate
    change: dict[str, Any] | None
    how: str


@dataclass(frozen=True)
class Gap:
    """An answered question that loses points: weight × (1 - score)."""

    result: engine.IndicatorResult
    text: str
    domain_title: str
    lost: float
    answer_url: str
    how: str


def _domain_rows(
    audit: Audit, fw: spec.Framework, card: engine.Scorecard, cmp: Comparison
) -> list[Row]:
    rows = []
    for domain in fw.domains:
        agg = card.domains.get(domain.code)
        if agg is None:
            continue
        rows.append(
            Row(
                domain.code,
                pick(domain.title),
                agg,
                cmp.entry("domain", domain.code),
                how_url(audit, "domain", domain.code),
            )
        )
    return rows


def _recommendation_rows(
    audit: Audit, fw: spec.Framework, card: engine.Scorecard, cmp: Comparison
) -> tuple[list[Row], list[Row]]:
    unit_rows: list[Row] = []
    institution_rows: list[Row] = []
    for rec in fw.recommendations:
        agg = card.recommendations.get(rec.code)
        if agg is None:
            continue
        row = Row(
            rec.code,
            pick(rec.title),
            agg,
            cmp.entry("recommendation", rec.code),
            how_url(audit, "recommendation", rec.code),
        )
        (institution_rows if agg.institution_only else unit_rows).append(row)
    return unit_rows, institution_rows


def largest_gaps(
    audit: Audit, fw: spec.Framework, card: engine.Scorecard, limit: int = GAP_COUNT
) -> list[Gap]:
    """The answered scored questions that lose the most: weight × (1 - score), largest first.

    Ties keep the framework's order. Questions at full score are no gap.
    """
    order = {ind.code: index for index, ind in enumerate(fw.indicators)}
    found = []
    for result in card.indicators.values():
        if not (result.scored and result.applicable and result.score is not None):
            continue
        lost = result.weight * (1 - result.score)
        if lost <= 1e-9:
            continue
        found.append((lost, result))
    found.sort(key=lambda item: (-item[0], order.get(item[1].code, len(order))))
    gaps = []
    for lost, result in found[:limit]:
        ind = find_indicator(fw, result.code)
        domain = find_domain(fw, result.domain)
        gaps.append(
            Gap(
                result=result,
                text=pick(ind.text) if ind else result.code,
                domain_title=pick(domain.title) if domain else result.domain,
                lost=lost,
                answer_url=answer_url(audit, result),
                how=how_url(audit, "domain", result.domain, f"c-{result.code}"),
            )
        )
    return gaps


@bp.get("/audits/<int:audit_id>")
@login_required
def unit(audit_id: int) -> Response:
    """The unit scorecard of an audit: overall, domains, recommendations, gaps and change."""
    audit = audits.audit_for(current_user, audit_id)
    fw = audits.framework_for(audit)
    snapshot = scoring.latest(audit)
    computing = scoring.is_computing(audit)
    rtl = text_direction() == "rtl"
    locale = str(get_locale())
    context: dict[str, Any] = {
        "audit": audit,
        "framework": fw,
        "snapshot": snapshot,
        "computing": computing,
        "state_labels": STATE_LABELS,
        "trigger_labels": TRIGGER_LABELS,
        "refresh_seconds": REFRESH_SECONDS,
    }
    if snapshot is not None:
        card = engine.Scorecard.from_dict(snapshot.data)
        comparison = compare_with_previous(audit, card)
        domains = _domain_rows(audit, fw, card, comparison)
        unit_recs, institution_recs = _recommendation_rows(audit, fw, card, comparison)
        context.update(
            card=card,
            headline=card.headline(),
            comparison=comparison,
            domains=domains,
            unit_recs=unit_recs,
            institution_recs=institution_recs,
            gaps=largest_gaps(audit, fw, card),
            bars=charts.bar_spec(
                [(row.title, row.aggregate.score, row.aggregate.band) for row in domains],
                title=_("Score by domain, from 0 to 100"),
                rtl=rtl,
                locale=locale,
                chart_id="chart-domain-bars",
            ),
            radar=(
                charts.radar_spec(
                    [(row.title, row.aggregate.score, row.aggregate.band) for row in domains],
                    rtl=rtl,
                    locale=locale,
                    chart_id="chart-domain-radar",
                )
                if len(domains) >= 3
                else None
            ),
            how_overall=how_url(audit, "overall", "overall"),
        )
    response = make_response(render_template("scoring/scorecard.html", **context))
    if computing:
        # The HTTP form of <meta http-equiv="refresh">: reload until the workers are done.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response
