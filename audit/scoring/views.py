"""Unit scorecards: an audit's scorecard, and how each of its numbers was computed.

Both pages read the audit's newest snapshot (audit.scoring.services.latest), never the live
answers, so they show exactly what the workers computed. Who may see them is the audit's own
rule (audit.audits.services.audit_for through audit.orgs.scope): commanders their units,
advisers their units, administrators all; a donor has no unit scope, so a unit scorecard is a
404 for them like any unit page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, abort, make_response, render_template, url_for
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from audit.audits import services
from audit.audits.messages import STATE_LABELS
from audit.audits.models import Audit
from audit.frameworks import spec
from audit.frameworks.labels import LEVEL_LABELS, chosen_options
from audit.i18n import pick, text_direction
from audit.scoring import charts, engine
from audit.scoring import services as scoring
from audit.scoring.models import ScorecardSnapshot, Trigger

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")

#: What a "how it was computed" page can explain.
KINDS = ("domain", "recommendation", "overall")
#: While a scorecard is being computed the page reloads itself after this many seconds.
REFRESH_SECONDS = 10
#: How many of the largest gaps the scorecard lists.
GAP_COUNT = 10

TRIGGER_LABELS = {
    Trigger.SUBMITTED: _l("computed when the audit was submitted"),
    Trigger.VALIDATED: _l("computed when the audit was validated"),
}

#: Why a change against the previous cycle is not shown (engine.compare reasons).
BREAK_LABELS = {
    "no_previous": _l("no validated scorecard of this unit in an earlier cycle"),
    "other_framework": _l("the earlier cycle used another framework"),
    "rules_changed": _l("the scoring rules changed since the earlier cycle"),
    "new": _l("not in the earlier cycle's scorecard"),
    "definition_changed": _l("built from other questions or weights than in the earlier cycle"),
}

#: Why a question does not count (IndicatorResult.exclusion).
EXCLUSION_LABELS = {
    engine.NOT_FOR_UNIT: _l("not asked of this unit"),
    engine.SKIPPED: _l("skipped: the follow-up question was not needed"),
    engine.MARKED_NOT_APPLICABLE: _l("marked “does not apply”"),
}


# --- formatting (also given to the templates) ---------------------------------------------------


def fmt_score(value: float | None) -> str:
    """A 0-100 score: one decimal at most; "—" when there is none."""
    return "—" if value is None else format_decimal(value, format="#,##0.#")


def fmt_coverage(value: float | None) -> str:
    """A 0-100 share as a percentage."""
    return "—" if value is None else format_percent(value / 100, format="#,##0.#%")


def fmt_fraction(value: float | None) -> str:
    """A 0-1 score as a percentage (⅓ → 33.3%)."""
    return "—" if value is None else format_percent(value, format="#,##0.#%")


def fmt_number(value: float, decimals: int = 3) -> str:
    """A plain number for the formulas (up to `decimals` decimals)."""
    return format_decimal(value, format="#,##0." + "#" * decimals)


def fmt_change(value: float | None) -> str:
    """A change in points, with its sign ("+4.2", "-3.1", "0"); "—" when there is none."""
    if value is None:
        return "—"
    if abs(value) < 0.05:
        return format_decimal(0, format="#,##0")
    return format_decimal(value, format="+#,##0.#;-#,##0.#")


def band_label(band: str | None) -> str:
    """The band's name ("Meets requirements"); "No score" without a band."""
    return str(LEVEL_LABELS[band]) if band in charts.BANDS else _("No score")


def answer_text(ind: spec.Indicator | None, value: object) -> str:
    """The answer as a person reads it (option labels, levels, formatted numbers and dates)."""
    if value is None:
        return "—"
    if ind is None:
        return str(value)
    kind = ind.type
    if kind in ("yes_no", "no_partly_yes", "rubric") and isinstance(value, str):
        label = str(LEVEL_LABELS.get(value, value))
        detail = pick(ind.levels.get(value))
        return f"{label} ({detail})" if detail and detail != label else label
    if kind in ("count", "amount", "percentage") and isinstance(value, int | float):
        shown = format_decimal(value, format="#,##0.##")
        if kind == "percentage":
            shown = format_percent(value / 100, format="#,##0.##%")
        if ind.target is not None:
            return _("%(value)s (target %(target)s)", value=shown, target=fmt_number(ind.target))
        return shown
    if kind == "date" and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if kind in ("choice", "multi_choice"):
        return chosen_options(ind, value)
    return str(value)


@bp.context_processor
def _formatting() -> dict[str, object]:
    return {
        "fmt_score": fmt_score,
        "fmt_coverage": fmt_coverage,
        "fmt_fraction": fmt_fraction,
        "fmt_change": fmt_change,
        "fmt_weight": lambda weight: fmt_number(weight, 2),
        "band_label": band_label,
        "band_class": charts.band_class,
        "break_label": lambda reason: BREAK_LABELS.get(reason, reason or ""),
    }


# --- loading ----------------------------------------------------------------------------------


def _guard(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in; an audit outside the user's scope is a 404."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFound:
            abort(404)

    return wrapped


@dataclass(frozen=True)
class Comparison:
    """The change against the unit's previous cycle (engine.compare), with that cycle's name."""

    data: dict[str, Any]
    previous_cycle: str | None

    @property
    def available(self) -> bool:
        return self.previous_cycle is not None

    def entry(self, kind: str, code: str) -> dict[str, Any] | None:
        if kind == "overall":
            return self.data["overall"]
        group = "domains" if kind == "domain" else "recommendations"
        return self.data[group].get(code)


def _comparison(audit: Audit, card: engine.Scorecard) -> Comparison:
    earlier = scoring.previous(audit)
    if earlier is None:
        return Comparison(engine.compare(card, None), None)
    data = engine.compare(card, engine.Scorecard.from_dict(earlier.data))
    return Comparison(data, earlier.audit.cycle.name)


def _domain(fw: spec.Framework, code: str) -> spec.Domain | None:
    try:
        return fw.domain(code)
    except KeyError:
        return None


def _recommendation(fw: spec.Framework, code: str) -> spec.Recommendation | None:
    try:
        return fw.recommendation(code)
    except KeyError:
        return None


def _indicator(fw: spec.Framework, code: str) -> spec.Indicator | None:
    try:
        return fw.indicator(code)
    except KeyError:
        return None


def _answer_url(audit: Audit, result: engine.IndicatorResult) -> str:
    return url_for(
        "audits.domain", audit_id=audit.id, code=result.domain, _anchor=f"q-{result.code}"
    )


def _how_url(audit: Audit, kind: str, code: str, anchor: str | None = None) -> str:
    return url_for("scorecards.how", audit_id=audit.id, kind=kind, code=code, _anchor=anchor)


# --- the scorecard ------------------------------------------------------------------------------


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
                _how_url(audit, "domain", domain.code),
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
            _how_url(audit, "recommendation", rec.code),
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
        ind = _indicator(fw, result.code)
        domain = _domain(fw, result.domain)
        gaps.append(
            Gap(
                result=result,
                text=pick(ind.text) if ind else result.code,
                domain_title=pick(domain.title) if domain else result.domain,
                lost=lost,
                answer_url=_answer_url(audit, result),
                how=_how_url(audit, "domain", result.domain, f"c-{result.code}"),
            )
        )
    return gaps


@bp.get("/audits/<int:audit_id>")
@_guard
def unit(audit_id: int) -> Response:
    """The unit scorecard of an audit: overall, domains, recommendations, gaps and change."""
    audit = services.audit_for(current_user, audit_id)
    fw = services.framework_for(audit)
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
        comparison = _comparison(audit, card)
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
            how_overall=_how_url(audit, "overall", "overall"),
        )
    response = make_response(render_template("scoring/scorecard.html", **context))
    if computing:
        # The HTTP form of <meta http-equiv="refresh">: reload until the workers are done.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


# --- how a number was computed ------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One contribution to a result, ready to show."""

    code: str
    text: str
    answer: str
    score: float  # 0-1
    weight: float
    link: str | None  # primary / supporting (recommendations)
    capped: bool
    overridden: bool
    raw_score: float | None
    url: str | None  # the answer in the form, or the domain's own explanation


@dataclass(frozen=True)
class Left:
    """A question that does not enter the score: unanswered (lowers coverage) or left out."""

    code: str
    text: str
    reason: str
    url: str | None


def _members(fw: spec.Framework, kind: str, code: str) -> list[spec.Indicator]:
    """The scored questions a domain or recommendation may contain, in framework order."""
    if kind == "domain":
        domain = _domain(fw, code)
        return [i for i in domain.indicators if i.is_scored] if domain else []
    return [
        i
        for i in fw.indicators
        if i.is_scored and (code in i.links_primary or code in i.links_supporting)
    ]


def _lines(
    audit: Audit, fw: spec.Framework, card: engine.Scorecard, kind: str, code: str, agg
) -> list[Line]:
    lines = []
    for c in agg.contributions:
        if kind == "overall":
            domain = _domain(fw, c.code)
            lines.append(
                Line(
                    code=c.code,
                    text=pick(domain.title) if domain else c.code,
                    answer=fmt_score(c.score * 100),
                    score=c.score,
                    weight=c.weight,
                    link=None,
                    capped=False,
                    overridden=False,
                    raw_score=None,
                    url=_how_url(audit, "domain", c.code),
                )
            )
            continue
        ind = _indicator(fw, c.code)
        result = card.indicators.get(c.code)
        link = None
        if kind == "recommendation" and ind is not None:
            link = "primary" if code in ind.links_primary else "supporting"
        lines.append(
            Line(
                code=c.code,
                text=pick(ind.text) if ind else c.code,
                answer=answer_text(ind, c.value),
                score=c.score,
                weight=c.weight,
                link=link,
                capped=c.capped,
                overridden=c.overridden,
                raw_score=result.raw_score if result else None,
                url=_answer_url(audit, result) if result else None,
            )
        )
    return lines


def _left_out(
    audit: Audit, fw: spec.Framework, card: engine.Scorecard, kind: str, code: str
) -> tuple[list[Left], list[Left]]:
    """(unanswered questions that count, questions that do not count) of a domain or
    recommendation."""
    unanswered: list[Left] = []
    excluded: list[Left] = []
    for ind in _members(fw, kind, code):
        result = card.indicators.get(ind.code)
        if result is None:
            continue
        url = _answer_url(audit, result) if result.exclusion != engine.NOT_FOR_UNIT else None
        if not result.applicable:
            reason = str(EXCLUSION_LABELS.get(result.exclusion or "", result.exclusion or ""))
            excluded.append(Left(ind.code, pick(ind.text), reason, url))
        elif result.score is None:
            unanswered.append(Left(ind.code, pick(ind.text), _("not answered"), url))
    return unanswered, excluded


def _join(parts: Iterable[str]) -> str:
    return " + ".join(parts) or "0"


def formula(agg: engine.Aggregate) -> dict[str, str] | None:
    """The computation written out: Σ w·s, Σ w and the result (None without contributions)."""
    if not agg.contributions:
        return None
    numerator = sum(c.weight * c.score for c in agg.contributions)
    denominator = sum(c.weight for c in agg.contributions)
    products = _join(
        f"{fmt_number(c.weight, 2)} × {fmt_number(c.score)}" for c in agg.contributions
    )
    weights = _join(fmt_number(c.weight, 2) for c in agg.contributions)
    return {
        "products": f"Σ w·s = {products} = {fmt_number(numerator)}",
        "weights": f"Σ w = {weights} = {fmt_number(denominator, 2)}",
        "result": (
            f"Σ w·s ÷ Σ w × 100 = {fmt_number(numerator)} ÷ {fmt_number(denominator, 2)} × 100"
            f" = {fmt_score(agg.score)}"
        ),
    }


def coverage_formula(agg: engine.Aggregate) -> str | None:
    """Coverage written out: answered ÷ counting × 100 = coverage (None when nothing counts)."""
    if agg.coverage is None:
        return None
    return f"{agg.answered} ÷ {agg.applicable} × 100 = {fmt_coverage(agg.coverage)}"


@bp.get("/audits/<int:audit_id>/how/<kind>/<code>")
@_guard
def how(audit_id: int, kind: str, code: str) -> str:
    """How one number of the scorecard was computed: contributions, formula, coverage."""
    audit = services.audit_for(current_user, audit_id)
    if kind not in KINDS:
        abort(404)
    snapshot: ScorecardSnapshot | None = scoring.latest(audit)
    if snapshot is None:
        abort(404)
    card = engine.Scorecard.from_dict(snapshot.data)
    fw = services.framework_for(audit)
    description = ""
    if kind == "overall":
        if code != "overall":
            abort(404)
        agg = card.overall
        title = _("Overall score")
    elif kind == "domain":
        agg = card.domains.get(code)
        domain = _domain(fw, code)
        if agg is None or domain is None:
            abort(404)
        title = pick(domain.title)
        description = pick(domain.description)
    else:
        agg = card.recommendations.get(code)
        rec = _recommendation(fw, code)
        if agg is None or rec is None:
            abort(404)
        title = pick(rec.title)
    unanswered, excluded = ([], []) if kind == "overall" else _left_out(audit, fw, card, kind, code)
    meeting = None
    if kind == "overall":
        rated = [
            r for r in card.indicators.values() if r.scored and r.applicable and r.score is not None
        ]
        threshold = float(engine.MEETS_OR_EXCEEDS) - 1e-9
        meeting = {
            "count": sum(1 for r in rated if (r.score or 0) >= threshold),
            "of": len(rated),
            "share": card.meets_or_exceeds_pct,
        }
    return render_template(
        "scoring/how.html",
        audit=audit,
        framework=fw,
        snapshot=snapshot,
        kind=kind,
        code=code,
        title=title,
        description=description,
        aggregate=agg,
        lines=_lines(audit, fw, card, kind, code, agg),
        formula=formula(agg),
        coverage_formula=coverage_formula(agg),
        unanswered=unanswered,
        excluded=excluded,
        empty_domains=(
            [
                (d.code, pick(d.title), _how_url(audit, "domain", d.code))
                for d in fw.domains
                if card.domains.get(d.code) and card.domains[d.code].score is None
            ]
            if kind == "overall"
            else []
        ),
        meeting=meeting,
        comparison=_comparison(audit, card),
        trigger_labels=TRIGGER_LABELS,
        primary_factor=engine.PRIMARY_FACTOR,
    )
