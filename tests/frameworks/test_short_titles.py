"""Tables are titled by a question's short title (framework field `short`), not its wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.frameworks import spec
from audit.frameworks.labels import short_title
from audit.frameworks.services import SHIPPED


@pytest.fixture(scope="module")
def shipped() -> spec.Framework:
    [folder] = [p.parent for p in Path(SHIPPED).glob("*/framework.yaml")]
    fw, problems = spec.read(folder)
    assert fw is not None, problems
    assert not problems
    return fw


def test_every_table_of_counts_has_a_short_title_in_every_language(shipped) -> None:
    tables = [ind for ind in shipped.indicators if ind.type == "sex_table"]
    assert tables
    for ind in tables:
        assert ind.short is not None, ind.code
        assert set(ind.short) == set(spec.LANGUAGES), ind.code
        for lang in spec.LANGUAGES:
            assert 0 < len(ind.short[lang]) < len(ind.text[lang]), (ind.code, lang)
            assert not ind.short[lang].endswith("?"), (ind.code, lang)


def test_the_short_title_survives_the_database_round_trip(shipped) -> None:
    again = spec.from_dict(spec.to_dict(shipped))
    assert again.indicator("TR3").short == shipped.indicator("TR3").short


def test_short_title_falls_back_to_the_question(shipped, app) -> None:
    with app.test_request_context():
        assert short_title(shipped.indicator("TR3")) == shipped.indicator("TR3").short["en"]
        question = shipped.indicator("FA2a")
        assert question.short is None
        assert short_title(question) == question.text["en"]
