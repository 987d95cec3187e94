"""Framework versions in the database: the shipped file, loading, versions, the admin pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit.accounts.models import Role
from audit.extensions import db
from audit.frameworks import services, spec
from audit.frameworks.models import FrameworkIndicator, FrameworkVersion, IndicatorLink
from audit.refusals import Refused
from audit.transactions import unit_of_work
from tests.conftest import make_app, row_count

SHIPPED = services.SHIPPED / "wps-2026.1"


def test_shipped_framework_is_valid_and_covers_the_recommendations():
    fw, problems = spec.read(SHIPPED)
    assert problems == []
    assert fw is not None
    assert len(fw.domains) == 8
    assert 100 <= len(fw.indicators) <= 120
    assert [r.code for r in fw.recommendations] == [f"R{n:02d}" for n in range(1, 31)]
    institution_level = {r.code for r in fw.recommendations if r.level == "institution"}
    assert institution_level == {"R02", "R03", "R04", "R30"}
    for rec, primary, supporting in spec.coverage(fw):
        if rec.level == "unit":
            assert primary, f"{rec.code} has no primary indicator"
        assert primary or supporting, f"{rec.code} is not evidenced at all"


def test_every_shipped_text_exists_in_four_languages():
    fw, _ = spec.read(SHIPPED)
    assert fw is not None
    texts = [fw.title] + [d.title for d in fw.domains] + [r.title for r in fw.recommendations]
    for ind in fw.indicators:
        texts += [ind.text, *(t for t in (ind.help, ind.evidence_hint) if t)]
        texts += list(ind.levels.values()) + [o.label for o in ind.options]
        texts += [r.label for r in ind.rows] + [rule.message for rule in ind.rules]
    for text in texts:
        assert set(text) == {"en", "ar", "fr", "es"}
        assert all(value.strip() for value in text.values())


def _versions(app) -> list[tuple[int, str, int]]:
    with app.app_context(), unit_of_work():
        return [
            (v.id, v.checksum, v.revision)
            for v in db.session.scalars(select(FrameworkVersion).order_by(FrameworkVersion.id))
        ]


def test_loading_twice_changes_nothing(app):
    with app.app_context(), unit_of_work():
        first = services.load(SHIPPED)
        assert first.created
        first_id = first.version.id
        second = services.load(SHIPPED)
        assert not second.created
        assert second.version.id == first_id
    assert row_count(app, "framework_versions") == 1
    with app.app_context(), unit_of_work():
        count = db.session.scalar(select(func.count()).select_from(FrameworkIndicator))
        fw, _ = spec.read(SHIPPED)
        assert count == len(fw.indicators)
        primary = db.session.scalar(
            select(func.count())
            .select_from(IndicatorLink)
            .where(IndicatorLink.strength == "primary")
        )
        assert primary == sum(len(i.links_primary) for i in fw.indicators)


def _changed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "changed"
    shutil.copytree(SHIPPED, copy)
    domain = copy / "domains" / "1-facilities.yaml"
    text = domain.read_text(encoding="utf-8")
    domain.write_text(text.replace("weight: 2", "weight: 1", 1), encoding="utf-8")
    return copy


def test_a_changed_file_becomes_a_new_version_and_the_old_one_is_untouched(app, tmp_path):
    with app.app_context(), unit_of_work():
        old = services.load(SHIPPED).version
        old_id, old_document = old.id, old.document
        old_indicators = [(i.id, i.code, i.weight) for i in old.indicators]
        new = services.load(_changed_copy(tmp_path)).version
        assert new.id != old_id
        assert (new.version, new.revision) == ("2026.1", 2)
        assert new.label == "2026.1 (r2)"
        db.session.expire_all()
        again = db.session.get(FrameworkVersion, old_id)
        assert again.document == old_document
        assert [(i.id, i.code, i.weight) for i in again.indicators] == old_indicators
    assert len(_versions(app)) == 2


def test_an_invalid_file_loads_nothing(app, tmp_path):
    broken = _changed_copy(tmp_path)
    (broken / "framework.yaml").write_text("format: 1\ncode: [unclosed\n", encoding="utf-8")
    with app.app_context(), pytest.raises(Refused) as error:
        services.load(broken)
    assert error.value.key == "framework_invalid"
    assert error.value.params["problems"]
    assert row_count(app, "framework_versions") == 0


def test_cli_validate_prints_coverage_or_problems(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'cli.sqlite'}", tmp_path / "instance")
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["framework", "validate", str(SHIPPED)])
    assert ok.exit_code == 0, ok.output
    assert "8 domains" in ok.output
    assert any(line.startswith("R21 ") for line in ok.output.splitlines())
    broken = _changed_copy(tmp_path)
    facilities = broken / "domains" / "1-facilities.yaml"
    facilities.write_text(
        facilities.read_text(encoding="utf-8").replace("    - R27\n", "    - R99\n", 1),
        encoding="utf-8",
    )
    bad = runner.invoke(args=["framework", "validate", str(broken)])
    assert bad.exit_code != 0
    assert "domains/1-facilities.yaml" in bad.output
    assert "R99" in bad.output


def test_cli_load_is_idempotent(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'cli.sqlite'}", tmp_path / "instance")
    runner = app.test_cli_runner()
    runner.invoke(args=["setup"])
    assert row_count(app, "framework_versions") == 1  # setup loads the shipped framework
    again = runner.invoke(args=["framework", "load", str(SHIPPED)])
    assert again.exit_code == 0
    assert "Unchanged" in again.output
    changed = runner.invoke(args=["framework", "load", str(_changed_copy(tmp_path))])
    assert "revision 2" in changed.output
    assert row_count(app, "framework_versions") == 2


def test_admin_reads_the_framework_in_arabic(app, client, auth, make_user):
    with app.app_context(), unit_of_work():
        version_id = services.load(SHIPPED).version.id
        fw = services.framework_of(db.session.get(FrameworkVersion, version_id))
    auth.login(make_user(Role.ADMIN))
    client.post("/language", data={"locale": "ar"})
    listing = client.get("/admin/frameworks/")
    assert listing.status_code == 200
    assert fw.title["ar"] in listing.data.decode()
    overview = client.get(f"/admin/frameworks/{version_id}").data.decode()
    assert fw.recommendation("R21").title["ar"] in overview
    domain = fw.domains[3]
    page = client.get(f"/admin/frameworks/{version_id}/domains/{domain.code}").data.decode()
    assert 'dir="rtl"' in page
    assert domain.indicators[0].text["ar"] in page
    assert client.get(f"/admin/frameworks/{version_id}/domains/ZZ").status_code == 404
    assert client.get("/admin/frameworks/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.COMMANDER, Role.ADVISER, Role.DONOR])
def test_only_administrators_see_frameworks(app, client, auth, make_user, org, role):
    with app.app_context(), unit_of_work():
        version_id = services.load(SHIPPED).version.id
    scope = {"donor": {"country_id": org.country}}.get(role.value, {"unit_id": org.station_a})
    auth.login(make_user(role, **scope))
    assert client.get("/admin/frameworks/").status_code == 403
    assert client.get(f"/admin/frameworks/{version_id}").status_code == 403
