"""The history page: an audit's log told to people.

Every kind of entry has a label in the reader's language (`EVENT_LABELS`; a test checks that
every kind the services write has one). Values are shown as the form shows them: options by
their label, numbers and dates in the reader's locale, a count-by-sex table as one short line
per row. The filters (domain, question, person, kind) are a GET form; a value that is not one
of the choices is ignored and the page says so. Entries come a page at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from flask import render_template, request
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from audit import paging
from audit.audits import services
from audit.audits.messages import STATE_LABELS
from audit.audits.models import Audit, AuditLogEntry, AuditState
from audit.frameworks import spec
from audit.frameworks.expr import CELL_PARTS
from audit.frameworks.labels import LEVEL_LABELS
from audit.i18n import pick
from forms.audits import COLUMNS
from forms.history import HistoryFilterForm

#: Entries a page.
PER_PAGE = 50
#: Longer narrative answers are cut in the list (the whole text is on the domain page).
MAX_TEXT = 400

#: Every kind of log entry the services write, as a person reads it.
EVENT_LABELS = {
    "audit.created": _l("Audit opened"),
    "audit.submitted": _l("Signed off and submitted"),
    "audit.returned": _l("Returned to the unit"),
    "audit.validated": _l("Validated"),
    "audit.reopened": _l("Reopened"),
    "answer.saved": _l("Answer saved"),
    "answer.overridden": _l("Rating set by the reviewer"),
    "evidence.added": _l("Evidence added"),
    "evidence.removed": _l("Evidence removed"),
    "query.opened": _l("Question from the reviewer"),
    "query.replied": _l("Reply to a question"),
}


def event_label(action: str) -> str:
    """The label of an entry's kind; an unknown kind (an older release's) shows its code."""
    label = EVENT_LABELS.get(action)
    return str(label) if label is not None else action


# --- values as the form shows them ------------------------------------------------------------


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    # An amount with cents keeps both digits (1,500.50), as money is written.
    return format_decimal(value, "#,##0.00" if isinstance(value, float) else "#,##0")


def _option(ind: spec.Indicator, code: object) -> str:
    if ind.type == "choice" or ind.type == "multi_choice":
        option = next((o for o in ind.options if o.code == code), None)
        return pick(option.label) if option is not None else str(code)
    label = LEVEL_LABELS.get(str(code))
    return str(label) if label is not None else str(code)


def _table(ind: spec.Indicator, value: Mapping[str, object]) -> list[str]:
    lines = []
    for row in ind.rows:
        cells = value.get(row.code)
        if not isinstance(cells, Mapping):
            continue
        parts = [f"{COLUMNS[c]} {_number(cells.get(c, 0))}" for c in CELL_PARTS]
        lines.append(f"{pick(row.label)}: " + " · ".join(parts))
    return lines


def _date(value: object) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def answer_lines(ind: spec.Indicator | None, snap: object) -> list[str]:
    """A stored answer (as the log keeps it) as short lines of text."""
    if not isinstance(snap, Mapping):
        return []
    if snap.get("not_applicable"):
        reason = snap.get("na_reason")
        text = _("Not applicable")
        return [f"{text}: {reason}" if reason else text]
    value = snap.get("value")
    if value is None:
        return [_("No answer")]
    if ind is None:
        return [str(value)]
    if ind.type == "sex_table" and isinstance(value, Mapping):
        return _table(ind, value)
    if ind.type == "multi_choice" and isinstance(value, list):
        return [", ".join(_option(ind, code) for code in value)]
    if ind.type in ("yes_no", "no_partly_yes", "rubric", "choice"):
        return [_option(ind, value)]
    if ind.type == "count":
        return [_number(value)]
    if ind.type == "amount":
        currency = snap.get("currency")
        return [f"{_number(value)} {currency}" if currency else _number(value)]
    if ind.type == "date":
        return [_date(value)]
    text = str(value)
    return [text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"]


def _state(value: object) -> list[str]:
    try:
        return [str(STATE_LABELS[AuditState(str(value))])]
    except ValueError:
        return [str(value)]


def _details(value: Mapping[str, object]) -> list[str]:
    """Evidence, a reviewer's rating, a new audit: the parts a person recognises."""
    lines = []
    if value.get("file"):
        lines.append(_("File: %(name)s", name=value["file"]))
    if value.get("reference"):
        lines.append(_("Reference: %(text)s", text=value["reference"]))
    if "level" in value:
        level = value.get("level")
        lines.append(str(LEVEL_LABELS[str(level)]) if level in LEVEL_LABELS else _("No override"))
    if value.get("reason"):
        lines.append(_("Reason: %(text)s", text=value["reason"]))
    if value.get("cycle"):
        lines.append(_("Cycle: %(name)s", name=value["cycle"]))
    return lines


def value_lines(entry: AuditLogEntry, ind: spec.Indicator | None, value: object) -> list[str]:
    """The old or new value of an entry as lines of text ([] when there is none)."""
    if value is None:
        return []
    if entry.action == "answer.saved":
        return answer_lines(ind, value)
    if isinstance(value, str):
        return _state(value)
    if isinstance(value, Mapping):
        return _details(value)
    return [str(value)]


@dataclass(frozen=True)
class Row:
    """One entry as the page lists it."""

    entry: AuditLogEntry
    label: str
    question: str
    before: list[str]
    after: list[str]


def rows(entries: list[AuditLogEntry], framework: spec.Framework) -> list[Row]:
    found = []
    for entry in entries:
        ind = None
        if entry.indicator is not None:
            try:
                ind = framework.indicator(entry.indicator.code)
            except KeyError:
                ind = None
        found.append(
            Row(
                entry,
                event_label(entry.action),
                pick(ind.text) if ind is not None else "",
                value_lines(entry, ind, entry.old),
                value_lines(entry, ind, entry.new),
            )
        )
    return found


# --- filters and pages ------------------------------------------------------------------------


def _filter_form(audit: Audit, framework: spec.Framework) -> HistoryFilterForm:
    form = HistoryFilterForm(formdata=request.args)
    anything: list[tuple[str, str]] = [("", _("Any"))]
    form.domain.choices = anything + [(d.code, pick(d.title)) for d in framework.domains]
    form.indicator.choices = anything + [
        (i.code, f"{i.code} {pick(i.text)}"[:90]) for i in framework.indicators
    ]
    form.person.choices = anything + [(str(u.id), u.name) for u in services.people(audit)]
    form.kind.choices = anything + [(k, str(v)) for k, v in EVENT_LABELS.items()]
    return form


def history(audit_id: int) -> str:
    """The audit's log, newest first, filtered and a page at a time."""
    audit = services.audit_for(current_user, audit_id)
    framework = services.framework_for(audit)
    form = _filter_form(audit, framework)
    form.validate()
    ignored = [str(f.label.text) for f in form if f.name != "page" and f.errors]
    for field in form:
        if field.errors:
            field.data = ""
    page = paging.page_number(request.args.get("page"))
    if page is None:
        ignored.append(_("Page"))
        page = 1
    ids = services.indicator_rows(audit.cycle.framework_version)
    where = services.LogFilter(
        domain_code=form.domain.data or None,
        indicator_id=ids[form.indicator.data].id if form.indicator.data else None,
        actor_id=int(form.person.data) if form.person.data else None,
        action=form.kind.data or None,
    )
    entries, total = services.history_page(audit, where, page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        page = pages
        entries, total = services.history_page(audit, where, page, PER_PAGE)
    args = {f.name: f.data for f in form if f.name != "page" and f.data}
    return render_template(
        "audits/history.html",
        audit=audit,
        rows=rows(entries, framework),
        form=form,
        ignored=ignored,
        filtered=bool(args),
        args=args,
        page=page,
        pages=pages,
        total=total,
        code=form.indicator.data or None,
    )
