"""Languages: the user's choice, then the browser; Arabic pages are right-to-left. And the guards:
every template string is wrapped for translation, every catalog is complete, messages.pot is
current."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from audit.accounts.models import Role, User
from audit.extensions import db
from audit.paths import ROOT
from audit.transactions import unit_of_work


def test_browser_language_is_followed(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).data.decode()
    assert '<html lang="fr" dir="ltr">' in page


def test_arabic_is_right_to_left(client):
    page = client.get("/login", headers={"Accept-Language": "ar"}).data.decode()
    assert '<html lang="ar" dir="rtl">' in page


def test_unknown_browser_language_falls_back_to_english(client):
    page = client.get("/login", headers={"Accept-Language": "de"}).data.decode()
    assert '<html lang="en" dir="ltr">' in page


def test_choice_before_signing_in_beats_the_browser(client):
    client.post("/language", data={"locale": "es", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "fr"}).data.decode()
    assert 'lang="es"' in page


def test_signed_in_choice_is_remembered_on_the_account(app, client, auth, make_user):
    email = make_user(Role.ADMIN)
    auth.login(email)
    response = client.post("/language", data={"locale": "ar", "next": "/"})
    assert response.location == "/"
    with app.app_context(), unit_of_work():
        assert db.session.query(User).filter_by(email=email).one().locale == "ar"
    other = app.test_client()
    other.post("/login", data={"email": email, "password": "correct horse battery"})
    assert 'dir="rtl"' in other.get("/", headers={"Accept-Language": "en"}).data.decode()


def test_unknown_language_is_refused_with_a_message(client):
    response = client.post(
        "/language", data={"locale": "xx", "next": "//evil.example"}, follow_redirects=False
    )
    assert response.location == "/"


# --- guards: every template string is wrapped, every catalog complete, messages.pot current ----

TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "audit" / "translations"
POT = TRANSLATIONS / "messages.pot"
CATALOG_LANGUAGES = ("ar", "fr", "es")
#: Attributes a person reads or hears (a tooltip, a placeholder, a screen reader's name, an image's
#: text); the value of a submit or button input is its visible caption.
READ_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt"})
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
#: A python-format placeholder: %(name)s, %d, %.1f … (%% is a literal percent sign).
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?(?P<type>[a-zA-Z%])"
)


def _has_words(text: str) -> bool:
    """Text with at least one letter: pure punctuation, numbers and symbols need no translation."""
    return any(unicodedata.category(char).startswith("L") for char in text)


def _template_html(source: str) -> str:
    """The HTML a template writes, with every Jinja expression, statement and comment replaced by
    a space, and the text of {% trans %} blocks (translated as a whole) left out. Lines stay
    where they were, so findings name the template's own line numbers."""
    html: list[str] = []
    line = 1
    in_trans = False
    tag: list[str] = []  # the names of the current {% … %} statement
    for lineno, kind, value in jinja2.Environment().lex(source):
        if kind == "block_begin":
            tag = []
        elif kind == "name" and not tag:
            tag.append(value)
            in_trans = value == "trans" or (in_trans and value != "endtrans")
        if kind.endswith("_begin"):
            html.append(" ")
        if kind != "data" or in_trans:
            continue
        if lineno > line:  # keep the template's line numbers
            html.append("\n" * (lineno - line))
            line = lineno
        html.append(value)
        line += value.count("\n")
    return "".join(html)


class _TextFinder(HTMLParser):
    """Visible text nodes and read attributes that contain words, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            read = name in READ_ATTRIBUTES or (
                tag == "input"
                and name == "value"
                and (values.get("type") or "").strip().lower() in BUTTON_INPUTS
            )
            if read and value and _has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and _has_words(data):
            self.found.append((self.getpos()[0], " ".join(data.split())))


def _unwrapped(source: str) -> list[tuple[int, str]]:
    finder = _TextFinder()
    finder.feed(_template_html(source))
    finder.close()
    return finder.found


def test_the_template_guard_finds_text_outside_gettext() -> None:
    source = (
        '{# a comment is not shown #}<p title="{{ _(\'Tip\') }}">{{ _("Saved") }} '
        "{{ when }} UTC</p>\n"
        '<img alt="Logo" src="x.png"><input type="submit" value="Go">'
        '<input type="text" value="{{ v }}"><span>— 12 % · {{ n }}/{{ m }}</span>'
        "{% if x %}<b>{% trans %}Hello {{ name }}{% endtrans %}</b>{% endif %}"
        '<script src="a.js"></script><style>p { color: red }</style>'
    )
    assert _unwrapped(source) == [(1, "UTC"), (2, 'alt="Logo"'), (2, 'value="Go"')]


def test_every_template_text_is_wrapped_for_translation() -> None:
    """Visible text and the title, placeholder, aria-label and alt attributes (and the caption of
    submit and button inputs) of every template go through _(), gettext or ngettext."""
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line, text in _unwrapped(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "text not wrapped for translation:\n" + "\n".join(problems)


def _placeholders(text: str) -> list[tuple[str | None, str]]:
    """The python-format placeholders of a message, named ones sorted (their order may change
    in a translation), positional ones in order."""
    found = [
        (m.group("name"), m.group("type"))
        for m in PLACEHOLDER.finditer(text)
        if m.group("type") != "%"
    ]
    named = sorted((n, t) for n, t in found if n is not None)
    return named + [(n, t) for n, t in found if n is None]


def _catalog(language: str) -> Catalog:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    with path.open("rb") as po:
        return read_po(po, locale=language)


def _catalog_problems(catalog: Catalog, template: Catalog | None) -> list[str]:
    """Untranslated, fuzzy and placeholder-mismatched messages of a catalog, and the messages of
    the template (messages.pot) it does not have."""
    problems = []
    if catalog.fuzzy:
        problems.append("the catalog header is marked fuzzy")
    for message in catalog:
        if not message.id:
            continue
        name = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if message.fuzzy:
            problems.append(f"fuzzy: {name!r}")
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(strings) or (message.pluralizable and len(strings) != catalog.num_plurals):
            problems.append(f"untranslated: {name!r}")
            continue
        if message.pluralizable:
            # A plural form may write the count out in words ("one", "two" in Arabic), so only
            # %(num)d may be left out; no form may use a placeholder the message does not have.
            wanted = _placeholders(message.id[1])
            for form in strings:
                got = _placeholders(form)
                if not set(got) <= set(wanted) or {p for p in wanted if p[0] != "num"} - set(got):
                    problems.append(f"placeholders differ: {name!r} -> {form!r}")
        elif ("python-format" in message.flags or _placeholders(message.id)) and (
            _placeholders(message.string) != _placeholders(message.id)
        ):
            problems.append(f"placeholders differ: {name!r} -> {message.string!r}")
    if template is not None:
        problems += [
            f"missing from the catalog: {m.id!r}" for m in template if m.id and m.id not in catalog
        ]
    return problems


def test_the_catalog_check_finds_untranslated_fuzzy_and_broken_messages() -> None:
    catalog = Catalog(locale="fr", fuzzy=False)
    catalog.add("Saved", "Enregistré")
    catalog.add("Save", "")
    catalog.add("Close %(name)s", "Fermer %(nom)s", flags=["python-format"])
    catalog.add("Done", "Fait", flags=["fuzzy"])
    catalog.add(("%(num)d unit", "%(num)d units"), ("%(num)d unité", ""), flags=["python-format"])
    template = Catalog()
    for msgid in ("Saved", "Save", "Close %(name)s", "Done", "Sign in"):
        template.add(msgid)
    assert _catalog_problems(catalog, template) == [
        "untranslated: 'Save'",
        "placeholders differ: 'Close %(name)s' -> 'Fermer %(nom)s'",
        "fuzzy: 'Done'",
        "untranslated: '%(num)d unit'",
        "missing from the catalog: 'Sign in'",
    ]


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalog_is_complete(language: str) -> None:
    """Every message of messages.pot translated (every plural form), none fuzzy, and with the
    same python-format placeholders as its msgid."""
    with POT.open("rb") as pot:
        template = read_po(pot)
    problems = _catalog_problems(_catalog(language), template)
    assert not problems, f"{len(problems)} problems in the {language} catalog:\n" + "\n".join(
        problems
    )


def _message_ids(catalog: Catalog) -> set[object]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def test_messages_pot_is_up_to_date(tmp_path: Path) -> None:
    """The committed messages.pot holds exactly the strings the code and templates wrap: extracted
    again with the options of `flask translate extract` (audit/cli.py), nothing is new or gone."""
    fresh = tmp_path / "messages.pot"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "--no-location",
            "--sort-output",
            "-o",
            str(fresh),
            str(ROOT),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with POT.open("rb") as committed, fresh.open("rb") as extracted:
        old, new = _message_ids(read_po(committed)), _message_ids(read_po(extracted))
    changes = [f"new: {m}" for m in sorted(map(str, new - old))]
    changes += [f"gone: {m}" for m in sorted(map(str, old - new))]
    assert not changes, (
        "messages.pot is out of date: run `flask --app audit translate update`\n"
        + "\n".join(changes)
    )
