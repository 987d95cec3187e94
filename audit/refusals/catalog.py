"""Every refusal's message, by key: the one catalog services refuse from.

A key names what went wrong (`cycle_name_taken`); the text says it to the person in their
language, with %(name)s parameters the refusal carries. Answer problems found while parsing
(`values.Problem` codes) share the catalog, so a form shows them the same way.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

#: The text shown for a key that has no message of its own.
GENERIC = _l("This could not be saved.")

MESSAGES: dict[str, LazyString] = {
    # who may do what, and when
    "not_allowed": _l("You are not allowed to do that."),
    "form_expired": _l("The form has expired. Please try again."),
    "cycle_closed": _l("This audit cycle is closed: its audits can no longer be changed."),
    "audit_locked": _l("This audit is locked and can no longer be changed."),
    "wrong_state": _l("That is not possible while the audit is in its current state."),
    "already_submitted": _l("This audit has already been submitted: nothing more was done."),
    "already_returned": _l(
        "This audit has already been returned to the unit: nothing more was done."
    ),
    "already_validated": _l("This audit has already been validated: nothing more was done."),
    "unknown_action": _l("This action is not known."),
    # cycles
    "cycle_name_required": _l("Give the cycle a name."),
    "cycle_name_taken": _l("Another cycle already has this name."),
    "cycle_dates": _l("The closing date cannot be before the opening date."),
    "unknown_framework": _l("Choose a framework version from the list."),
    "cycle_units": _l("Choose at least one unit from the list."),
    "unit_in_cycle": _l("%(unit)s already has an audit in this cycle."),
    "audit_started": _l(
        "The audit of %(unit)s has already started, so the unit cannot be taken out of the cycle."
    ),
    # submission and review
    "submission_blocked": _l(
        "The audit cannot be submitted yet. Answers that still need attention: %(count)s."
    ),
    "queries_open": _l("Some review questions are still open: answer them first."),
    "return_needs_query": _l("Ask at least one question before returning the audit to the unit."),
    "sign_off_required": _l("The sign-off statement is missing: reload the page and try again."),
    "sign_off_name_required": _l("Give your full name to sign off."),
    "sign_off_position_required": _l("Give your position (rank and post) to sign off."),
    "sign_off_not_confirmed": _l("Tick the box to confirm the statement before submitting."),
    "validate_unconfirmed": _l(
        "Tick the box to confirm that validating locks this audit. Nothing has been changed."
    ),
    "reason_required": _l("Give a reason."),
    "override_needs_answer": _l("Only an answered question can be rated differently."),
    "unknown_level": _l("Choose a level from the list."),
    "message_required": _l("Write a message."),
    # evidence
    "file_type": _l("This type of file is not accepted. Use PDF, PNG, JPEG, DOCX or XLSX."),
    "file_empty": _l("The file is empty."),
    "file_too_large": _l("The file is too large: at most %(max_mb)s MB."),
    "reference_required": _l("Describe the document, for example its number and date."),
    "files_refused": _l("No file was added: correct or leave out the files named below."),
    "too_many_files": _l("Send at most %(max)s files at once."),
    "file_name_too_long": _l("The file name is too long (at most %(max)s characters)."),
    "file_not_its_type": _l(
        "This file is named .%(extension)s but its content is not a %(kind)s file."
    ),
    "file_damaged": _l("This file is damaged or incomplete. Save it again and send the new copy."),
    "file_has_markup": _l(
        "This file contains web page code (HTML, SVG or script), so it cannot be accepted."
    ),
    "file_pdf_active": _l(
        "This PDF contains scripts or actions that start programs, so it cannot be accepted. "
        "Print it to a new PDF and send that."
    ),
    "file_macros": _l(
        "This document contains macros, so it cannot be accepted. "
        "Save it as a plain DOCX or XLSX file and send that."
    ),
    "file_expands": _l(
        "This document expands far beyond its size when opened (over %(max_mb)s MB, or a part "
        "over %(ratio)s times its size), so it cannot be accepted."
    ),
    "file_too_many_parts": _l("This document has too many parts (at most %(max)s)."),
    "image_too_large": _l("This image is too large: at most %(max_mp)s million pixels."),
    "choose_questions": _l("Choose at least one question to attach it to."),
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
    # accounts
    "password_too_short": _l("Use at least %(n)d characters."),
    "password_too_long": _l("Use at most 128 characters."),
    "password_needed": _l("A new account needs a password."),
    "email_taken": _l("An account with this e-mail address already exists."),
    "cannot_disable_self": _l("You cannot disable your own account."),
    "wrong_current_password": _l("The current password is not correct."),
    "same_password": _l("Choose a password different from the current one."),
    "unknown_language": _l("That language is not available."),
    # two-step sign-in
    "two_step_on": _l("Two-step sign-in is already on for your account."),
    "two_step_off": _l("Two-step sign-in is not on for your account."),
    "two_step_not_begun": _l("Start the set-up first: scan the QR code, then enter a code."),
    "two_step_required": _l("Your role requires two-step sign-in: it cannot be turned off."),
    "wrong_code": _l("That code is not correct or has already been used. Enter the current code."),
    "wrong_password_or_code": _l("Enter your current password or a code from your app."),
    # roles
    "commander_needs_unit": _l("A commander needs a unit."),
    "adviser_needs_scope": _l("A gender adviser needs either a unit or an institution."),
    "donor_needs_scope": _l("A donor needs either an institution or a country."),
    "choose_from_list": _l("Choose an entry from the list."),
    "role_held": _l("The user already holds this role there."),
    "last_admin": _l("The last administrator cannot be removed."),
    # frameworks
    "framework_invalid": _l("The framework file has %(count)s problems: nothing was loaded."),
    # organisations
    "record_conflict": _l("That conflicts with an existing record (a name or code is taken)."),
    "country_taken": _l("A country with this code or name already exists."),
    "choose_country": _l("Choose a country from the list."),
    "institution_taken": _l("This country already has an institution with that name."),
    "choose_institution": _l("Choose an institution from the list."),
    "choose_parent": _l("Choose a parent unit from the list."),
    "parent_other_institution": _l("The parent unit must belong to the same institution."),
    "parent_inside_unit": _l("A unit cannot be placed under itself or one of its sub-units."),
    "unit_has_children": _l("Move or remove the sub-units before changing the institution."),
    "unit_code_taken": _l("Another unit of this institution already uses this code."),
    # hostile bodies (forms/base.py)
    "json_value": _l("The value of “%(name)s” must be text or a list of texts."),
}
