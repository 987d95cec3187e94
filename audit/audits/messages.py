"""How audit states, cycle statuses and refusals are told to people.

Services and audit/audits/values.py refuse with message keys and parameters (`Refused(reason,
**params)`, `values.Problem(code, params)`); the web layer turns them into text with `message()`.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from audit.audits.models import AuditState, CycleStatus

STATE_LABELS = {
    AuditState.NOT_STARTED: _l("Not started"),
    AuditState.IN_PROGRESS: _l("In progress"),
    AuditState.SUBMITTED: _l("Submitted"),
    AuditState.RETURNED: _l("Returned to the unit"),
    AuditState.VALIDATED: _l("Validated"),
}

CYCLE_STATUS_LABELS = {
    CycleStatus.OPEN: _l("Open"),
    CycleStatus.CLOSED: _l("Closed"),
}

#: The text shown for a key that has no message of its own.
GENERIC = _l("This could not be saved.")

MESSAGES: dict[str, LazyString] = {
    # who may do what, and when
    "not_allowed": _l("You are not allowed to do that."),
    "form_expired": _l("The form has expired. Please try again."),
    "cycle_closed": _l("This audit cycle is closed: its audits can no longer be changed."),
    "audit_locked": _l("This audit is locked and can no longer be changed."),
    "wrong_state": _l("That is not possible while the audit is in its current state."),
    "unknown_action": _l("This action is not known."),
    # cycles
    "cycle_name_required": _l("Give the cycle a name."),
    "cycle_name_taken": _l("Another cycle already has this name."),
    "cycle_dates": _l("The closing date cannot be before the opening date."),
    "unknown_framework": _l("Choose a framework version from the list."),
    "cycle_units": _l("Choose at least one unit from the list."),
    # submission and review
    "submission_blocked": _l(
        "The audit cannot be submitted yet. Answers that still need attention: %(count)s."
    ),
    "queries_open": _l("Some review questions are still open: answer them first."),
    "return_needs_query": _l("Ask at least one question before returning the audit to the unit."),
    "sign_off_required": _l("Write the sign-off statement before submitting."),
    "reason_required": _l("Give a reason."),
    "override_needs_answer": _l("Only an answered question can be rated differently."),
    "unknown_level": _l("Choose a level from the list."),
    "message_required": _l("Write a message."),
    # evidence
    "file_type": _l("This type of file is not accepted. Use PDF, PNG, JPEG, DOCX or XLSX."),
    "file_empty": _l("The file is empty."),
    "file_too_large": _l("The file is too large: at most %(max_mb)s MB."),
    "reference_required": _l("Describe the document, for example its number and date."),
    # answers (values.Problem codes)
    "required": _l("This question must be answered."),
    "wrong_type": _l("This answer could not be read. Please enter it again."),
    "not_a_number": _l("Enter a number."),
    "negative": _l("The number cannot be negative."),
    "not_an_integer": _l("Enter a whole number."),
    "too_many_decimals": _l("Use at most %(max)s decimals."),
    "too_small": _l("The number must be at least %(min)s."),
    "too_large": _l("The number must be at most %(max)s."),
    "too_long": _l("The text is too long: at most %(max)s characters."),
    "unknown_option": _l("Choose an answer from the list."),
    "not_a_date": _l("Enter a date as year-month-day, for example 2026-03-31."),
    "in_the_future": _l("The date cannot be in the future."),
    "too_old": _l("The date cannot be before %(min)s."),
    "control_characters": _l("The text contains characters that cannot be stored."),
    "cell_required": _l("Fill in every cell (0 if none)."),
    "table_incomplete": _l(
        "Not saved yet: fill in the %(count)s empty cells of this table (0 if none)."
    ),
    "cell_not_a_number": _l("Each cell needs a number."),
    "cell_negative": _l("A cell cannot be negative."),
    "cell_not_an_integer": _l("Each cell needs a whole number."),
    "cell_too_large": _l("A cell can hold at most %(max)s."),
    "computed": _l("This value is calculated from other answers and cannot be entered."),
    "bad_currency": _l("Enter the currency as a three-letter code, for example USD."),
    "rule_broken": _l("This answer does not agree with other answers."),
    "skipped": _l("This question does not apply given an earlier answer."),
    "not_applicable_needs_reason": _l("Say why this question does not apply."),
    "evidence_required": _l("This answer needs evidence: attach a file or a document reference."),
    "conflict": _l("Someone else changed this answer meanwhile. Check their version first."),
}


class _Params(dict[str, object]):
    """Formatting parameters; a placeholder without a value shows as nothing, not an error."""

    def __missing__(self, key: str) -> str:
        return ""


def message(reason: str, **params: object) -> str:
    """The translated text for a reason key, with its %(name)s parameters filled in."""
    text = MESSAGES.get(reason)
    if text is None:
        return str(GENERIC)
    try:
        return str(text) % _Params(params)
    except (TypeError, ValueError):  # a translation with a broken placeholder
        return str(text)
