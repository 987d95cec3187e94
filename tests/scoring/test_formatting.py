"""A score is written exactly as Flask-Babel's format_decimal writes it, in every language."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from audit import create_app
from audit.scoring.formatting import fmt_score
from config import LANGUAGES, TestingConfig


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("formatting")
    return create_app(
        TestingConfig, {"DATABASE_URL": f"sqlite:///{folder / 'x.sqlite'}", "REDIS_URL": None}
    )


@given(value=st.floats(min_value=0, max_value=100_000, allow_nan=False))
def test_a_score_reads_as_babel_writes_it(plain_app, value):
    with plain_app.test_request_context():
        for lang in LANGUAGES:
            with force_locale(lang):
                assert fmt_score(value) == format_decimal(value, format="#,##0.#")


def test_no_score_is_a_dash(plain_app):
    with plain_app.test_request_context():
        assert fmt_score(None) == "—"
