"""The pieces of the audit pages that read and save the domain forms: initial values, which
answers changed, saving them, problems as sentences, and the progress the domain menu shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, session
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from audit.audits import services, values
from audit.audits.models import Audit
from audit.audits.services.answers import dependents
from audit.frameworks import spec
from audit.frameworks.evaluation import Compared
from audit.i18n import pick, text_direction
from audit.refusals import Refused, message
from forms.audits import COLUMNS, raw_answer

#: Where a plain evidence post leaves its outcome for the domain page to show at the question.
OUTCOME_KEY = "evidence_outcome"


def pop_evidence_outcome() -> dict[str, object] | None:
    """The outcome of the last evidence change, once (the domain page shows it at its question)."""
    return session.pop(OUTCOME_KEY, None)


def blockers_by_domain(
    data: services.AuditData, blocking: Sequence[tuple[str, values.Problem]]
) -> list[tuple[spec.Domain, list[tuple[spec.Indicator, str]]]]:
    """Every blocking problem, grouped by domain in framework order, with its question."""
    grouped: dict[str, list[tuple[spec.Indicator, str]]] = {}
    for code, problem in blocking:
        ind = data.framework.indicator(code)
        grouped.setdefault(ind.domain_code, []).append((ind, problem_text(problem, ind)))
    return [(d, grouped[d.code]) for d in data.framework.domains if d.code in grouped]


def _compared_value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_decimal(value)


#: First-strong isolate ... pop directional isolate: in a right-to-left sentence a Latin code
#: such as "GA8b" keeps its own direction instead of swapping places with its neighbours.
FSI, PDI = "\u2068", "\u2069"


def _code(code: str) -> str:
    return f"{FSI}{code}{PDI}" if text_direction() == "rtl" else code


def compared_text(compared: Sequence[Compared]) -> str:
    """The answers a broken rule compares, as the form shows them: "RR1 · Total: 120; DA1: 118"
    (in Arabic each code is isolated with FSI … PDI, which are invisible)."""
    parts = []
    for ref, row_label, value in compared:
        name = [_code(ref.code)]
        if row_label:
            name.append(pick(row_label))
        if ref.part == "total":
            name.append(_("Total"))
        elif ref.part in COLUMNS:
            name.append(str(COLUMNS[ref.part]))
        parts.append(f"{' · '.join(name)}: {_compared_value(value)}")
    return "; ".join(parts)


def problem_text(problem: values.Problem, ind: spec.Indicator | None = None) -> str:
    """A problem as a sentence; a sex-table cell problem names its row and column; a broken
    rule says the values it compared."""
    params = dict(problem.params)
    rule = params.pop("rule", None)
    compared = params.pop("compared", ())
    if isinstance(rule, spec.Rule):
        if not compared:
            return pick(rule.message)
        return _(
            "%(message)s Now: %(values)s.",
            message=pick(rule.message),
            values=compared_text(compared),
        )
    text = message(problem.code, **params)
    if ind is not None and problem.part and "." in problem.part:
        row_code, column = problem.part.split(".", 1)
        row = next((r for r in ind.rows if r.code == row_code), None)
        if row is not None and column in COLUMNS:
            return f"{pick(row.label)} · {COLUMNS[column]}: {text}"
    return text


def problem_texts(problems: Sequence[values.Problem], ind: spec.Indicator) -> list[str]:
    """Problems as sentences; a table that is only partly filled in gets one message, not one
    per empty cell (it is what a person sees while still typing)."""
    if problems and all(p.code == "cell_required" for p in problems):
        return [message("table_incomplete", count=len(problems))]
    return [problem_text(p, ind) for p in problems]


def broken_rules(data: services.AuditData, code: str) -> dict[str, dict[str, list[str]]]:
    """The broken rules of an answer and of the answers whose rules read it, by indicator, as
    they stand now, those that block submission apart from those that only warn: the page
    shows each at its own question (or at this one when the other question is on another
    page)."""
    codes = {code, *dependents(data.framework).get(code, ())}
    found: dict[str, dict[str, list[str]]] = {}
    for c in sorted(codes):
        status = data.statuses.get(c)
        if status is None or not status.applicable:
            continue
        broken = [p for p in status.problems if p.code == "rule_broken"]
        found[c] = {
            "blocking": [problem_text(p) for p in broken if values.rule_blocks(p)],
            "warnings": [problem_text(p) for p in broken if not values.rule_blocks(p)],
        }
    return found


def conflict_body(conflict: dict[str, Any], ind: spec.Indicator) -> dict[str, Any]:
    """What the page needs to offer "keep mine" (save again on `revision`) and "take theirs"
    (put `input` into the fields). A newer save by the same person came from another tab or
    window: it says so instead of blaming someone else."""
    yours = conflict["by_id"] is not None and conflict["by_id"] == current_user.id
    body: dict[str, Any] = {
        "conflict": {
            "revision": conflict["revision"],
            "by": conflict["by"],
            "yours": yours,
            "input": values.to_input(ind, conflict["value"]),
            "not_applicable": conflict["not_applicable"],
            "reason": conflict["na_reason"] or "",
            "currency": conflict["currency"] or "",
        }
    }
    if yours:
        body["problems"] = [
            _(
                "You changed this answer in another tab or window meanwhile. "
                "Keep this version or take the other one."
            )
        ]
    return body


def domain_or_404(data: services.AuditData, code: str) -> spec.Domain:
    try:
        return data.framework.domain(code)
    except KeyError:
        abort(404)


def initial(data: services.AuditData, indicators: list[spec.Indicator]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for ind in indicators:
        answer = data.answers.get(ind.code)
        initial[ind.code] = values.to_input(ind, answer.value if answer else None)
        initial[f"{ind.code}__na"] = bool(answer and answer.not_applicable)
        initial[f"{ind.code}__reason"] = (answer.na_reason or "") if answer else ""
        initial[f"{ind.code}__rev"] = str(answer.revision if answer else 0)
        if ind.type == "amount":
            initial[f"{ind.code}__currency"] = (answer.currency or "") if answer else ""
    return initial


def save_one(
    audit: Audit, form: Any, ind: spec.Indicator, data: services.AuditData | None = None
) -> services.SaveResult:
    revision_text = form[f"{ind.code}__rev"].data or "0"
    # isdecimal() alone accepts digits int() refuses ("²"); anything odd counts as a conflict.
    base = int(revision_text) if revision_text.isdecimal() and len(revision_text) < 10 else -1
    currency = form[f"{ind.code}__currency"].data if ind.type == "amount" else ""
    return services.save_answer(
        current_user,
        audit,
        ind.code,
        raw_answer(form, ind),
        base_revision=base or None,
        not_applicable=bool(form[f"{ind.code}__na"].data),
        na_reason=form[f"{ind.code}__reason"].data or "",
        currency=currency or "",
        data=data,
    )


def unchanged(data: services.AuditData, form: Any, ind: spec.Indicator) -> bool:
    answer = data.answers.get(ind.code)
    stored = values.to_input(ind, answer.value if answer else None)
    same_value = raw_answer(form, ind) == stored or (
        ind.type == "multi_choice" and sorted(raw_answer(form, ind)) == sorted(stored or [])
    )
    same_na = bool(form[f"{ind.code}__na"].data) == bool(answer and answer.not_applicable)
    same_reason = (form[f"{ind.code}__reason"].data or "") == (
        (answer.na_reason or "") if answer else ""
    )
    same_currency = ind.type != "amount" or (form[f"{ind.code}__currency"].data or "").upper() == (
        (answer.currency or "") if answer else ""
    )
    return same_value and same_na and same_reason and same_currency


def save_form(
    audit: Audit, data: services.AuditData, form: Any, shown: Sequence[spec.Indicator]
) -> int:
    """Save every changed answer of a domain form; give how many were not saved."""
    failed = 0
    for ind in shown:
        if ind.type == "percentage" or unchanged(data, form, ind):
            continue
        try:
            result = save_one(audit, form, ind)
        except Refused as error:
            # Refused before this answer changed anything: the answers saved before it in the
            # same form stay, so the transaction is not rolled back here.
            form[ind.code].errors = [error.message]
            failed += 1
            continue
        if not result.saved:
            failed += 1
            form[ind.code].errors = problem_texts(result.problems, ind)
            if result.conflict is not None:
                form[f"{ind.code}__rev"].data = str(result.conflict["revision"])
    return failed


def changed_since_submission(audit: Audit) -> set[int]:
    """Indicator ids whose answers changed since the audit was last returned (for reviewers)."""
    entries = services.history(audit)
    changed: set[int] = set()
    for entry in entries:  # newest first
        if entry.action == "audit.returned":
            break
        if entry.action == "answer.saved" and entry.indicator_id is not None:
            changed.add(entry.indicator_id)
    return changed if any(e.action == "audit.returned" for e in entries) else set()


def progress(data: services.AuditData) -> dict[str, dict[str, object]]:
    """Answered of counted questions per domain, as the domain menu shows them (updated after a
    save): the scorecard's count, so a full domain here has full coverage there."""
    out: dict[str, dict[str, object]] = {}
    for domain in data.framework.domains:
        done, total = data.progress(domain)
        if total:
            out[domain.code] = {
                "done": done,
                "total": total,
                "label": _(
                    "%(answered)d of %(applicable)d scored questions answered",
                    answered=done,
                    applicable=total,
                ),
                "count": f"{format_decimal(done)}/{format_decimal(total)}",
            }
    return out
