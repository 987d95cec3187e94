"""Framework documents: loading, validation (one broken case per kind of error), the dataclasses."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit.frameworks import spec
from audit.frameworks.spec import (
    DEFAULT_FRAMEWORK_BANDS,
    DEFAULT_TARGET_BANDS,
    Band,
    FileProblem,
    Framework,
    coverage,
    documents,
    fileformat,
    from_dict,
    load_source,
    loading,
    read,
    to_dict,
    validate,
)
from audit.frameworks.spec import schema as schema_module

HERE = Path(__file__).parent
VALID = HERE / "fixtures" / "valid"
SHIPPED = HERE.parent.parent / "audit" / "frameworks" / "data"

FW = "framework.yaml"
A = "domains/1-alpha.yaml"
B = "domains/2-beta.yaml"
FILES = (FW, A, B)

Docs = dict[str, Any]
# libyaml when present: the broken cases rewrite the fixture over a hundred times.
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FastDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# --------------------------------------------------------------------------- helpers


def load_docs(folder: Path) -> Docs:
    """The three fixture files as data (the fixture quotes "yes"/"no", so safe_load is fine)."""
    return {
        name: yaml.load((folder / name).read_text(encoding="utf-8"), Loader=FastLoader)
        for name in FILES
    }


def write_docs(folder: Path, docs: Docs) -> None:
    for name, data in docs.items():
        text = yaml.dump(data, Dumper=FastDumper, allow_unicode=True, sort_keys=False)
        (folder / name).write_text(text, encoding="utf-8")


def copy_valid(tmp_path: Path) -> Path:
    folder = tmp_path / "fw"
    shutil.copytree(VALID, folder)
    return folder


def problems_after(tmp_path: Path, change: Callable[[Docs], object]) -> list[FileProblem]:
    folder = copy_valid(tmp_path)
    docs = load_docs(folder)
    change(docs)
    write_docs(folder, docs)
    fw, problems = read(folder)
    assert (fw is None) == bool(problems)
    return problems


def ind(docs: Docs, code: str) -> dict[str, Any]:
    for name in (A, B):
        for item in docs[name]["indicators"]:
            if item["code"] == code:
                return item
    raise KeyError(code)


def put(obj: Any, key: Any, value: object) -> None:
    obj[key] = value


def drop(obj: Any, key: Any) -> None:
    del obj[key]


def text(word: str) -> dict[str, str]:
    return {lang: f"{word} {lang}" for lang in spec.LANGUAGES}


def replace_file(name: str, value: object) -> Callable[[Docs], None]:
    return lambda docs: put(docs, name, value)


def link_unscored_only(docs: Docs) -> None:
    docs[FW]["recommendations"][1]["level"] = "unit"
    ind(docs, "AA4")["links"] = {"primary": ["R02"], "supporting": ["R28"]}


def move_code(docs: Docs) -> None:
    ind(docs, "BB7")["code"] = "AA1"


# --------------------------------------------------------------------------- the valid fixture


@pytest.fixture(scope="module")
def fw() -> Framework:
    framework, problems = read(VALID)
    assert problems == []
    assert framework is not None
    return framework


def test_valid_fixture_reads_without_problems(fw: Framework) -> None:
    assert fw.code == "test-fw"
    assert fw.version == "1.0"
    assert [d.code for d in fw.domains] == ["AA", "BB"]
    assert [i.code for i in fw.indicators] == [
        "AA1", "AA2", "AA3", "AA4", "AA4a", "AA5",
        "BB1", "BB2", "BB3", "BB4", "BB5", "BB6", "BB7",
    ]  # fmt: skip
    assert fw.title["ar"] == "إطار اختبار"
    assert len(fw.checksum) == 64


def test_read_accepts_the_framework_yaml_path_too(fw: Framework) -> None:
    again, problems = read(VALID / "framework.yaml")
    assert problems == []
    assert again == fw


def test_defaults_are_filled_in(fw: Framework) -> None:
    assert fw.bands == DEFAULT_FRAMEWORK_BANDS
    aa1, aa3, bb5 = fw.indicator("AA1"), fw.indicator("AA3"), fw.indicator("BB5")
    assert aa1.required is True
    assert aa3.required is True
    assert bb5.required is False  # text answers are optional unless said otherwise
    assert aa1.evidence == "required"
    assert aa3.evidence == "none"
    assert aa3.weight == 1
    assert aa1.weight == 2
    assert aa3.sensitive is False
    assert fw.indicator("AA4").sensitive is True
    assert bb5.max_length == 4000
    assert aa1.max_length is None
    assert aa3.comparability_key == "AA3"
    assert aa1.comparability_key == "facilities.separate_toilets"
    assert aa3.help is not None
    assert aa1.help is None
    assert aa3.services == ()
    assert aa1.services == ("police",)


def test_indicator_fields(fw: Framework) -> None:
    aa2 = fw.indicator("AA2")
    assert set(aa2.levels) == {"no", "partly", "yes"}
    assert aa2.links_primary == ("R27",)
    assert aa2.links_supporting == ("R28",)
    assert [r.code for r in fw.indicator("AA4").rows] == ["officers", "others"]
    bb3 = fw.indicator("BB3")
    assert [(o.code, o.score) for o in bb3.options] == [("full", 1), ("part", 0.5), ("none", 0)]
    assert fw.indicator("BB7").options[0].score is None
    assert fw.indicator("AA4a").formula == "AA4.women / AA4.total * 100"
    assert fw.indicator("AA5").rules[0].check == "AA5 <= AA4.total"
    assert fw.indicator("BB2").max_age_months == 24
    assert fw.indicator("AA5").min == 0
    assert fw.indicator("AA5").max == 1000
    assert fw.indicator("AA4a").domain_code == "AA"


def test_is_scored(fw: Framework) -> None:
    scored = {i.code for i in fw.indicators if i.is_scored}
    assert scored == {"AA1", "AA2", "AA3", "AA4a", "AA5", "BB1", "BB2", "BB3", "BB4", "BB6"}


def test_effective_bands(fw: Framework) -> None:
    assert fw.indicator("AA4a").effective_bands == DEFAULT_TARGET_BANDS  # target, no bands
    assert fw.indicator("AA5").effective_bands == (Band("missing", 0), Band("meets", 5))
    assert fw.indicator("BB5").effective_bands == ()


def test_applies(fw: Framework) -> None:
    aa1 = fw.indicator("AA1")
    assert aa1.applies("police", "station")
    assert not aa1.applies("military", "station")
    assert not aa1.applies("police", "hq")
    assert fw.indicator("AA3").applies("gendarmerie", "academy")


def test_expression_helpers(fw: Framework) -> None:
    aa2, aa4a, aa5 = fw.indicator("AA2"), fw.indicator("AA4a"), fw.indicator("AA5")
    assert aa2.skipped({"AA1": "no"})
    assert not aa2.skipped({"AA1": "yes"})
    assert not aa2.skipped({})  # null does not skip
    assert not fw.indicator("AA1").skipped({})
    table = {"officers": {"women": 1, "men": 3, "not_recorded": 0},
             "others": {"women": 4, "men": 12, "not_recorded": 0}}  # fmt: skip
    assert aa4a.compute({"AA4": table}) == 25.0
    assert aa4a.compute({}) is None
    assert aa5.broken_rules({"AA4": table, "AA5": 30}) == list(aa5.rules)
    assert aa5.broken_rules({"AA4": table, "AA5": 3}) == []
    assert aa5.broken_rules({"AA5": 3}) == []  # not checked until AA4 is answered
    assert aa5.rules[0].holds({"AA5": 3}) is None
    assert [i.code for i in fw.formulas] == ["AA4a", "BB6"]  # BB6 uses AA4a
    assert fw.indicator("BB6").references() == {"AA4a"}
    assert fw.indicator("BB3").allowed_values == ("full", "part", "none")
    assert fw.indicator("AA1").allowed_values == ("yes", "no")
    assert fw.indicator("AA5").allowed_values is None


def test_lookups(fw: Framework) -> None:
    assert fw.indicator("BB3").type == "choice"
    assert fw.recommendation("R27").cluster == "C2"
    assert fw.domain("BB").title["en"] == "Beta"
    for lookup in (fw.indicator, fw.recommendation, fw.domain):
        with pytest.raises(KeyError):
            lookup("ZZ9")


def test_coverage(fw: Framework) -> None:
    rows = [(rec.code, primary, supporting) for rec, primary, supporting in coverage(fw)]
    assert rows == [
        ("R01", ["AA3", "BB1"], ["BB2"]),
        ("R02", [], []),  # institution-level: allowed to have no indicator
        ("R27", ["AA1", "AA2", "AA5"], ["BB4"]),
        ("R28", ["AA4a", "BB3"], ["AA2", "AA4", "BB6"]),
    ]
    assert coverage(fw)[1][0].level == "institution"


def test_to_dict_from_dict_round_trip(fw: Framework) -> None:
    data = to_dict(fw)
    text = json.dumps(data, ensure_ascii=False)  # no default= needed: plain JSON types only
    rebuilt = from_dict(json.loads(text))
    assert rebuilt == fw
    assert rebuilt.checksum == fw.checksum
    assert rebuilt.indicator("AA5").rules[0].check == "AA5 <= AA4.total"
    assert rebuilt.indicator("AA1").is_scored
    assert data["format"] == 1
    assert to_dict(rebuilt) == data


def test_dataclasses_are_hashable(fw: Framework) -> None:
    rebuilt = from_dict(to_dict(fw))
    assert {fw, rebuilt} == {fw}
    assert len(set(fw.indicators)) == len(fw.indicators)
    assert {fw.indicator("AA1"): 1}[rebuilt.indicator("AA1")] == 1
    assert len({*fw.recommendations, *fw.clusters, *fw.domains}) == 8
    assert hash(fw.indicator("AA5").rules[0]) == hash(rebuilt.indicator("AA5").rules[0])


def test_from_dict_rejects_another_format(fw: Framework) -> None:
    data = to_dict(fw)
    data["format"] = 99
    with pytest.raises(ValueError, match="unsupported framework data format"):
        from_dict(data)


# --------------------------------------------------------------------------- checksum


def test_checksum_ignores_layout_comments_and_key_order(tmp_path: Path, fw: Framework) -> None:
    folder = copy_valid(tmp_path)
    for name in FILES:
        path = folder / name
        data = loading.Loader(path.read_text(encoding="utf-8")).get_single_data()
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=30, indent=4)
        path.write_text("# reformatted\n\n" + dumped + "\n# the end\n", encoding="utf-8")
    again, problems = read(folder)
    assert problems == []
    assert again is not None
    assert again.checksum == fw.checksum
    assert again == fw


def test_checksum_changes_with_content(tmp_path: Path, fw: Framework) -> None:
    folder = copy_valid(tmp_path)
    docs = load_docs(folder)
    ind(docs, "BB5")["text"]["es"] = "Buenas prácticas observadas"
    write_docs(folder, docs)
    changed, problems = read(folder)
    assert problems == []
    assert changed is not None
    assert changed.checksum != fw.checksum


def test_checksum_is_a_function_of_the_resolved_document() -> None:
    source = load_source(VALID)
    assert spec.checksum(source) == spec.checksum(copy.deepcopy(dict(source)))
    assert spec.checksum({"a": 1, "b": [1, 2]}) == spec.checksum({"b": [1, 2], "a": 1})
    assert spec.checksum({"a": 1}) != spec.checksum({"a": 2})


# --------------------------------------------------------------------------- broken documents

# Each case: a change to the valid fixture, the place of the problem and part of its message.
# `count` is how many problems the change causes in all (None: do not check).
CASES: list[tuple[str, Callable[[Docs], object], str, str, int | None]] = [
    # framework.yaml: keys and types
    (
        "unknown_key",
        lambda d: put(d[FW], "colour", "red"),
        "framework.yaml: colour",
        "unknown key 'colour'",
        1,
    ),
    (
        "unknown_key_suggestion",
        lambda d: put(d[FW], "vesion", "2"),
        "framework.yaml: vesion",
        "did you mean 'version'?",
        1,
    ),
    (
        "missing_key",
        lambda d: drop(d[FW], "version"),
        "framework.yaml: version",
        "required key is missing",
        1,
    ),
    (
        "version_not_text",
        lambda d: put(d[FW], "version", 2026.1),
        "framework.yaml: version",
        "must be text (quote it",
        1,
    ),
    (
        "format",
        lambda d: put(d[FW], "format", 2),
        "framework.yaml: format",
        "unsupported format 2",
        1,
    ),
    (
        "family_code",
        lambda d: put(d[FW], "code", "WPS GNWP"),
        "framework.yaml: code",
        "invalid code 'WPS GNWP'",
        1,
    ),
    (
        "framework_not_mapping",
        replace_file(FW, ["code", "version"]),
        "framework.yaml",
        "the file must be a mapping",
        1,
    ),
    # translations
    (
        "missing_translation",
        lambda d: drop(d[FW]["title"], "ar"),
        "framework.yaml: title.ar",
        "missing ar translation",
        1,
    ),
    (
        "empty_translation",
        lambda d: put(d[FW]["title"], "fr", "  "),
        "framework.yaml: title.fr",
        "empty fr translation",
        1,
    ),
    (
        "unknown_language",
        lambda d: put(d[FW]["title"], "de", "Test"),
        "framework.yaml: title.de",
        "unknown language 'de'",
        1,
    ),
    (
        "translation_not_text",
        lambda d: put(d[FW]["title"], "es", 5),
        "framework.yaml: title.es",
        "must be text, not 5",
        1,
    ),
    (
        "text_not_translated",
        lambda d: put(d[FW], "title", "Test"),
        "framework.yaml: title",
        "must be a translated text with keys en, ar, fr, es",
        1,
    ),
    # framework bands
    (
        "bands_overlap",
        lambda d: put(
            d[FW],
            "bands",
            [
                {"level": "missing", "min": 0},
                {"level": "approaches", "min": 50},
                {"level": "meets", "min": 50},
            ],
        ),
        "framework.yaml: bands[2].min",
        "bands overlap: min 50 is not above",
        1,
    ),
    (
        "bands_gap_at_start",
        lambda d: put(
            d[FW], "bands", [{"level": "missing", "min": 10}, {"level": "meets", "min": 60}]
        ),
        "framework.yaml: bands[0].min",
        "the first band must start at 0, not 10",
        1,
    ),
    (
        "bands_unknown_level",
        lambda d: put(
            d[FW], "bands", [{"level": "missing", "min": 0}, {"level": "gold", "min": 60}]
        ),
        "framework.yaml: bands[1].level",
        "unknown level 'gold'",
        1,
    ),
    (
        "bands_falling_levels",
        lambda d: put(
            d[FW], "bands", [{"level": "meets", "min": 0}, {"level": "missing", "min": 50}]
        ),
        "framework.yaml: bands[1].level",
        "levels must rise with the score",
        1,
    ),
    (
        "bands_over_100",
        lambda d: put(
            d[FW], "bands", [{"level": "missing", "min": 0}, {"level": "exceeds", "min": 120}]
        ),
        "framework.yaml: bands[1].min",
        "must be at most 100",
        1,
    ),
    (
        "bands_not_list",
        lambda d: put(d[FW], "bands", {"missing": 0}),
        "framework.yaml: bands",
        "must be a non-empty list of {level, min}",
        1,
    ),
    (
        "band_missing_min",
        lambda d: put(d[FW], "bands", [{"level": "missing"}]),
        "framework.yaml: bands[0].min",
        "required key is missing",
        1,
    ),
    # clusters and recommendations
    (
        "cluster_code",
        lambda d: put(d[FW]["clusters"][1], "code", "K2"),
        "framework.yaml: clusters[1].code",
        "invalid code 'K2': C followed by a number",
        None,
    ),
    (
        "duplicate_cluster",
        lambda d: d[FW]["clusters"].append(d[FW]["clusters"][0]),
        "framework.yaml: clusters[2].code",
        "duplicate cluster code C1 (also at clusters[0])",
        1,
    ),
    (
        "recommendation_code",
        lambda d: put(d[FW]["recommendations"][1], "code", "R2"),
        "framework.yaml: recommendations[1].code",
        "invalid code 'R2'",
        1,
    ),
    (
        "duplicate_recommendation",
        lambda d: d[FW]["recommendations"].append(d[FW]["recommendations"][1]),
        "framework.yaml: recommendations[4].code",
        "duplicate recommendation code R02",
        1,
    ),
    (
        "unknown_cluster",
        lambda d: put(d[FW]["recommendations"][3], "cluster", "C9"),
        "framework.yaml: recommendations[3].cluster",
        "unknown cluster 'C9'; known: C1, C2",
        1,
    ),
    (
        "recommendation_level",
        lambda d: put(d[FW]["recommendations"][1], "level", "national"),
        "framework.yaml: recommendations[1].level",
        "unknown recommendation level 'national'; use one of unit, institution",
        1,
    ),
    (
        "recommendation_title",
        lambda d: drop(d[FW]["recommendations"][0], "title"),
        "framework.yaml: recommendations[0].title",
        "required key is missing",
        1,
    ),
    (
        "no_recommendations",
        lambda d: put(d[FW], "recommendations", []),
        "framework.yaml: recommendations",
        "must be a non-empty list",
        None,
    ),
    # coverage
    (
        "unit_recommendation_without_primary",
        lambda d: put(d[FW]["recommendations"][1], "level", "unit"),
        "framework.yaml: recommendations[1]",
        "unit-level recommendation R02 has no primary indicator; link one, or mark it level: "
        "institution",
        1,
    ),
    (
        "unit_recommendation_only_unscored",
        link_unscored_only,
        "framework.yaml: recommendations[1]",
        "R02 is linked only to indicators that are not scored (AA4)",
        1,
    ),
    # includes
    (
        "include_missing_file",
        lambda d: d[FW]["domains"].append({"include": "domains/3-gamma.yaml"}),
        "framework.yaml: domains[2].include",
        "file domains/3-gamma.yaml not found",
        1,
    ),
    (
        "include_outside_folder",
        lambda d: d[FW]["domains"].append({"include": "../../outside.yaml"}),
        "framework.yaml: domains[2].include",
        "points outside the framework folder",
        1,
    ),
    (
        "include_absolute",
        lambda d: d[FW]["domains"].append({"include": "/etc/hostname"}),
        "framework.yaml: domains[2].include",
        "must be relative to the framework folder",
        1,
    ),
    (
        "include_not_text",
        lambda d: d[FW]["domains"].append({"include": 3}),
        "framework.yaml: domains[2].include",
        "must be a relative path",
        1,
    ),
    (
        "include_extra_key",
        lambda d: put(d[FW]["domains"][0], "weight", 2),
        "framework.yaml: domains[0].weight",
        "unknown key next to include",
        1,
    ),
    (
        "domains_not_list",
        lambda d: put(d[FW], "domains", "domains/1-alpha.yaml"),
        "framework.yaml: domains",
        "must be a non-empty list of domains",
        1,
    ),
    # domains
    (
        "domain_code",
        lambda d: put(d[A], "code", "A1"),
        "domains/1-alpha.yaml: code",
        "invalid code 'A1': two capital letters",
        1,
    ),
    (
        "duplicate_domain",
        lambda d: put(d[B], "code", "AA"),
        "domains/2-beta.yaml: code",
        "duplicate domain code AA (also in domains/1-alpha.yaml)",
        None,
    ),
    (
        "domain_description",
        lambda d: drop(d[A], "description"),
        "domains/1-alpha.yaml: description",
        "required key is missing",
        1,
    ),
    (
        "domain_unknown_key",
        lambda d: put(d[A], "weight", 2),
        "domains/1-alpha.yaml: weight",
        "unknown key 'weight'",
        1,
    ),
    (
        "domain_not_mapping",
        replace_file(B, ["BB1"]),
        "domains/2-beta.yaml",
        "must be a domain (code, title, description, indicators)",
        1,
    ),
    (
        "no_indicators",
        lambda d: put(d[B], "indicators", []),
        "domains/2-beta.yaml: indicators",
        "must be a non-empty list of indicators",
        1,
    ),
    (
        "indicator_not_mapping",
        lambda d: d[B]["indicators"].append("BB8"),
        "domains/2-beta.yaml: indicators[7]",
        "must be a mapping (an indicator)",
        1,
    ),
    # indicator codes and keys
    (
        "indicator_code",
        lambda d: put(ind(d, "AA5"), "code", "AA-5"),
        "domains/1-alpha.yaml: indicators[5].code",
        "invalid code 'AA-5'",
        1,
    ),
    (
        "indicator_prefix",
        lambda d: put(ind(d, "AA5"), "code", "BB9"),
        "domains/1-alpha.yaml: BB9.code",
        "does not start with its domain code AA",
        None,
    ),
    (
        "duplicate_indicator",
        move_code,
        "domains/2-beta.yaml: AA1.code",
        "duplicate indicator code AA1 (also in domains/1-alpha.yaml)",
        2,
    ),
    (
        "unknown_type",
        lambda d: put(ind(d, "AA1"), "type", "yesno"),
        "domains/1-alpha.yaml: AA1.type",
        "unknown answer type 'yesno'",
        1,
    ),
    (
        "missing_type",
        lambda d: drop(ind(d, "AA1"), "type"),
        "domains/1-alpha.yaml: AA1.type",
        "required key is missing",
        1,
    ),
    (
        "missing_text",
        lambda d: drop(ind(d, "AA1"), "text"),
        "domains/1-alpha.yaml: AA1.text",
        "required key is missing",
        1,
    ),
    (
        "key_of_other_type",
        lambda d: put(ind(d, "AA1"), "rows", []),
        "domains/1-alpha.yaml: AA1.rows",
        "'rows' is not used by type yes_no; it belongs to sex_table",
        1,
    ),
    (
        "unknown_indicator_key",
        lambda d: put(ind(d, "AA1"), "txt", text("x")),
        "domains/1-alpha.yaml: AA1.txt",
        "unknown key 'txt'; did you mean 'text'?",
        1,
    ),
    (
        "help_missing_translation",
        lambda d: drop(ind(d, "AA3")["help"], "es"),
        "domains/1-alpha.yaml: AA3.help.es",
        "missing es translation",
        1,
    ),
    # levels
    (
        "levels_missing",
        lambda d: drop(ind(d, "AA3"), "levels"),
        "domains/1-alpha.yaml: AA3.levels",
        "required key is missing for type rubric",
        1,
    ),
    (
        "level_missing",
        lambda d: drop(ind(d, "AA3")["levels"], "meets"),
        "domains/1-alpha.yaml: AA3.levels.meets",
        "missing level 'meets'",
        1,
    ),
    (
        "level_missing_translation",
        lambda d: drop(ind(d, "AA3")["levels"]["meets"], "ar"),
        "domains/1-alpha.yaml: AA3.levels.meets.ar",
        "missing ar translation",
        1,
    ),
    (
        "level_unknown",
        lambda d: put(ind(d, "AA2")["levels"], "maybe", text("m")),
        "domains/1-alpha.yaml: AA2.levels.maybe",
        "unknown level 'maybe' for type no_partly_yes",
        1,
    ),
    (
        "levels_no_partly_yes_missing",
        lambda d: drop(ind(d, "AA2")["levels"], "partly"),
        "domains/1-alpha.yaml: AA2.levels.partly",
        "needs no, partly, yes",
        1,
    ),
    # options
    (
        "options_missing",
        lambda d: drop(ind(d, "BB3"), "options"),
        "domains/2-beta.yaml: BB3.options",
        "required key is missing for type choice",
        1,
    ),
    (
        "options_mixed_scores",
        lambda d: drop(ind(d, "BB3")["options"][2], "score"),
        "domains/2-beta.yaml: BB3.options",
        "either every option has a score or none has (2 of 3 have one)",
        1,
    ),
    (
        "duplicate_option",
        lambda d: put(ind(d, "BB4")["options"][1], "code", "health"),
        "domains/2-beta.yaml: BB4.options[1].code",
        "duplicate option code 'health'",
        2,
    ),
    (
        "option_code",
        lambda d: put(ind(d, "BB7")["options"][0], "code", "Army"),
        "domains/2-beta.yaml: BB7.options[0].code",
        "invalid code 'Army'",
        1,
    ),
    (
        "option_score_range",
        lambda d: put(ind(d, "BB3")["options"][0], "score", 2),
        "domains/2-beta.yaml: BB3.options[0].score",
        "must be at most 1, not 2",
        1,
    ),
    (
        "option_label_translation",
        lambda d: drop(ind(d, "BB7")["options"][1]["label"], "fr"),
        "domains/2-beta.yaml: BB7.options[1].label.fr",
        "missing fr translation",
        1,
    ),
    (
        "choice_single_option",
        lambda d: ind(d, "BB7")["options"].pop(),
        "domains/2-beta.yaml: BB7.options",
        "a choice needs at least two options",
        1,
    ),
    # rows
    (
        "rows_missing",
        lambda d: drop(ind(d, "AA4"), "rows"),
        "domains/1-alpha.yaml: AA4.rows",
        "required key is missing for type sex_table",
        1,
    ),
    (
        "duplicate_row",
        lambda d: put(ind(d, "AA4")["rows"][1], "code", "officers"),
        "domains/1-alpha.yaml: AA4.rows[1].code",
        "duplicate row code 'officers'",
        1,
    ),
    (
        "reserved_row",
        lambda d: put(ind(d, "AA4")["rows"][1], "code", "total"),
        "domains/1-alpha.yaml: AA4.rows[1].code",
        "row code 'total' is reserved",
        1,
    ),
    # numbers
    (
        "formula_missing",
        lambda d: drop(ind(d, "AA4a"), "formula"),
        "domains/1-alpha.yaml: AA4a.formula",
        "required key is missing for type percentage",
        1,
    ),
    (
        "target_zero",
        lambda d: put(ind(d, "AA4a"), "target", 0),
        "domains/1-alpha.yaml: AA4a.target",
        "must be greater than 0, not 0",
        1,
    ),
    (
        "target_negative",
        lambda d: put(ind(d, "BB1"), "target", -5),
        "domains/2-beta.yaml: BB1.target",
        "must be greater than 0, not -5",
        1,
    ),
    (
        "indicator_bands_overlap",
        lambda d: put(ind(d, "AA5")["bands"][1], "min", 0),
        "domains/1-alpha.yaml: AA5.bands[1].min",
        "bands overlap",
        1,
    ),
    (
        "indicator_bands_start",
        lambda d: put(ind(d, "AA5")["bands"][0], "min", 1),
        "domains/1-alpha.yaml: AA5.bands[0].min",
        "the first band must start at 0",
        1,
    ),
    (
        "indicator_band_level",
        lambda d: put(ind(d, "BB6")["bands"][0], "level", "red"),
        "domains/2-beta.yaml: BB6.bands[0].level",
        "unknown level 'red'",
        1,
    ),
    (
        "min_above_max",
        lambda d: put(ind(d, "AA5"), "min", 2000),
        "domains/1-alpha.yaml: AA5.max",
        "max 1000 is below min 2000",
        1,
    ),
    (
        "count_fraction",
        lambda d: put(ind(d, "AA5"), "max", 10.5),
        "domains/1-alpha.yaml: AA5.max",
        "must be a whole number",
        1,
    ),
    (
        "amount_negative_min",
        lambda d: put(ind(d, "BB1"), "min", -1),
        "domains/2-beta.yaml: BB1.min",
        "must be at least 0",
        1,
    ),
    (
        "max_age_months",
        lambda d: put(ind(d, "BB2"), "max_age_months", 0),
        "domains/2-beta.yaml: BB2.max_age_months",
        "must be greater than 0",
        1,
    ),
    (
        "max_length",
        lambda d: put(ind(d, "BB5"), "max_length", "long"),
        "domains/2-beta.yaml: BB5.max_length",
        "must be a whole number, not 'long'",
        1,
    ),
    # other common keys
    (
        "weight",
        lambda d: put(ind(d, "AA1"), "weight", 3),
        "domains/1-alpha.yaml: AA1.weight",
        "must be 1 (normal) or 2 (priority), not 3",
        1,
    ),
    (
        "required_not_bool",
        lambda d: put(ind(d, "AA1"), "required", "yes"),
        "domains/1-alpha.yaml: AA1.required",
        "must be true or false, not 'yes'",
        1,
    ),
    (
        "sensitive_not_bool",
        lambda d: put(ind(d, "AA4"), "sensitive", 1),
        "domains/1-alpha.yaml: AA4.sensitive",
        "must be true or false, not 1",
        1,
    ),
    (
        "evidence",
        lambda d: put(ind(d, "AA1"), "evidence", "mandatory"),
        "domains/1-alpha.yaml: AA1.evidence",
        "unknown evidence setting 'mandatory'",
        1,
    ),
    (
        "evidence_hint_translation",
        lambda d: drop(ind(d, "AA1")["evidence_hint"], "en"),
        "domains/1-alpha.yaml: AA1.evidence_hint.en",
        "missing en translation",
        1,
    ),
    (
        "service",
        lambda d: put(ind(d, "AA1")["applies_to"], "services", ["navy"]),
        "domains/1-alpha.yaml: AA1.applies_to.services",
        "unknown service 'navy'",
        1,
    ),
    (
        "unit_type",
        lambda d: put(ind(d, "AA1")["applies_to"], "unit_types", ["ship"]),
        "domains/1-alpha.yaml: AA1.applies_to.unit_types",
        "unknown unit type 'ship'",
        1,
    ),
    (
        "applies_to_empty_list",
        lambda d: put(ind(d, "AA1")["applies_to"], "services", []),
        "domains/1-alpha.yaml: AA1.applies_to.services",
        "must be a non-empty list",
        1,
    ),
    (
        "applies_to_unknown_key",
        lambda d: put(ind(d, "AA1")["applies_to"], "ranks", ["x"]),
        "domains/1-alpha.yaml: AA1.applies_to.ranks",
        "unknown key 'ranks'",
        1,
    ),
    (
        "comparability_key_duplicate",
        lambda d: put(ind(d, "BB1"), "comparability_key", "facilities.separate_toilets"),
        "domains/2-beta.yaml: BB1.comparability_key",
        "comparability key 'facilities.separate_toilets' is also used by AA1",
        1,
    ),
    (
        "comparability_key_format",
        lambda d: put(ind(d, "BB1"), "comparability_key", "a b"),
        "domains/2-beta.yaml: BB1.comparability_key",
        "must be a key such as",
        1,
    ),
    # links
    (
        "link_unknown",
        lambda d: put(ind(d, "AA1")["links"], "primary", ["R27", "R99"]),
        "domains/1-alpha.yaml: AA1.links.primary",
        "links to unknown recommendation 'R99'",
        1,
    ),
    (
        "link_both",
        lambda d: put(ind(d, "AA2")["links"], "supporting", ["R27"]),
        "domains/1-alpha.yaml: AA2.links.supporting",
        "R27 is listed as both primary and supporting",
        1,
    ),
    (
        "link_twice",
        lambda d: put(ind(d, "AA3")["links"], "primary", ["R01", "R01"]),
        "domains/1-alpha.yaml: AA3.links.primary",
        "R01 is listed twice",
        1,
    ),
    (
        "link_not_list",
        lambda d: put(ind(d, "AA3")["links"], "primary", "R01"),
        "domains/1-alpha.yaml: AA3.links.primary",
        "must be a list of recommendation codes",
        1,
    ),
    (
        "scored_without_links",
        lambda d: drop(ind(d, "AA3"), "links"),
        "domains/1-alpha.yaml: AA3.links",
        "a scored indicator must link to at least one recommendation",
        1,
    ),
    # expressions
    (
        "skip_if_syntax",
        lambda d: put(ind(d, "AA2"), "skip_if", "AA1 = 'no'"),
        "domains/1-alpha.yaml: AA2.skip_if",
        "invalid expression in AA2: unexpected character '=': use == to compare (at position 5)",
        1,
    ),
    (
        "skip_if_not_text",
        lambda d: put(ind(d, "AA2"), "skip_if", True),
        "domains/1-alpha.yaml: AA2.skip_if",
        "must be an expression in quotes, not True",
        1,
    ),
    (
        "skip_if_unknown",
        lambda d: put(ind(d, "AA2"), "skip_if", "ZZ1 == 'no'"),
        "domains/1-alpha.yaml: AA2.skip_if",
        "refers to unknown indicator ZZ1",
        1,
    ),
    (
        "skip_if_later",
        lambda d: put(ind(d, "AA2"), "skip_if", "AA3 == 'meets'"),
        "domains/1-alpha.yaml: AA2.skip_if",
        "skip_if refers to AA3, which comes later; skip_if may only use answers to earlier "
        "questions",
        1,
    ),
    (
        "skip_if_itself",
        lambda d: put(ind(d, "AA2"), "skip_if", "AA2 == 'no'"),
        "domains/1-alpha.yaml: AA2.skip_if",
        "skip_if cannot refer to the indicator itself (AA2)",
        1,
    ),
    (
        "rule_syntax",
        lambda d: put(ind(d, "AA5")["rules"][0], "check", "AA5 <= sum(AA4)"),
        "domains/1-alpha.yaml: AA5.rules[0].check",
        "invalid expression in AA5: function calls are not allowed",
        1,
    ),
    (
        "rule_unknown_indicator",
        lambda d: put(ind(d, "AA5")["rules"][0], "check", "AA5 <= ZZ9"),
        "domains/1-alpha.yaml: AA5.rules[0].check",
        "refers to unknown indicator ZZ9",
        1,
    ),
    (
        "rule_message_translation",
        lambda d: drop(ind(d, "AA5")["rules"][0]["message"], "es"),
        "domains/1-alpha.yaml: AA5.rules[0].message.es",
        "missing es translation",
        1,
    ),
    (
        "rule_missing_check",
        lambda d: drop(ind(d, "AA5")["rules"][0], "check"),
        "domains/1-alpha.yaml: AA5.rules[0].check",
        "required key is missing",
        1,
    ),
    (
        "formula_unknown_indicator",
        lambda d: put(ind(d, "AA4a"), "formula", "XX1 / 2"),
        "domains/1-alpha.yaml: AA4a.formula",
        "refers to unknown indicator XX1",
        1,
    ),
    (
        "formula_cycle",
        lambda d: put(ind(d, "AA4a"), "formula", "BB6 * 2"),
        "domains/1-alpha.yaml: AA4a.formula",
        "formulas form a cycle: AA4a → BB6 → AA4a",
        1,
    ),
    (
        "formula_self_cycle",
        lambda d: put(ind(d, "BB6"), "formula", "BB6 + 1"),
        "domains/2-beta.yaml: BB6.formula",
        "formulas form a cycle: BB6 → BB6",
        1,
    ),
    (
        "part_of_non_table",
        lambda d: put(ind(d, "AA4a"), "formula", "AA5.women / 2"),
        "domains/1-alpha.yaml: AA4a.formula",
        "AA5.women is not valid: AA5 is a count question",
        1,
    ),
    (
        "table_without_part",
        lambda d: put(ind(d, "AA5")["rules"][0], "check", "AA5 <= AA4"),
        "domains/1-alpha.yaml: AA5.rules[0].check",
        "AA4 is a sex table; refer to a part such as AA4.total",
        1,
    ),
    (
        "unknown_row",
        lambda d: put(ind(d, "AA4a"), "formula", "AA4.generals.women / AA4.total * 100"),
        "domains/1-alpha.yaml: AA4a.formula",
        "AA4 has no row 'generals' (its rows: officers, others)",
        1,
    ),
    (
        "value_never_answered",
        lambda d: put(ind(d, "AA2"), "skip_if", "AA1 == 'maybe'"),
        "domains/1-alpha.yaml: AA2.skip_if",
        "AA1 is never 'maybe'; its answers are yes, no",
        1,
    ),
    (
        "choice_value_unknown",
        lambda d: put(ind(d, "BB4"), "skip_if", "BB3 != 'nobody'"),
        "domains/2-beta.yaml: BB4.skip_if",
        "BB3 is never 'nobody'; its answers are full, part, none",
        1,
    ),
    (
        "in_on_single_choice",
        lambda d: put(ind(d, "BB4"), "skip_if", "'none' in BB3"),
        "domains/2-beta.yaml: BB4.skip_if",
        "'in' needs a multi_choice answer; BB3 is a choice question",
        1,
    ),
    (
        "in_unknown_option",
        lambda d: put(ind(d, "BB4")["rules"][0], "check", "not ('nothing' in BB4)"),
        "domains/2-beta.yaml: BB4.rules[0].check",
        "BB4 has no option 'nothing'",
        1,
    ),
    (
        "arithmetic_on_yes_no",
        lambda d: put(ind(d, "AA4a"), "formula", "AA1 * 100"),
        "domains/1-alpha.yaml: AA4a.formula",
        "AA1 is a yes_no question; arithmetic needs a number",
        1,
    ),
    (
        "ordering_on_choice",
        lambda d: put(ind(d, "BB4"), "skip_if", "BB3 > 1"),
        "domains/2-beta.yaml: BB4.skip_if",
        "BB3 is a choice question; an ordering comparison needs a number",
        1,
    ),
    (
        "formula_is_a_condition",
        lambda d: put(ind(d, "AA4a"), "formula", "AA5 > 3"),
        "domains/1-alpha.yaml: AA4a.formula",
        "a formula must compute a number, not a condition or a text",
        1,
    ),
    (
        "equals_on_multi_choice",
        lambda d: put(ind(d, "BB4")["rules"][0], "check", "BB4 == 'health'"),
        "domains/2-beta.yaml: BB4.rules[0].check",
        "BB4 is a multi_choice answer; test it with 'health' in BB4",
        1,
    ),
]


@pytest.mark.parametrize(
    ("change", "place", "fragment", "count"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_broken(
    tmp_path: Path,
    change: Callable[[Docs], object],
    place: str,
    fragment: str,
    count: int | None,
) -> None:
    problems = problems_after(tmp_path, change)
    matching = [p for p in problems if p.place == place and fragment in p.message]
    assert matching, "\n".join(map(str, problems))
    if count is not None:
        assert len(problems) == count, "\n".join(map(str, problems))


def test_case_ids_are_unique() -> None:
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    def three(docs: Docs) -> None:
        put(docs[FW], "format", 7)
        put(ind(docs, "AA1"), "weight", 5)
        drop(ind(docs, "BB7")["options"][1]["label"], "ar")

    problems = problems_after(tmp_path, three)
    assert [p.place for p in problems] == [
        "framework.yaml: format",
        "domains/1-alpha.yaml: AA1.weight",
        "domains/2-beta.yaml: BB7.options[1].label.ar",
    ]


# --------------------------------------------------------------------------- files


def write(folder: Path, name: str, content: str) -> None:
    (folder / name).write_text(content, encoding="utf-8")


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    write(folder, B, "code: BB\ntitle: {en: x\nindicators: []\n")
    fw, problems = read(folder)
    assert fw is None
    assert len(problems) == 1
    assert problems[0].place == "domains/2-beta.yaml: line 3"
    assert problems[0].message.startswith("YAML error:")


def test_question_marks_in_flow_mappings_are_a_yaml_error(tmp_path: Path) -> None:
    # PyYAML's own parser does not allow "?" in unquoted text inside {...} (libyaml does); the
    # loader uses the stricter one so a file loads the same everywhere; FORMAT.md says to quote.
    folder = copy_valid(tmp_path)
    write(folder, B, "code: BB\ntitle: {en: Why?, ar: x, fr: x, es: x}\n")
    _, problems = read(folder)
    assert problems[0].place == "domains/2-beta.yaml: line 2"


def test_duplicate_yaml_keys_are_problems(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    content = (
        (VALID / FW)
        .read_text(encoding="utf-8")
        .replace('version: "1.0"\n', 'version: "1.0"\nversion: "1.1"\n')
    )
    write(folder, FW, content)
    _, problems = read(folder)
    assert problems == [
        FileProblem(
            "framework.yaml: line 6", "duplicate key 'version' (only the last one would count)"
        )
    ]


def test_missing_framework_yaml(tmp_path: Path) -> None:
    fw, problems = read(tmp_path)
    assert fw is None
    assert problems == [FileProblem("framework.yaml", "file not found")]


def test_empty_framework_yaml(tmp_path: Path) -> None:
    write(tmp_path, FW, "# nothing yet\n")
    assert read(tmp_path) == (None, [FileProblem("framework.yaml", "file is empty")])


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / FW).write_bytes(b"code: caf\xe9\n")
    _, problems = read(tmp_path)
    assert problems == [FileProblem("framework.yaml", "not UTF-8 text (bad byte at offset 9)")]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    write(tmp_path, FW, "code: !!python/object/apply:os.system ['true']\n")
    _, problems = read(tmp_path)
    assert len(problems) == 1
    assert problems[0].place == "framework.yaml: line 1"
    assert "could not determine a constructor" in problems[0].message


def test_alias_bombs_are_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        previous = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([previous] * 10)}]")
    write(tmp_path, FW, "\n".join(lines) + "\n")
    _, problems = read(tmp_path)
    assert problems == [FileProblem("framework.yaml", "file expands to more than 500000 values")]


def test_deeply_nested_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, FW, "code: " + "[" * 3000 + "]" * 3000 + "\n")
    assert read(tmp_path) == (
        None,
        [FileProblem("framework.yaml", "YAML error: the data is nested too deeply")],
    )


def test_symlinked_include_cannot_escape_the_folder(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    (tmp_path / "secret.yaml").write_text("code: ZZ\n", encoding="utf-8")
    (folder / "domains" / "3-link.yaml").symlink_to(tmp_path / "secret.yaml")
    docs = load_docs(folder)
    docs[FW]["domains"].append({"include": "domains/3-link.yaml"})
    write_docs(folder, docs)
    _, problems = read(folder)
    assert problems == [
        FileProblem(
            "framework.yaml: domains[2].include",
            "domains/3-link.yaml points outside the framework folder",
        )
    ]


def test_unquoted_yes_and_no_stay_text(tmp_path: Path) -> None:
    # YAML 1.1 would read these keys as booleans; the loader keeps them as the words.
    folder = copy_valid(tmp_path)
    content = (folder / A).read_text(encoding="utf-8")
    content = content.replace('"no":', "no:").replace('"yes":', "yes:")
    write(folder, A, content)
    fw, problems = read(folder)
    assert problems == []
    assert fw is not None
    assert set(fw.indicator("AA2").levels) == {"no", "partly", "yes"}


def test_boolean_level_keys_from_another_loader_get_a_hint() -> None:
    doc = copy.deepcopy(dict(load_source(VALID)))
    levels = doc["domains"][0]["indicators"][1]["levels"]
    levels[False] = levels.pop("no")
    problems = validate(doc)
    assert (
        FileProblem(
            "framework.yaml: domains[0].AA2.levels.False",
            "unknown level False for type no_partly_yes (quote yes and no)",
        )
        in problems
    )


def test_plain_dict_documents_get_index_places() -> None:
    doc = copy.deepcopy(dict(load_source(VALID)))
    doc["domains"][1]["indicators"][0]["weight"] = 9
    assert validate(doc) == [
        FileProblem(
            "framework.yaml: domains[1].BB1.weight", "must be 1 (normal) or 2 (priority), not 9"
        )
    ]


def test_inline_domains_are_accepted() -> None:
    doc = copy.deepcopy(dict(load_source(VALID)))
    assert validate(doc) == []
    fw = spec.build(doc)
    assert fw.checksum == spec.checksum(doc)


def test_problem_str() -> None:
    assert str(FileProblem("framework.yaml: code", "bad")) == "framework.yaml: code: bad"


def _paths(value: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def test_validate_never_raises_on_junk() -> None:
    base = dict(load_source(VALID))
    junk: list[object] = [None, -1, float("nan"), True, "", [None], {"a": 1}]
    paths = _paths(base)
    assert len(paths) > 400
    for path in paths[1:]:
        for value in junk:
            doc = copy.deepcopy(base)
            target = doc
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
            problems = validate(doc)  # must not raise
            assert isinstance(problems, list)
    for value in junk:
        assert validate(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- shipped content


def shipped_folders() -> list[Path]:
    return sorted(p.parent for p in SHIPPED.glob("*/framework.yaml"))


@pytest.mark.parametrize("folder", shipped_folders(), ids=lambda p: p.name)
def test_shipped_frameworks_are_valid(folder: Path) -> None:
    fw, problems = read(folder)
    assert problems == [], "\n".join(map(str, problems))
    assert fw is not None
    assert from_dict(to_dict(fw)) == fw


# --------------------------------------------------------------------------- JSON Schema


SCHEMA_PATH = HERE.parent.parent / "audit" / "frameworks" / "schema.json"


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_committed_schema_is_the_generated_one() -> None:
    # schema.json is written from the pydantic models; after changing them, run
    # `python -m audit.frameworks.spec.schema`.
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_module.schema_text()


def test_schema_and_models_follow_the_constants() -> None:
    defs = schema()["$defs"]
    assert tuple(defs["Translated"]["required"]) == spec.LANGUAGES
    assert tuple(documents.INDICATOR_TYPES) == spec.ANSWER_TYPES
    applies = defs["AppliesTo"]["properties"]
    assert tuple(applies["services"]["items"]["enum"]) == spec.SERVICES
    assert tuple(applies["unit_types"]["items"]["enum"]) == spec.UNIT_TYPES
    assert tuple(defs["Band"]["properties"]["level"]["enum"]) == spec.LEVELS
    assert tuple(fileformat.NoPartlyYesLevels.model_fields) == spec.TYPE_LEVELS["no_partly_yes"]
    assert tuple(fileformat.RubricLevels.model_fields) == spec.TYPE_LEVELS["rubric"]
    mapping = defs["Domain"]["properties"]["indicators"]["items"]["discriminator"]["mapping"]
    assert set(mapping) == set(spec.ANSWER_TYPES)


def test_fixture_and_shipped_files_match_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema())
    validator = jsonschema.Draft202012Validator(schema())
    paths = [VALID / name for name in FILES]
    for folder in shipped_folders():
        paths += [folder / "framework.yaml", *sorted(folder.glob("domains/*.yaml"))]
    for path in paths:
        data = loading.Loader(path.read_text(encoding="utf-8")).get_single_data()
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], path
    broken = yaml.safe_load((VALID / A).read_text(encoding="utf-8"))
    broken["indicators"][2]["type"] = "yesno"
    del broken["indicators"][0]["text"]["ar"]
    assert len(list(validator.iter_errors(broken))) >= 2
