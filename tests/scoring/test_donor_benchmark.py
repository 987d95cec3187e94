"""The donor page's R01-R30 benchmark and its withheld wording: the same lines as the donor
workbook (audit.scoring.donor.benchmark), with the real threshold in every withheld text."""

from __future__ import annotations

import re
import statistics

from sqlalchemy import select

from audit.audits.models import AuditCycle
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.scoring.donor import DisclosureRules, ScopeTally, benchmark
from audit.scoring.models import RecommendationScore
from audit.transactions import unit_of_work
from tests.scoring.test_portfolio import page, score_text, section, snapshots, three  # noqa: F401


def _framework(world, cycle_id):  # type: ignore[no-untyped-def]
    with world.app.app_context(), unit_of_work():
        return frameworks.framework_of(db.session.get(AuditCycle, cycle_id).framework_version)


def test_donor_page_shows_every_recommendation_with_its_mean(three) -> None:  # noqa: F811
    world = three.world
    html = page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")
    police = section(html, f"institution-{world.org.police}")
    fw = _framework(world, three.cycle_id)
    codes = re.findall(r'<tr data-recommendation="([^"]+)"', police)
    assert codes == [rec.code for rec in fw.recommendations]
    ids = [s.id for s in snapshots(world, three.audits.values())]
    with world.app.app_context(), unit_of_work():
        scores = {}
        for code, score in db.session.execute(
            select(RecommendationScore.recommendation_code, RecommendationScore.score).where(
                RecommendationScore.scorecard_id.in_(ids)
            )
        ):
            if score is not None:
                scores.setdefault(code, []).append(score)
    assert scores
    for code, values in scores.items():
        line = re.search(rf'<tr data-recommendation="{code}">.*?</tr>', police, re.S)
        assert line, code
        assert score_text(world, statistics.mean(values)) in line.group(0)
    assert "Benchmark: recommendations R01–R30" in police


def test_withheld_figures_say_why_with_the_configured_threshold(three) -> None:  # noqa: F811
    world = three.world
    html = page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")
    police = section(html, f"institution-{world.org.police}")
    # 2026 has station A alone: the trend line says why, not "too few units" beside a count.
    assert "withheld: fewer than 3 units" in police
    assert "too few units" not in html
    world.app.config["DISCLOSURE_MIN_UNITS"] = 2
    html = page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")
    assert "withheld: fewer than 2 units" in section(html, f"institution-{world.org.police}")


def test_benchmark_lines_withhold_what_too_few_units_cover(three) -> None:  # noqa: F811
    world = three.world
    fw = _framework(world, three.cycle_id)
    first, second, third = (rec.code for rec in fw.recommendations[:3])
    tally = ScopeTally(
        recommendations={first: [180.0, 3], second: [50.0, 1]},
        coverage={first: [300.0, 3], second: [100.0, 1]},
    )
    with world.app.test_request_context():
        rules = DisclosureRules()
        lines = {line.code: line for line in benchmark(tally, None, rules, fw)}
        assert len(lines) == len(fw.recommendations)
        assert lines[first].mean == 60.0
        assert lines[first].band == "meets"
        assert lines[first].coverage == 100.0
        assert lines[second].mean is None
        assert lines[second].withheld
        assert rules.withheld_text(lines[second].units) == "withheld: fewer than 3 units"
        assert lines[third].units == 0
        assert not lines[third].withheld
