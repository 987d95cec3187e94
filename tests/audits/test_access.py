"""Who gets what from every route of the audits blueprint, and hostile input.

Seven people ask: the commander of station A (whose audit it is), the commander of station B,
the adviser of the region (station A is in it), the adviser of the army, a donor, an
administrator and an anonymous visitor. A unit outside someone's scope is a 404, never a 403; a
refusal inside the scope is a message (a redirect with a flash, or 409 JSON for the background
save); and a refused request changes nothing: answers, log, evidence, queries and the audit's
state stay as they were. No input gives a 500.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from audit.audits import services
from audit.audits.models import Audit, AuditState, Evidence, EvidenceLink, QueryStatus, ReviewQuery
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGN_OFF_FORM, SIGNED, World, fill_small
from tests.evidence_files import PDF

NOT_ALLOWED = "You are not allowed to do that."
CONFLICT = "Someone else changed this answer meanwhile."

#: Every route of the blueprint and its methods; a new route must be added to the matrix below.
ROUTES = {
    "audits.index": {"GET"},
    "audits.show": {"GET"},
    "audits.domain": {"GET", "POST"},
    "audits.autosave": {"POST"},
    "audits.history": {"GET"},
    "audits.evidence_add": {"POST"},
    "audits.evidence_download": {"GET"},
    "audits.evidence_delete": {"POST"},
    "audits.evidence_link": {"POST"},
    "audits.submit": {"POST"},
    "audits.return_": {"POST"},
    "audits.validate": {"POST"},
    "audits.reopen": {"POST"},
    "audits.override": {"POST"},
    "audits.query_open": {"POST"},
    "audits.query_reply": {"POST"},
}


# --- outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ok:
    """Allowed: this status (a redirect after a change, 200 for a page)."""

    status: int = 200
    shows: str | None = None  # text on the page (or on the page redirected to)


@dataclass(frozen=True)
class Refused:
    """Refused inside the person's scope, with a message; nothing changes."""

    message: str = NOT_ALLOWED
    status: int = 302


LOGIN = "login"  # anonymous: sent to the sign-in page
NOT_FOUND = 404  # outside the person's scope: the audit does not exist for them
FORBIDDEN = 403

OUTSIDERS = {"other_commander": NOT_FOUND, "other_adviser": NOT_FOUND, "donor": NOT_FOUND}


def page_text(world: World, who: str | None, response: Any) -> str:
    """The response's text, or that of the page it redirects to (where the flash shows)."""
    if response.status_code == 302:
        response = world.client(who).get(response.location)
    return html.unescape(response.data.decode())


def check(world: World, who: str | None, method: str, url: str, outcome: object, **kw: Any) -> Any:
    """Ask as `who` and check the outcome; anything but Ok must leave everything unchanged."""
    before = world.snapshot()
    if isinstance(kw.get("data"), dict):  # files as (bytes, name, type): a fresh stream each time
        kw["data"] = {
            key: (io.BytesIO(value[0]), *value[1:])
            if isinstance(value, tuple) and isinstance(value[0], bytes)
            else value
            for key, value in kw["data"].items()
        }
    response = world.client(who).open(url, method=method, **kw)
    where = f"{who} {method} {url}"
    assert response.status_code != 500, where
    if isinstance(outcome, Ok):
        assert response.status_code == outcome.status, (where, response.status_code)
        if outcome.shows:
            assert outcome.shows in page_text(world, who, response), where
        response.close()
        return response
    if outcome == LOGIN:
        assert response.status_code == 302, where
        assert response.location.startswith("/login"), where
    elif isinstance(outcome, Refused):
        assert response.status_code == outcome.status, (where, response.status_code)
        if response.is_json:
            assert response.json["saved"] is False
            problems = response.json["problems"]
            assert any(outcome.message in problem for problem in problems), (where, problems)
        else:
            assert outcome.message in page_text(world, who, response), where
    else:
        assert response.status_code == outcome, (where, response.status_code)
    assert world.snapshot() == before, where
    return response


def run(world: World, method: str, url: str, outcomes: dict[str | None, object], **kw: Any):
    """Every person in turn: refusals first, then those allowed, in the order given."""
    assert set(outcomes) == {None, "commander", "adviser", "admin", *OUTSIDERS}, url
    ordered = sorted(outcomes.items(), key=lambda item: isinstance(item[1], Ok))
    for who, outcome in ordered:
        check(world, who, method, url, outcome, **kw)


def _evidence_id(world: World) -> int:
    with world.app.app_context(), unit_of_work():
        return db.session.scalars(select(Evidence.id).order_by(Evidence.id.desc())).first()


def _query_id(world: World) -> int:
    with world.app.app_context(), unit_of_work():
        return db.session.scalars(select(ReviewQuery.id)).one()


# --- the matrix -------------------------------------------------------------------------------


TESTED: set[str] = set()


def covers(*endpoints: str):
    TESTED.update(endpoints)
    return lambda test: test


def test_every_route_of_the_blueprint_is_in_the_matrix(app):
    found = {
        rule.endpoint: set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("audits.")
    }
    assert found == ROUTES
    assert set(ROUTES) == TESTED


@covers(
    "audits.index", "audits.show", "audits.domain", "audits.history", "audits.evidence_download"
)
def test_reading(small_world):
    w = small_world
    fill_small(w)
    with w.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, w.audit)
        services.add_evidence_file(
            w.user("commander"), audit, "AA1", "photos.pdf", "application/pdf", io.BytesIO(PDF)
        )
    a = w.audit
    run(
        w,
        "GET",
        "/audits/",
        {
            None: LOGIN,
            "donor": FORBIDDEN,
            "commander": Ok(shows="Station-A"),
            "other_commander": Ok(shows="Station-B"),
            "adviser": Ok(shows="Station-B"),
            "other_adviser": Ok(shows="Barracks"),
            "admin": Ok(shows="Barracks"),
        },
    )
    index = page_text(w, "commander", w.client("commander").get("/audits/"))
    assert "Station-B" not in index
    assert "Barracks" not in index
    assert "Station-A" not in page_text(
        w, "other_adviser", w.client("other_adviser").get("/audits/")
    )

    readers = {None: LOGIN, **OUTSIDERS, "commander": Ok(), "adviser": Ok(), "admin": Ok()}
    for url in (
        f"/audits/{a}",
        f"/audits/{a}/domains/AA",
        f"/audits/{a}/domains/BB",
        f"/audits/{a}/history",
        f"/audits/{a}/history?indicator=AA3",
        f"/audits/evidence/{_evidence_id(w)}",
    ):
        run(w, "GET", url, readers)
    # Only the commander gets a form that saves.
    for who, editable in (("commander", True), ("adviser", False), ("admin", False)):
        page = w.client(who).get(f"/audits/{a}/domains/AA").data.decode()
        assert ("data-autosave=" in page) is editable, who
        assert (f'action="/audits/{a}/answers/AA1/evidence"' in page) is editable, who


@covers("audits.autosave", "audits.evidence_add", "audits.evidence_delete", "audits.evidence_link")
def test_changing_answers_and_evidence(small_world):
    w = small_world
    a = w.audit
    refused = {
        None: LOGIN,
        **OUTSIDERS,
        "adviser": Refused(status=409),
        "admin": Refused(status=409),
    }
    run(
        w,
        "POST",
        f"/audits/{a}/answers/AA3",
        {**refused, "commander": Ok(200)},
        data={"AA3": "meets", "AA3__rev": "0"},
    )
    assert w.answer("AA3").value == "meets"

    refused = {None: LOGIN, **OUTSIDERS, "adviser": Refused(), "admin": Refused()}
    run(
        w,
        "POST",
        f"/audits/{a}/domains/AA",
        {**refused, "commander": Ok(302, shows="Saved.")},
        data={"AA3": "exceeds", "AA3__rev": "1", "AA5": "3"},
    )
    assert w.answer("AA3").value == "exceeds"
    assert w.answer("AA5").value == 3

    # Evidence: only the unit's commander; anyone else who sees the audit is forbidden.
    refused = {None: LOGIN, **OUTSIDERS, "adviser": FORBIDDEN, "admin": FORBIDDEN}
    run(
        w,
        "POST",
        f"/audits/{a}/answers/AA1/evidence",
        {**refused, "commander": Ok(302, shows="The evidence has been added.")},
        data={"reference": "Order 7/2026"},
    )
    run(
        w,
        "POST",
        f"/audits/evidence/{_evidence_id(w)}/links",
        {**refused, "commander": Ok(302, shows="also supports the questions you chose")},
        data={"code": "AA1", f"link-{_evidence_id(w)}": "AA3"},
    )
    with w.app.app_context(), unit_of_work():
        assert db.session.scalar(select(func.count()).select_from(EvidenceLink)) == 2
    run(
        w,
        "POST",
        f"/audits/{a}/answers/AA1/evidence",
        {**refused, "commander": Ok(302, shows="The evidence has been added.")},
        data={"file": (PDF, "order.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert w.counts()["evidence"] == 2
    for _ in range(2):
        run(
            w,
            "POST",
            f"/audits/evidence/{_evidence_id(w)}/delete",
            {**refused, "commander": Ok(302, shows="The evidence has been removed.")},
        )
    assert w.counts()["evidence"] == 0


@covers(
    "audits.submit",
    "audits.query_open",
    "audits.override",
    "audits.return_",
    "audits.query_reply",
    "audits.validate",
    "audits.reopen",
)
def test_the_review_workflow(small_world):
    w = small_world
    a = w.audit
    fill_small(w)
    base = {None: LOGIN, **OUTSIDERS}

    run(
        w,
        "POST",
        f"/audits/{a}/submit",
        {**base, "adviser": Refused(), "admin": Refused(), "commander": Ok(302)},
        data=SIGN_OFF_FORM,
    )
    assert w.state() is AuditState.SUBMITTED

    run(
        w,
        "POST",
        f"/audits/{a}/answers/AA5/queries",
        {**base, "commander": Refused(), "admin": Refused(), "adviser": Ok(302)},
        data={"body": "Why so few beds?"},
    )
    assert w.counts()["review_queries"] == 1

    run(
        w,
        "POST",
        f"/audits/{a}/answers/AA3/override",
        {**base, "commander": Refused(), "admin": Refused(), "adviser": Ok(302)},
        data={"level": "approaches", "reason": "No budget line."},
    )
    assert w.answer("AA3").override_level == "approaches"

    run(
        w,
        "POST",
        f"/audits/{a}/return",
        {**base, "commander": Refused(), "admin": Refused(), "adviser": Ok(302)},
        data={"reason": "See the question."},
    )
    assert w.state() is AuditState.RETURNED

    query_id = _query_id(w)
    run(
        w,
        "POST",
        f"/audits/queries/{query_id}/reply",
        {
            **base,
            "admin": Refused(),
            "adviser": Ok(302, shows="Your reply has been sent."),
            "commander": Ok(302, shows="Your reply has been sent."),
        },
        data={"body": "Two more rooms are planned."},
    )
    with w.app.app_context(), unit_of_work():
        assert db.session.get(ReviewQuery, query_id).status is QueryStatus.ANSWERED
    assert w.counts()["query_messages"] == 3

    w.act(services.submit, "commander", SIGNED)
    run(
        w,
        "POST",
        f"/audits/{a}/validate",
        {**base, "commander": Refused(), "admin": Refused(), "adviser": Ok(302)},
        data={"confirm": "y"},
    )
    assert w.state() is AuditState.VALIDATED

    run(
        w,
        "POST",
        f"/audits/{a}/reopen",
        {**base, "commander": Refused(), "adviser": Refused(), "admin": Ok(302)},
        data={"reason": "Wrong figures."},
    )
    assert w.state() is AuditState.RETURNED


# --- hostile input ----------------------------------------------------------------------------


def test_forged_ids_and_codes_are_not_found(small_world):
    w = small_world
    a = w.audit
    fill_small(w)
    w.act(services.submit, "commander", SIGNED)
    for who, method, url in [
        *[("commander", "GET", f"/audits/{n}{p}") for n in (0, 999_999) for p in ("", "/history")],
        *[
            ("commander", "POST", f"/audits/999999/{p}")
            for p in ("answers/AA3", "answers/AA1/evidence", "submit", "domains/AA")
        ],
        *[
            ("adviser", "POST", f"/audits/999999/{p}")
            for p in ("return", "validate", "answers/AA3/queries", "answers/AA3/override")
        ],
        ("admin", "POST", "/audits/999999/reopen"),
        ("commander", "GET", "/audits/evidence/999999"),
        ("commander", "POST", "/audits/evidence/999999/delete"),
        ("commander", "POST", "/audits/queries/999999/reply"),
        ("commander", "GET", f"/audits/{a}/domains/ZZ"),
        ("commander", "GET", f"/audits/{a}/domains/aa"),
        ("adviser", "POST", f"/audits/{a}/answers/ZZ9/override"),
        ("adviser", "POST", f"/audits/{a}/answers/ZZ9/queries"),
    ]:
        check(w, who, method, url, NOT_FOUND, data={"body": "x", "reason": "x", "level": "meets"})
    for url in ("/audits/abc", "/audits/-1", "/audits/1.5", "/audits/evidence/x"):
        check(w, "commander", "GET", url, NOT_FOUND)


def test_hostile_answers_are_refused_or_read_safely(small_world):
    w = small_world
    a = w.audit

    def save(code: str, data: Any, outcome: object, **kw: Any) -> Any:
        return check(
            w, "commander", "POST", f"/audits/{a}/answers/{code}", outcome, data=data, **kw
        )

    for code in ("ZZ9", "AA4a", "BB6", "aa3", "AA3 ", "AA3%00", "..", "AA3.json"):
        save(code, {code: "1"}, NOT_FOUND)

    too_long = Refused("The text is too long: at most 4000 characters.", 422)
    save("BB5", {"BB5": "x" * 100_000}, too_long)
    save(
        "AA3",
        {"AA3__na": "y", "AA3__reason": "x" * 100_000},
        Refused("Field cannot be longer than 2000 characters.", 422),
    )
    save("AA5", {"AA5": "9" * 100_000}, Refused("Enter a number.", 422))
    save("AA5", {"AA5": "9" * 20}, Refused("The number must be at most 1000.", 422))
    save("AA5", {"AA5": "1e400"}, Refused("Enter a number.", 422))
    save("BB1", {"BB1": "9" * 30, "BB1__currency": "USD"}, Refused("must be at most", 422))
    save("BB1", {"BB1": "Infinity", "BB1__currency": "USD"}, Refused("Enter a number.", 422))
    cells = {f"AA4-{r}-{c}": "1" for r in ("officers", "others") for c in ("women", "men")}
    cells |= {"AA4-officers-not_recorded": "9" * 40, "AA4-others-not_recorded": "0"}
    save("AA4", cells, Refused("Not recorded: A cell can hold at most 10000000.", 422))
    save(
        "BB3", {"BB3": "<script>alert(1)</script>"}, Refused("Choose an answer from the list.", 422)
    )
    save("BB4", {"BB4": ["health", "' OR 1=1 --"]}, Refused("Choose an answer from the list.", 422))

    # A stale, negative, fractional or non-numeric revision is a conflict, never a 500.
    for revision in ("abc", "-1", "1.0", "0x1", "1e3", "\u0663", "00000000000000000000001"):
        save("AA3", {"AA3": "meets", "AA3__rev": revision}, Refused(CONFLICT, 409))

    # Several values where one is expected: the first is read. Unknown and odd field names,
    # another question's fields and a forged token are ignored.
    save("AA3", {"AA3": ["meets", "exceeds"], "AA3__rev": ["0", "9"]}, Ok(200))
    assert w.answer("AA3").value == "meets"
    save(
        "AA3",
        {
            "AA3": "approaches",
            "AA3__rev": "1",
            "AA3[value]": "exceeds",
            "AA3__rev[]": "7",
            "__proto__": "x",
            "AA5": "999",
            "AA4-officers-women": "5",
            "csrf_token": "forged",
            "unknown": "y" * 10_000,
        },
        Ok(200),
    )
    assert w.answer("AA3").value == "approaches"
    assert w.answer("AA5") is None
    assert w.answer("AA4") is None
    # Multiple choices as a comma list are one unknown option, not a split.
    save("BB4", {"BB4": "health,legal_aid"}, Refused("Choose an answer from the list.", 422))
    # The N/A box with any value but "false" is ticked; a reason is still needed.
    save("BB3", {"BB3__na": "definitely"}, Refused("Say why this question does not apply.", 422))


def test_hostile_input_on_the_other_routes(small_world):
    w = small_world
    a = w.audit
    # The plain form: 100k characters in a text and in a reason, a huge count.
    response = check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/domains/BB",
        Ok(200),
        data={"BB5": "x" * 100_000, "BB7": "army"},
    )
    assert "The text is too long: at most 4000 characters." in page_text(w, "commander", response)
    assert w.answer("BB5") is None
    assert w.answer("BB7").value == "army"
    check(w, "commander", "POST", f"/audits/{a}/domains/AA", Ok(200), data={"AA5": "9" * 5000})
    assert w.answer("AA5") is None
    response = check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/domains/BB",
        Ok(200),
        data={"BB3__na": "y", "BB3__reason": "r" * 100_000, "BB3": "full"},
    )
    assert w.answer("BB3") is None
    # Evidence: a very long reference, a file field that is text, a file with a hostile name.
    check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/answers/AA1/evidence",
        Refused("The text is too long: at most 500 characters."),
        data={"reference": "r" * 100_000},
    )
    check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/answers/AA1/evidence",
        Refused("Describe the document, for example its number and date."),
        data={"file": "not a file"},
    )
    check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/answers/AA1/evidence",
        Ok(302),
        data={"file": (PDF, "../../etc/passwd.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    with w.app.app_context(), unit_of_work():
        evidence = db.session.scalars(select(Evidence)).one()
        assert evidence.filename == "passwd.pdf"
        assert "/" not in evidence.stored_name
    # An open redirect through "next" is not followed.
    for target in ("https://evil.example/", "//evil.example/", "/audits/1//evil.example"):
        response = check(
            w,
            "commander",
            "POST",
            f"/audits/{a}/answers/AA1/evidence",
            Refused("Describe the document, for example its number and date."),
            data={"reference": "", "next": target},
        )
        assert response.location == f"/audits/{a}/domains/AA#q-AA1", target

    fill_small(w)
    # Workflow forms: over-long fields are refused by the form (400), empty ones with a message.
    page = check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/submit",
        Ok(200),
        data={**SIGN_OFF_FORM, "name": "s" * 100_000},
    )
    assert "Field cannot be longer than 200 characters." in page_text(w, "commander", page)
    w.act(services.submit, "commander", SIGNED)
    check(
        w,
        "adviser",
        "POST",
        f"/audits/{a}/answers/AA5/queries",
        Refused("4000", 400),  # the page says how long a message may be
        data={"body": "q" * 5000},
    )
    check(w, "adviser", "POST", f"/audits/{a}/return", 400, data={"reason": "r" * 100_000})
    check(
        w,
        "adviser",
        "POST",
        f"/audits/{a}/answers/AA3/override",
        Refused("Choose a level from the list."),
        data={"level": ["z" * 10_000] + ["meets", "x"] * 1000, "reason": "because"},
    )


# --- found while writing these tests ----------------------------------------------------------


def test_ids_beyond_the_integer_range_are_not_found(small_world):
    w = small_world
    for url in ("/audits/2147483648", "/audits/99999999999999999999", "/audits/evidence/2**63"):
        check(w, "commander", "GET", url.replace("2**63", str(2**63)), NOT_FOUND)
    check(w, "commander", "POST", f"/audits/queries/{2**64}/reply", NOT_FOUND, data={"body": "x"})


def test_odd_digit_revisions_are_a_conflict(small_world):
    w = small_world
    for revision in ("²", "9" * 5000):
        check(
            w,
            "commander",
            "POST",
            f"/audits/{w.audit}/answers/AA3",
            Refused(CONFLICT, 409),
            data={"AA3": "meets", "AA3__rev": revision},
        )


def test_a_json_object_is_read_like_the_form_and_checked_the_same(small_world):
    w = small_world
    url = f"/audits/{w.audit}/answers"
    check(w, "commander", "POST", f"{url}/AA3", Ok(200), json={"AA3": "meets", "AA3__rev": "0"})
    assert w.answer("AA3").value == "meets"
    for code, body, message in [
        # refused before the form reads them (forms/base.py): text or a list of texts only
        ("AA5", {"AA5": 5}, "The value of “AA5” must be text or a list of texts."),
        ("AA5", {"AA5": [1, 2]}, "The value of “AA5” must be text or a list of texts."),
        ("AA5", {"AA5": 10**400}, "The value of “AA5” must be text or a list of texts."),
        (
            "AA3",
            {"AA3": {"level": "x"}, "AA3__rev": "1"},
            "The value of “AA3” must be text or a list of texts.",
        ),
        ("BB4", {"BB4": [["health"]]}, "The value of “BB4” must be text or a list of texts."),
    ]:
        response = w.client("commander").post(f"{url}/{code}", json=body)
        assert response.status_code == 422, body
        assert response.json["message"] == message  # forms/base.py: the generic refusal body


def test_a_json_body_that_is_not_an_object_is_a_bad_request(small_world):
    w = small_world
    a = w.audit
    for body in ("[1, 2]", '"AA3=meets"', "5"):
        for url in (
            f"/audits/{a}/answers/AA3",
            f"/audits/{a}/domains/AA",
            f"/audits/{a}/answers/AA1/evidence",
            f"/audits/{a}/submit",
        ):
            check(w, "commander", "POST", url, 400, data=body, content_type="application/json")


def test_a_plain_form_that_fails_validation_says_why(small_world):
    w = small_world
    response = w.client("commander").post(
        f"/audits/{w.audit}/domains/BB",
        data={"BB3__na": "y", "BB3__reason": "r" * 2001, "BB3": "full"},
    )
    assert response.status_code == 200
    assert "Field cannot be longer than 2000 characters." in page_text(w, "commander", response)
    assert w.answer("BB3") is None


def test_nul_characters_are_refused_everywhere(small_world):
    w = small_world
    a = w.audit
    bad = "before\x00after"
    check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/answers/AA3",
        Refused("The text contains characters that cannot be stored.", 422),
        data={"AA3__na": "y", "AA3__reason": bad},
    )
    check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/answers/AA1/evidence",
        Refused("The text contains characters that cannot be stored."),
        data={"reference": bad},
    )
    # A file name with NUL: refused, or kept without it.
    response = w.client("commander").post(
        f"/audits/{a}/answers/AA1/evidence",
        data={"file": (io.BytesIO(PDF), "a\x00b.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with w.app.app_context(), unit_of_work():
        assert all("\x00" not in name for name in db.session.scalars(select(Evidence.filename)))
    fill_small(w)
    check(
        w,
        "commander",
        "POST",
        f"/audits/{a}/submit",
        # the sign-off form refuses it next to the field (forms/base.py), the page shown again
        Refused("The text contains characters that cannot be stored.", 200),
        data={**SIGN_OFF_FORM, "position": bad},
    )
    w.act(services.submit, "commander", SIGNED)
    check(
        w,
        "adviser",
        "POST",
        f"/audits/{a}/answers/AA5/queries",
        # refused by the form (forms/base.py) before the service, saying why; nothing changes
        Refused("The text contains characters that cannot be stored.", 400),
        data={"body": bad},
    )
    check(
        w,
        "adviser",
        "POST",
        f"/audits/{a}/answers/AA3/override",
        # refused by the form (forms/base.py) before the service, saying why; nothing changes
        Refused("The text contains characters that cannot be stored.", 400),
        data={"level": "meets", "reason": bad},
    )
