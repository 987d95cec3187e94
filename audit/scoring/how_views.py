"""How one number of a unit's scorecard was computed: its contributions, the formula written out
with the numbers, its coverage, and the questions left out (unanswered, or not counting).

Like the scorecard it reads the audit's newest snapshot, and the audit's own scope rule decides
who may see it (audits.audit_for raises NotFound, which Flask answers with the 404 page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import abort, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from audit.audits import services as audits
from audit.audits.models import Audit
from audit.frameworks import spec
from audit.i18n import pick
from audit.scoring import engine
from audit.scoring import services as scoring
from audit.scoring.formatting import (
    TRIGGER_LABELS,
    answer_text,
    fmt_coverage,
    fmt_number,
    fmt_score,
)
from audit.scoring.models import ScorecardSnapshot
from audit.scoring.unit_parts import (
    answer_url,
    compare_with_previous,
    find_domain,
    find_indicator,
    find_recommendation,
    how_url,
)

#: What a "how it was computed" page can explain.
KINDS = ("domain", "recommendation", "overall")

#: Why a question does not count (IndicatorResult.exclusion).
EXCLUSION_LABELS = {
    engine.NOT_FOR_UNIT: _l("not asked of this unit"),
    engine.SKIPPED: _l("skipped: the follow-up question was not needed"),
    engine.MARKED_NOT_APPLICABLE: _l("marked “does not apply”"),
}


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
        domain = find_domain(fw, code)
        return [i for i in domain.indicators if i.is_scored] if domain else []
    return [
        i
        for i in fw.indicators
        if i.is_scored and (code in i.links_primary or code in i.links_supporting)
    ]


def _lines(
    audit: Audit,
    fw: spec.Framework,
    card: engine.Scorecard,
    kind: str,
    code: str,
    agg: engine.Aggregate,
) -> list[Line]:
    """The result's contributions: its questions' answers, or the overall result's domains."""
    lines = []
    for c in agg.contributions:
        if kind == "overall":
            domain = find_domain(fw, c.code)
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
                    url=how_url(audit, "domain", c.code),
                )
            )
            continue
        ind = find_indicator(fw, c.code)
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
                url=answer_url(audit, result) if result else None,
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
        url = answer_url(audit, result) if result.exclusion != engine.NOT_FOR_UNIT else None
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


@login_required
def how(audit_id: int, kind: str, code: str) -> str:
    """How one number of the scorecard was computed: contributions, formula, coverage.

    Routed by audit.scoring.views as ``scorecards.how``.
    """
    audit = audits.audit_for(current_user, audit_id)
    if kind not in KINDS:
        abort(404)
    snapshot: ScorecardSnapshot | None = scoring.latest(audit)
    if snapshot is None:
        abort(404)
    card = engine.Scorecard.from_dict(snapshot.data)
    fw = audits.framework_for(audit)
    agg, title, description = _explained(fw, card, kind, code)
    overall = kind == "overall"
    unanswered, excluded = ([], []) if overall else _left_out(audit, fw, card, kind, code)
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
        empty_domains=_empty_domains(audit, fw, card) if overall else [],
        meeting=_meeting(card) if overall else None,
        comparison=compare_with_previous(audit, card),
        trigger_labels=TRIGGER_LABELS,
        primary_factor=engine.PRIMARY_FACTOR,
    )


def _explained(
    fw: spec.Framework, card: engine.Scorecard, kind: str, code: str
) -> tuple[engine.Aggregate, str, str]:
    """The result asked for, its title and description; 404 when the scorecard has none."""
    if kind == "overall":
        if code != "overall":
            abort(404)
        return card.overall, _("Overall score"), ""
    if kind == "domain":
        agg = card.domains.get(code)
        domain = find_domain(fw, code)
        if agg is None or domain is None:
            abort(404)
        return agg, pick(domain.title), pick(domain.description)
    agg = card.recommendations.get(code)
    rec = find_recommendation(fw, code)
    if agg is None or rec is None:
        abort(404)
    return agg, pick(rec.title), ""


def _meeting(card: engine.Scorecard) -> dict[str, object]:
    """How many answered scored questions meet or exceed, of how many (rule 11)."""
    rated = [
        r for r in card.indicators.values() if r.scored and r.applicable and r.score is not None
    ]
    threshold = float(engine.MEETS_OR_EXCEEDS) - 1e-9
    return {
        "count": sum(1 for r in rated if (r.score or 0) >= threshold),
        "of": len(rated),
        "share": card.meets_or_exceeds_pct,
    }


def _empty_domains(
    audit: Audit, fw: spec.Framework, card: engine.Scorecard
) -> list[tuple[str, str, str]]:
    """The domains without a score, which the overall mean leaves out (rule 8)."""
    return [
        (d.code, pick(d.title), how_url(audit, "domain", d.code))
        for d in fw.domains
        if card.domains.get(d.code) and card.domains[d.code].score is None
    ]
