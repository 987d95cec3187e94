"""Audit cycles, answers, evidence, queries and the review workflow.

Every function here checks who is asking (through audit.access.scope), refuses with
:class:`audit.refusals.Refused` before it changes anything it should not, records each change in
the append-only audit log, and flushes: the request, task or command around it commits once.

The package is cut by what a person does: `cycles` (administrators), `answers` (the commander's
form), `evidence`, `review` (submission, review, queries); `reading` and `checks` serve them all.
"""

from audit.audits.services.answers import SaveResult, save_answer
from audit.audits.services.checks import clean_text
from audit.audits.services.cycles import (
    add_units,
    audit_started,
    close_cycle,
    left_out,
    open_cycle,
    remove_audit,
)
from audit.audits.services.evidence import (
    Upload,
    UploadsRefused,
    add_evidence_file,
    add_evidence_files,
    add_evidence_reference,
    evidence_for,
    link_evidence,
    remove_evidence,
    storage_folder,
)
from audit.audits.services.log import LogFilter, history, history_page, people, return_notes
from audit.audits.services.reading import (
    AuditData,
    actors_for,
    audit_for,
    blocking,
    framework_for,
    indicator_rows,
    load_data,
    visible_audits,
)
from audit.audits.services.review import (
    SignOff,
    open_queries,
    open_query,
    override,
    queries,
    reopen,
    reply,
    return_audit,
    submit,
    validate,
)

__all__ = [
    "AuditData",
    "LogFilter",
    "SaveResult",
    "SignOff",
    "Upload",
    "UploadsRefused",
    "actors_for",
    "add_evidence_file",
    "add_evidence_files",
    "add_evidence_reference",
    "add_units",
    "audit_for",
    "audit_started",
    "blocking",
    "clean_text",
    "close_cycle",
    "evidence_for",
    "framework_for",
    "history",
    "history_page",
    "indicator_rows",
    "left_out",
    "link_evidence",
    "load_data",
    "open_cycle",
    "open_queries",
    "open_query",
    "override",
    "people",
    "queries",
    "remove_audit",
    "remove_evidence",
    "reopen",
    "reply",
    "return_audit",
    "return_notes",
    "save_answer",
    "storage_folder",
    "submit",
    "validate",
    "visible_audits",
]
