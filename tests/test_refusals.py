"""A refusal no view caught: JSON for a script, else a flash and back to a page of this site."""

from __future__ import annotations

import pytest

from audit.refusals import Refused, message


@pytest.fixture
def refusing(app):
    def refuse():
        raise Refused("cycle_dates", "closes_on")

    app.add_url_rule("/test-refusal", "test_refusal", refuse, methods=["POST"])
    return app.test_client()


def test_a_script_gets_the_refusal_as_json(refusing):
    response = refusing.post("/test-refusal", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.json["error"] == "cycle_dates"
    assert response.json["field"] == "closes_on"


@pytest.mark.parametrize(
    ("referrer", "back_to"),
    [
        ("http://localhost/audits/3?x=1", "/audits/3"),
        ("/units", "/units"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("javascript:alert(1)", "/"),
        (None, "/"),
    ],
)
def test_a_page_gets_a_flash_and_goes_back_on_this_site_only(refusing, app, referrer, back_to):
    headers = {"Referer": referrer} if referrer else {}
    response = refusing.post("/test-refusal", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == back_to
    with refusing.session_transaction() as session:
        flashes = session.get("_flashes", [])
    with app.test_request_context():
        assert ("error", message("cycle_dates")) in flashes
