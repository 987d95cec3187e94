"""The portfolio's heat map a page at a time: filtered by institution, domain and band, sorted
by score, with the units by band counted in SQL by the same rule as the scoring engine."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import Float, cast, literal, select

from audit.extensions import db
from audit.frameworks import spec
from audit.orgs.models import Unit
from audit.scoring import engine, heatmap
from audit.scoring.models import ScorecardSnapshot
from audit.transactions import unit_of_work
from tests.scoring.test_portfolio import page, snapshots, three  # noqa: F401 (fixture)


def rows(html: str) -> list[int]:
    """The audit ids of the heat map's rows, in order."""
    return [int(i) for i in re.findall(r'<tr data-audit="(\d+)">', html)]


def by_score(three, key) -> list[int]:  # noqa: F811
    cards = snapshots(three.world, three.audits.values())
    return [s.audit_id for s in sorted(cards, key=key)]


def test_the_heat_map_is_paged_and_the_summary_counts_every_unit(three, monkeypatch):  # noqa: F811
    monkeypatch.setattr(heatmap, "PER_PAGE", 2)
    world, url = three.world, f"/portfolio/?cycle={three.cycle_id}"
    first = page(world, "adviser", url)
    assert len(rows(first)) == 2
    assert "1-2 of 3" in first
    assert f'href="/portfolio/?page=2&amp;cycle={three.cycle_id}"' in first
    second = page(world, "adviser", f"{url}&page=2")
    assert len(rows(second)) == 1
    assert set(rows(first)) | set(rows(second)) == set(three.audits.values())
    # The headline and the units by band still count all three units.
    bands = re.search(r'<table class="band-distribution">.*?</table>', second, re.S)
    assert bands
    assert sum(int(n) for n in re.findall(r'<td class="num">(\d+)</td>', bands.group(0))) == 3
    ignored = page(world, "adviser", f"{url}&page=last&sort=best")
    assert 'id="heat-ignored"' in ignored
    assert rows(ignored) == rows(first)


def test_sorting_by_overall_or_by_a_domain_orders_the_units(three):  # noqa: F811
    world, url = three.world, f"/portfolio/?cycle={three.cycle_id}"
    weakest = rows(page(world, "adviser", f"{url}&sort=weakest"))
    assert weakest == by_score(three, lambda s: (s.overall_score, s.audit_id))
    strongest = rows(page(world, "adviser", f"{url}&sort=strongest"))
    assert strongest == by_score(three, lambda s: (-s.overall_score, s.audit_id))

    def aa(snapshot: ScorecardSnapshot) -> float:
        return next(d.score for d in snapshot.domains if d.domain_code == "AA")

    by_domain = rows(page(world, "adviser", f"{url}&sort=weakest&domain=AA"))
    expected = by_score(three, lambda s: (aa(s), s.audit_id))
    assert by_domain == expected


def test_a_band_filter_keeps_the_units_in_that_band(three):  # noqa: F811
    world, url = three.world, f"/portfolio/?cycle={three.cycle_id}"
    cards = snapshots(world, three.audits.values())
    bands = Counter(engine.band(s.overall_score, spec.DEFAULT_FRAMEWORK_BANDS) for s in cards)
    for level in bands:
        shown = rows(page(world, "adviser", f"{url}&band={level}"))
        wanted = {
            s.audit_id
            for s in cards
            if engine.band(s.overall_score, spec.DEFAULT_FRAMEWORK_BANDS) == level
        }
        assert set(shown) == wanted
    html = page(world, "adviser", f"{url}&band=none")
    assert rows(html) == []
    assert "No unit matches these filters." in html
    html = page(world, "adviser", f"{url}&institution={world.org.army}")
    assert 'id="heat-ignored"' in html  # the adviser reviews no army unit
    assert len(rows(html)) == 3


class _Bands:
    """What `band_case` reads of a framework."""

    bands = spec.DEFAULT_FRAMEWORK_BANDS


EDGES = [b.min for b in spec.DEFAULT_FRAMEWORK_BANDS]
VALUES = [0.0, 100.0, None] + [e + d for e in EDGES for d in (-1e-6, -1e-10, 0.0, 1e-10)]


def test_the_sql_band_is_the_engine_band_at_every_boundary(app):
    fw = _Bands()
    with app.app_context(), unit_of_work():
        for value in VALUES:
            sql = db.session.scalar(select(heatmap.band_case(cast(literal(value), Float), fw)))
            assert sql == engine.band(value, fw.bands), value


def test_band_counts_are_the_engine_bands_of_the_units(three):  # noqa: F811
    world = three.world
    with world.app.app_context(), unit_of_work():
        scope = select(Unit.id).where(Unit.id.in_(three.units.values()))
        counted = heatmap.band_counts(three.cycle_id, scope, _Bands())
    cards = snapshots(world, three.audits.values())
    assert counted == Counter(
        engine.band(s.overall_score, spec.DEFAULT_FRAMEWORK_BANDS) for s in cards
    )


@pytest.mark.parametrize("who", ["commander", "donor"])
def test_only_advisers_and_administrators_see_the_heat_map(three, who):  # noqa: F811
    assert three.world.client(who).get("/portfolio/").status_code == 403
