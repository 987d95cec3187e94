"""The portfolio's figures are the same whether read from the kept sums (whole institutions)
or summed by queries over the scope (single units and subtrees)."""

from __future__ import annotations

import pytest

from audit.access.scope import visible_unit_ids, whole_institutions
from audit.audits.models import AuditCycle
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks.models import FrameworkVersion
from audit.scoring import portfolio_rollup
from audit.transactions import unit_of_work
from tests.conftest import UserFactory
from tests.scoring.test_portfolio import build


@pytest.fixture
def validated_four(small_world, make_user: UserFactory):
    """Stations A, B, C (police) and D (coast guard) validated in cycle 2027."""
    portfolio = build(small_world, make_user, other_institution=True)
    for key in "abc":
        portfolio.validate(key)
    portfolio.validate("d", adviser="coast_adviser")
    return portfolio


def both_ways(world, who: str, cycle_id: int) -> tuple[object, object]:
    with world.app.app_context(), unit_of_work():
        user = world.user(who)
        assert whole_institutions(user) is not None
        cycle = db.session.get(AuditCycle, cycle_id)
        fw = frameworks.framework_of(db.session.get(FrameworkVersion, cycle.framework_version_id))
        scope = visible_unit_ids(user)
        return (
            portfolio_rollup.rollup(user, scope, cycle, fw),
            portfolio_rollup._from_queries(scope, cycle, fw),
        )


@pytest.mark.parametrize("who", ["admin", "coast_adviser"])
def test_sums_and_queries_give_the_same_figures(validated_four, who):
    kept, queried = both_ways(validated_four.world, who, validated_four.cycle_id)
    assert kept.units == queried.units == (4 if who == "admin" else 1)
    assert kept.scored == queried.scored
    assert kept.mean == pytest.approx(queried.mean)
    assert kept.bands == queried.bands
    assert [(d.domain_code, d.units) for d in kept.domains] == [
        (d.domain_code, d.units) for d in queried.domains
    ]
    for mine, theirs in zip(kept.domains, queried.domains, strict=True):
        assert mine.mean_score == pytest.approx(theirs.mean_score)
    assert sorted(kept.sex) == sorted(queried.sex)
    assert [(p.cycle_id, p.units) for p in kept.trend] == [
        (p.cycle_id, p.units) for p in queried.trend
    ]


def test_a_regional_adviser_is_summed_by_queries(validated_four):
    with validated_four.world.app.app_context(), unit_of_work():
        assert whole_institutions(validated_four.world.user("adviser")) is None
        assert whole_institutions(validated_four.world.user("commander")) is None
