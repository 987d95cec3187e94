"""Names of countries, institutions and units in each language: the fallback rule, the admin
forms that set them, and the pages that show them in the reader's language."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from audit.accounts.models import Role, User
from audit.demo.data import DEMO_ORGS
from audit.demo.names import DEMO_NAMES
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import Country, Institution, Unit
from audit.orgs.names import (
    clean_translations,
    localized_name,
    localized_name_sql,
    pick_name,
)
from audit.transactions import unit_of_work
from config import LANGUAGES
from forms.orgs import VERSION_LABELS
from tests.conftest import Org, UserFactory, row_count

# --- the rule (pure) -----------------------------------------------------------------------


def test_the_reader_s_version_else_the_name_as_entered():
    versions = {"en": None, "ar": "لبنان", "fr": "Liban", "es": "  "}
    assert pick_name("Lebanon", versions, "ar") == "لبنان"
    assert pick_name("Lebanon", versions, "fr") == "Liban"
    assert pick_name("Lebanon", versions, "es") == "Lebanon"  # blank is no version
    assert pick_name("Lebanon", versions, "en") == "Lebanon"
    assert pick_name("Lebanon", versions, None) == "Lebanon"  # no language: as entered
    assert pick_name("Lebanon", versions, "de") == "Lebanon"


def test_localized_name_reads_objects_and_rows():
    unit = Unit(name="Station", name_ar="مخفر", name_en="Police station")
    assert unit.entered_name == "Station"
    assert localized_name(unit, "ar") == "مخفر"
    assert localized_name(unit, "en") == "Police station"
    assert localized_name(unit, "fr") == "Station"
    row = {"name": "Station", "name_fr": "Poste", "name_ar": None}
    assert localized_name(row, "fr") == "Poste"
    assert localized_name(row, "ar") == "Station"


def test_stored_versions_are_stripped_and_empty_ones_cleared():
    assert clean_translations({"ar": "  مخفر ", "fr": "", "xx": "ignored"}) == {
        "en": None,
        "ar": "مخفر",
        "fr": None,
        "es": None,
    }


def test_every_language_has_a_column_and_a_form_field():
    for model in (Country, Institution, Unit):
        assert {f"name_{code}" for code in LANGUAGES} <= set(model.__table__.columns.keys())
    assert set(VERSION_LABELS) == set(LANGUAGES)


def test_in_a_query_name_is_the_entered_name_and_the_localised_column_follows_the_locale(app):
    assert str(select(Unit.name)) == str(select(Unit.entered_name))
    with app.test_request_context(), force_locale("ar"):
        assert "name_ar" in str(select(localized_name_sql(Unit)))
        assert "name_ar" in str(select(Unit.name_ar))
    assert "coalesce" not in str(select(localized_name_sql(Unit))).lower()  # no language


def test_every_demo_name_has_arabic_french_and_spanish():
    names = []
    for _code, country, institutions in DEMO_ORGS:
        names.append(country)
        for institution, _kind, units in institutions:
            names.append(institution)
            names += [unit[1] for unit in units]
    for name in names:
        assert set(DEMO_NAMES[name]) == {"ar", "fr", "es"}, name


# --- helpers ---------------------------------------------------------------------------------


def reader(
    app: Flask, make_user: UserFactory, role: Role | None, locale: str, **scope
) -> FlaskClient:
    """A client signed in as a new user who reads the app in `locale`."""
    email = make_user(role, **scope)
    with app.app_context(), unit_of_work():
        user = db.session.scalar(select(User).where(User.email == email))
        user.locale = locale
        token = user.login_token
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    return client


def text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def unit_form(org: Org, **changes: str) -> dict[str, object]:
    return {
        "institution_id": org.police,
        "parent_id": org.region,
        "code": "STATION-A",
        "name": "Station-A",
        "unit_type": "station",
        "active": "y",
    } | changes


def stored(app: Flask, model, thing_id: int) -> dict[str, str | None]:
    with app.app_context(), unit_of_work():
        thing = db.session.get(model, thing_id)
        return {"name": thing.entered_name} | {
            code: getattr(thing, f"name_{code}") for code in LANGUAGES
        }


# --- the admin forms -------------------------------------------------------------------------


def test_admin_gives_a_unit_an_arabic_name_that_arabic_readers_see(app, make_user, org):
    admin = reader(app, make_user, Role.ADMIN, "en")
    response = admin.post(
        f"/admin/units/{org.station_a}", data=unit_form(org, name_ar="مخفر الأشرفية")
    )
    assert response.status_code == 302
    assert stored(app, Unit, org.station_a) == {
        "name": "Station-A",
        "en": None,
        "ar": "مخفر الأشرفية",
        "fr": None,
        "es": None,
    }
    arabic = reader(app, make_user, Role.COMMANDER, "ar", unit_id=org.station_a)
    english = reader(app, make_user, Role.COMMANDER, "en", unit_id=org.station_a)
    page = text(arabic, f"/units/{org.station_a}")
    assert re.search(r"<h1>\s*مخفر الأشرفية\s*</h1>", page)
    assert "مخفر الأشرفية" in text(arabic, "/units")
    page = text(english, f"/units/{org.station_a}")
    assert re.search(r"<h1>\s*Station-A\s*</h1>", page)
    assert "مخفر الأشرفية" not in page


def test_an_english_version_replaces_the_entered_name_for_english_readers(app, make_user, org):
    with app.app_context(), unit_of_work():
        orgs.save_country(
            None,
            db.session.get(Country, org.country),
            "LB",
            "Liban",
            {"en": "Lebanon", "ar": "لبنان"},
        )
    english = reader(app, make_user, Role.COMMANDER, "en", unit_id=org.station_a)
    french = reader(app, make_user, Role.COMMANDER, "fr", unit_id=org.station_a)
    assert "<dd>Lebanon</dd>" in text(english, f"/units/{org.station_a}")
    assert "<dd>Liban</dd>" in text(french, f"/units/{org.station_a}")


def test_country_and_institution_forms_take_the_four_versions(app, make_user, org):
    admin = reader(app, make_user, Role.ADMIN, "en")
    versions = {"name_en": "Lebanon", "name_ar": "لبنان", "name_fr": "Liban", "name_es": "Líbano"}
    response = admin.post(
        f"/admin/countries/{org.country}", data={"code": "LB", "name": "Lebanon"} | versions
    )
    assert response.status_code == 302
    assert stored(app, Country, org.country)["es"] == "Líbano"
    response = admin.post(
        f"/admin/institutions/{org.police}",
        data={"country_id": org.country, "name": "Police", "kind": "police", "name_ar": "الشرطة"},
    )
    assert response.status_code == 302
    assert stored(app, Institution, org.police)["ar"] == "الشرطة"
    arabic = reader(app, make_user, Role.ADMIN, "ar")
    page = text(arabic, "/admin/orgs")
    assert "لبنان" in page
    assert "الشرطة" in page


def test_the_form_shows_the_entered_name_and_each_version_in_its_own_direction(app, make_user, org):
    with app.app_context(), unit_of_work():
        unit = db.session.get(Unit, org.station_a)
        unit.set_translations({"ar": "مخفر", "fr": "Poste A"})
    arabic_admin = reader(app, make_user, Role.ADMIN, "ar")
    page = text(arabic_admin, f"/admin/units/{org.station_a}")
    assert re.search(r'<input[^>]*id="name"[^>]*value="Station-A"', page)
    arabic = re.search(r'<input[^>]*id="name_ar"[^>]*>', page)
    assert arabic
    assert {'dir="rtl"', 'lang="ar"', 'value="مخفر"'} <= set(arabic.group(0)[7:-1].split())
    french = re.search(r'<input[^>]*id="name_fr"[^>]*>', page)
    assert french
    assert {'dir="ltr"', 'lang="fr"'} <= set(french.group(0)[7:-1].split())
    # Saving the form as an Arabic reader keeps the entered name as it was; emptying a version
    # clears it.
    response = arabic_admin.post(
        f"/admin/units/{org.station_a}", data=unit_form(org, name_ar="مخفر", name_fr="")
    )
    assert response.status_code == 302
    assert stored(app, Unit, org.station_a) == {
        "name": "Station-A",
        "en": None,
        "ar": "مخفر",
        "fr": None,
        "es": None,
    }


def test_a_too_long_version_is_refused_and_changes_nothing(app, make_user, org):
    admin = reader(app, make_user, Role.ADMIN, "en")
    before = stored(app, Unit, org.station_a)
    response = admin.post(f"/admin/units/{org.station_a}", data=unit_form(org, name_ar="م" * 201))
    assert response.status_code == 200
    assert "Field cannot be longer than 200 characters." in response.get_data(as_text=True)
    assert stored(app, Unit, org.station_a) == before


@pytest.mark.parametrize("role", [Role.COMMANDER, Role.ADVISER, Role.DONOR, None])
def test_only_administrators_may_change_names(app, make_user, org, role):
    scope = {
        Role.COMMANDER: {"unit_id": org.station_a},
        Role.ADVISER: {"unit_id": org.region},
        Role.DONOR: {"country_id": org.country},
    }.get(role, {})
    client = reader(app, make_user, role, "en", **scope)
    before = stored(app, Unit, org.station_a), stored(app, Country, org.country)
    events = row_count(app, "activity_events")
    for url, data in [
        (f"/admin/units/{org.station_a}", unit_form(org, name_ar="اسم")),
        (f"/admin/countries/{org.country}", {"code": "LB", "name": "X", "name_ar": "اسم"}),
        (
            f"/admin/institutions/{org.police}",
            {"country_id": org.country, "name": "X", "kind": "police"},
        ),
    ]:
        assert client.post(url, data=data).status_code in (403, 404), (role, url)
    assert (stored(app, Unit, org.station_a), stored(app, Country, org.country)) == before
    assert row_count(app, "activity_events") == events
