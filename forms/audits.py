"""Audit forms, built from the framework: one form per domain, a field per applicable question."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from audit.frameworks import spec
from audit.frameworks.labels import LEVEL_LABELS
from audit.i18n import pick
from forms.base import BaseForm

#: Sex-table columns and how they are named.
COLUMNS = {"women": _l("Women"), "men": _l("Men"), "not_recorded": _l("Not recorded")}


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _row_form(row: spec.Row, locale: str) -> type[BaseForm]:
    class RowForm(BaseForm):
        class Meta:
            csrf = False

    for column, label in COLUMNS.items():
        setattr(
            RowForm,
            column,
            StringField(
                label,
                render_kw={
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "data-column": column,
                    "aria-label": f"{pick(row.label, locale)}: {label}",
                },
            ),
        )
    return RowForm


def _table_form(ind: spec.Indicator, locale: str) -> type[BaseForm]:
    class TableForm(BaseForm):
        class Meta:
            csrf = False

    for row in ind.rows:
        setattr(
            TableForm, row.code, FormField(_row_form(row, locale), label=pick(row.label, locale))
        )
    return TableForm


def answer_field(ind: spec.Indicator, locale: str) -> Field:
    """The WTForms field for one question (percentages are computed and have none)."""
    label = pick(ind.text, locale)
    levels = {
        "yes_no": ("yes", "no"),
        "no_partly_yes": ("no", "partly", "yes"),
        "rubric": ("missing", "approaches", "meets", "exceeds"),
    }
    if ind.type in levels:
        return RadioField(
            label, choices=[(c, LEVEL_LABELS[c]) for c in levels[ind.type]], validate_choice=False
        )
    if ind.type == "choice":
        return RadioField(
            label,
            choices=[(o.code, pick(o.label, locale)) for o in ind.options],
            validate_choice=False,
        )
    if ind.type == "multi_choice":
        return MultiCheckboxField(
            label,
            choices=[(o.code, pick(o.label, locale)) for o in ind.options],
            validate_choice=False,
        )
    if ind.type == "sex_table":
        return FormField(_table_form(ind, locale), label=label)
    if ind.type == "text":
        return TextAreaField(label, render_kw={"rows": 4})
    if ind.type == "date":
        return StringField(label, render_kw={"type": "date"})
    kind = {"count": "numeric", "amount": "decimal"}.get(ind.type, "text")
    return StringField(label, render_kw={"inputmode": kind, "autocomplete": "off"})


def domain_form_class(indicators: Iterable[spec.Indicator], locale: str) -> type[BaseForm]:
    """A form class for these questions, with not-applicable, reason and revision fields."""

    class DomainForm(BaseForm):
        pass

    for ind in indicators:
        if ind.type == "percentage":
            continue
        setattr(DomainForm, ind.code, answer_field(ind, locale))
        setattr(DomainForm, f"{ind.code}__na", BooleanField(_l("Does not apply to this unit")))
        setattr(
            DomainForm,
            f"{ind.code}__reason",
            TextAreaField(
                _l("Why it does not apply"), validators=[Length(max=2000)], render_kw={"rows": 2}
            ),
        )
        setattr(DomainForm, f"{ind.code}__rev", HiddenField())
        if ind.type == "amount":
            setattr(
                DomainForm,
                f"{ind.code}__currency",
                StringField(
                    _l("Currency (ISO code, e.g. USD)"), render_kw={"maxlength": 3, "size": 4}
                ),
            )
    return DomainForm


def raw_answer(form: BaseForm, ind: spec.Indicator) -> Any:
    """What the person typed for one question, in the shape audit.audits.values.parse reads."""
    data = form[ind.code].data
    if ind.type == "sex_table" and isinstance(data, Mapping):
        return {
            row: {col: (v or "") for col, v in cells.items() if col in COLUMNS}
            for row, cells in data.items()
            if isinstance(cells, Mapping)
        }
    if ind.type == "multi_choice":
        return list(data or [])
    return data if data is not None else ""


class SubmitForm(BaseForm):
    """The commander's sign-off: the statement is fixed (shown in full), and the commander
    confirms it with their name and position. Empty fields are refused by the service."""

    STATEMENT = _l(
        "I confirm that these answers are accurate and complete to the best of my knowledge."
    )

    name = StringField(
        _l("Your full name"),
        validators=[Length(max=200)],
        render_kw={"maxlength": 200, "autocomplete": "name"},
    )
    position = StringField(
        _l("Your position (rank and post)"),
        validators=[Length(max=200)],
        render_kw={"maxlength": 200, "autocomplete": "organization-title"},
    )
    confirm = BooleanField(_l("I confirm the statement above."))


class ReasonForm(BaseForm):
    """A written reason or note (return, reopen)."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 3})


class QueryForm(BaseForm):
    """A message in a query thread."""

    body = TextAreaField(_l("Message"), validators=[Length(max=4000)], render_kw={"rows": 3})


class OverrideForm(BaseForm):
    """The adviser's rating override."""

    level = RadioField(
        _l("Rating"),
        choices=[("", _l("No override"))] + [(c, LEVEL_LABELS[c]) for c in spec.LEVELS],
        validate_choice=False,
    )
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 2})


class EvidenceReferenceForm(BaseForm):
    """A document kept elsewhere."""

    reference = StringField(
        _l("Document reference (number, date, where it is kept)"), validators=[Length(max=500)]
    )


class EmptyForm(BaseForm):
    """CSRF only (buttons that change something)."""
