"""What a unit's scorecard and its "how it was computed" pages share: the change against the
unit's previous cycle, framework parts looked up by code, and the links between the pages.

A snapshot may name a domain, recommendation or question the framework no longer has (it was
computed under an older version), so the lookups answer None instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from audit.audits.models import Audit
from audit.frameworks import spec
from audit.scoring import engine
from audit.scoring import services as scoring


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


def compare_with_previous(audit: Audit, card: engine.Scorecard) -> Comparison:
    """The scorecard beside the unit's newest validated one of an earlier cycle, if any."""
    earlier = scoring.previous(audit)
    if earlier is None:
        return Comparison(engine.compare(card, None), None)
    data = engine.compare(card, engine.Scorecard.from_dict(earlier.data))
    return Comparison(data, earlier.audit.cycle.name)


def find_domain(fw: spec.Framework, code: str) -> spec.Domain | None:
    try:
        return fw.domain(code)
    except KeyError:
        return None


def find_recommendation(fw: spec.Framework, code: str) -> spec.Recommendation | None:
    try:
        return fw.recommendation(code)
    except KeyError:
        return None


def find_indicator(fw: spec.Framework, code: str) -> spec.Indicator | None:
    try:
        return fw.indicator(code)
    except KeyError:
        return None


def answer_url(audit: Audit, result: engine.IndicatorResult) -> str:
    """The question's answer in the audit's form."""
    return url_for(
        "audits.domain", audit_id=audit.id, code=result.domain, _anchor=f"q-{result.code}"
    )


def how_url(audit: Audit, kind: str, code: str, anchor: str | None = None) -> str:
    """The page explaining how one number of the scorecard was computed."""
    return url_for("scorecards.how", audit_id=audit.id, kind=kind, code=code, _anchor=anchor)
