"""Evidence routes: add files or a reference to a question (and others), link kept evidence to
more questions, download, remove from one question.

Only the unit's commander may change evidence (anyone else gets 403), and only while the audit
is editable. The outcome is shown at the question it concerns: a plain form post goes back to
the question's anchor on its domain page, where the outcome waits in the session; the page's
script (static/js/evidence.js) sends `X-Requested-With: fetch` and gets the question's
evidence block, rendered here, to put in place of the old one.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.wrappers import Response

from audit.audits import services
from audit.audits.form_parts import OUTCOME_KEY
from audit.audits.models import Audit, CycleStatus
from audit.audits.views import bp
from audit.audits.workflow import EDITABLE, Actor
from audit.errors import error_page
from audit.frameworks.labels import EVIDENCE_LABELS
from audit.refusals import Refused, message
from audit.refusals import web as refusals
from forms.audits import EmptyForm

#: The header the page's script sends; its answer is the evidence block, not a redirect.
FETCH_HEADER = "X-Requested-With"


def _by_script() -> bool:
    return request.headers.get(FETCH_HEADER) == "fetch"


def _commander_only(audit: Audit) -> None:
    """Anyone but the unit's commander may look, not change (403)."""
    if Actor.COMMANDER not in services.actors_for(current_user, audit.unit):
        abort(403)


def _outcome(kind: str, messages: list[str], files: list[tuple[str, str]] | None = None):
    return {"kind": kind, "messages": messages, "files": files or []}


def _refusal_outcome(error: Refused) -> dict[str, object]:
    files = [(name, refusal.message) for name, refusal in getattr(error, "files", [])]
    return _outcome("error", [error.message], files)


def _answer(audit: Audit, code: str, outcome: dict[str, object], touched: list[str]) -> Response:
    """The evidence blocks of the questions touched (script), or back to the question."""
    if _by_script():
        return _blocks(audit, code, outcome, touched)
    data = services.load_data(audit)
    try:
        domain_code = data.framework.indicator(code).domain_code
    except KeyError:
        abort(404)
    session[OUTCOME_KEY] = {**outcome, "code": code}
    target = url_for("audits.domain", audit_id=audit.id, code=domain_code) + f"#q-{code}"
    return redirect(target)


def _blocks(audit: Audit, code: str, outcome: dict[str, object], touched: list[str]) -> Response:
    data = services.load_data(audit)
    try:
        domain = data.framework.domain(data.framework.indicator(code).domain_code)
    except KeyError:
        abort(404)
    shown = [i for i in domain.indicators if data.statuses[i.code].applicable]
    wanted = {code, *touched}
    editable = audit.state in EDITABLE and audit.cycle.status is not CycleStatus.CLOSED
    body = render_template(
        "audits/_evidence_blocks.html",
        audit=audit,
        data=data,
        blocks=[i for i in shown if i.code in wanted],
        indicators=shown,
        editable=editable,
        labels={"evidence": EVIDENCE_LABELS},
        evidence_outcome={**outcome, "code": code},
    )
    status = 200 if outcome["kind"] == "success" else 422
    return Response(body, status, {"X-Evidence-Fragment": "1", "Cache-Control": "no-store"})


def _codes(name: str) -> list[str]:
    return [c for c in request.form.getlist(name) if c][:200]


@bp.post("/<int:audit_id>/answers/<code>/evidence")
@login_required
def evidence_add(audit_id: int, code: str) -> Response:
    """Attach files (one or several) or a document reference to a question, and to the other
    questions ticked under "Also attach to"."""
    audit = services.audit_for(current_user, audit_id)
    _commander_only(audit)
    if not EmptyForm().validate_on_submit():
        return _answer(audit, code, _outcome("error", [message("form_expired")]), [])
    uploads = [
        services.Upload(f.filename, f.mimetype or "", f.stream)
        for f in request.files.getlist("file")
        if f.filename
    ]
    also = _codes("also")
    try:
        if uploads:
            added = services.add_evidence_files(current_user, audit, code, uploads, also)
        else:
            reference = request.form.get("reference", "")
            added = [services.add_evidence_reference(current_user, audit, code, reference, also)]
    except Refused as error:
        return _answer(audit, code, _refusal_outcome(refusals.undone(error)), [])
    names = [e.filename or e.reference or "" for e in added]
    text = _("The evidence has been added.")
    return _answer(audit, code, _outcome("success", [text], [(n, "") for n in names]), also)


@bp.errorhandler(RequestEntityTooLarge)
def evidence_too_large(error: RequestEntityTooLarge):
    """An upload over MAX_CONTENT_LENGTH is refused before the form can be read: say so at
    the question, like any other refused file, rather than on the general 413 page."""
    args = request.view_args or {}
    if request.endpoint != "audits.evidence_add" or not current_user.is_authenticated:
        return error_page(413)
    try:
        audit = services.audit_for(current_user, args["audit_id"])
    except NotFound:
        return error_page(413)
    limit = int(current_app.config["EVIDENCE_MAX_BYTES"])
    text = message("file_too_large", max_mb=f"{limit / (1024 * 1024):.3g}")
    return _answer(audit, args["code"], _outcome("error", [text]), [])


@bp.post("/evidence/<int:evidence_id>/links")
@login_required
def evidence_link(evidence_id: int) -> Response:
    """Let evidence already kept support more questions of the same audit."""
    evidence, _path = services.evidence_for(current_user, evidence_id)
    audit = services.audit_for(current_user, evidence.audit_id)
    _commander_only(audit)
    code = request.form.get("code", "")
    if not EmptyForm().validate_on_submit():
        return _answer(audit, code, _outcome("error", [message("form_expired")]), [])
    wanted = _codes(f"link-{evidence_id}")
    try:
        audit, added = services.link_evidence(current_user, evidence_id, wanted)
    except Refused as error:
        return _answer(audit, code, _refusal_outcome(refusals.undone(error)), [])
    text = _("The evidence now also supports the questions you chose.")
    return _answer(audit, code, _outcome("success", [text]), added)


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence_download(evidence_id: int) -> Response:
    """Download an evidence file: only people who may see the audit."""
    evidence, path = services.evidence_for(current_user, evidence_id)
    if path is None or not path.exists():
        abort(404)
    response = send_file(
        path,
        mimetype=evidence.content_type or "application/octet-stream",
        as_attachment=True,
        download_name=evidence.filename or path.name,
    )
    # Saved, never rendered: the browser may not sniff it into a page (Talisman sets this on
    # every answer; the download must not depend on it).
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/evidence/<int:evidence_id>/delete")
@login_required
def evidence_delete(evidence_id: int) -> Response:
    """Remove evidence from one question (`code`; the others keep it), or from all."""
    evidence, _path = services.evidence_for(current_user, evidence_id)
    audit = services.audit_for(current_user, evidence.audit_id)
    _commander_only(audit)
    form = EmptyForm()
    if not form.validate_on_submit():
        refusals.invalid_form(form)
    code = request.form.get("code") or None
    codes = [link.indicator.code for link in evidence.links]
    try:
        services.remove_evidence(current_user, evidence_id, code)
    except Refused as error:
        if code is None:
            refusals.as_flash(error)
            return redirect(url_for("audits.show", audit_id=audit.id))
        return _answer(audit, code, _refusal_outcome(refusals.undone(error)), [])
    text = _("The evidence has been removed.")
    if code is None:
        flash(text, "success")
        return redirect(url_for("audits.show", audit_id=audit.id))
    return _answer(audit, code, _outcome("success", [text]), [c for c in codes if c != code])
