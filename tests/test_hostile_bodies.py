"""Hostile bodies are refused with a clear message and change nothing (the fuzz test's findings)."""

from __future__ import annotations

import json

from wtforms import StringField

from audit.accounts.models import Role
from forms.base import UNSTORABLE, BaseForm, IdField
from tests.conftest import row_count

HUGE = "9" * 309


def _admin(auth, make_user) -> None:
    assert auth.login(make_user(Role.ADMIN)).status_code == 302


def test_a_json_body_of_texts_is_read_like_the_form(client, auth, make_user, app):
    _admin(auth, make_user)
    response = client.post("/admin/countries/new", json={"code": "FR", "name": "France"})
    assert response.status_code == 302
    assert row_count(app, "countries") == 1


def test_json_values_without_one_reading_are_refused(client, auth, make_user, app):
    _admin(auth, make_user)
    for value in (True, None, 5, 10**400, {"a": "b"}, [["x"]], float("nan"), float("inf")):
        body = json.dumps({"code": "FR", "name": value}, allow_nan=True)
        response = client.post("/admin/countries/new", data=body, content_type="application/json")
        assert response.status_code == 422, value
        assert response.json["error"] == "json_value"
        assert response.json["field"] == "name"
        assert "“name”" in response.json["message"]
    assert row_count(app, "countries") == 0


def test_a_nul_byte_is_refused_in_every_form(client, auth, make_user, app):
    _admin(auth, make_user)
    for send in (
        lambda: client.post("/admin/countries/new", data={"code": "FR", "name": "Fr\x00ance"}),
        lambda: client.post("/admin/countries/new", json={"code": "FR", "name": "Fr\x00ance"}),
    ):
        response = send()
        assert response.status_code == 200  # the form again, the message next to the name
        assert "The text contains characters that cannot be stored." in response.text
    assert row_count(app, "countries") == 0


def test_every_field_refuses_a_nul_byte_next_to_it(app):
    class Form(BaseForm):
        name = StringField()

    with app.test_request_context(method="POST", data={"name": "a\x00b"}):
        form = Form()
        assert not form.validate()
        assert form.name.errors == [str(UNSTORABLE)]


def test_an_id_beyond_every_column_is_invalid_not_an_overflow(app):
    class Form(BaseForm):
        some_id = IdField()

    for raw in (HUGE, "-" + HUGE, "2147483648"):
        with app.test_request_context(method="POST", data={"some_id": raw}):
            form = Form()
            assert not form.validate()
            assert form.some_id.data is None


def test_a_309_digit_id_asks_for_no_workbook(client, auth, make_user, app):
    _admin(auth, make_user)
    for body in (
        {"kind": "full_data", "cycle_id": HUGE},
        {"kind": "unit_scorecard", "audit_id": HUGE},
    ):
        assert client.post("/exports/", data=body).status_code < 500
        assert client.post("/exports/", json=body).status_code < 500
    assert row_count(app, "exports") == 0


def test_a_huge_activity_cursor_shows_the_first_page(client, auth, make_user):
    _admin(auth, make_user)
    for before in (HUGE, "-" + HUGE, "2147483648"):
        assert client.get("/admin/activity", query_string={"before": before}).status_code == 200


def test_a_value_the_database_refuses_is_a_400_not_a_500(database_url, tmp_path):
    from sqlalchemy.exc import DataError

    from tests.conftest import make_app

    app = make_app(database_url, tmp_path / "instance")

    @app.get("/_overflow")
    def overflow() -> str:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    @app.get("/_data_error")
    def data_error() -> str:
        raise DataError("INSERT", {}, Exception("invalid byte sequence: 0x00"))

    client = app.test_client()
    for path in ("/_overflow", "/_data_error"):
        response = client.get(path)
        assert response.status_code == 400
        assert b"cannot be stored" in response.data
