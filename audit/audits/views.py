"""Audit pages: the commander's form, the adviser's review, evidence, queries and history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit import paging
from audit.audits import history, listing, services, values
from audit.audits.form_parts import (
    blockers_by_domain,
    broken_rules,
    changed_since_submission,
    conflict_body,
    domain_or_404,
    initial,
    pop_evidence_outcome,
    problem_text,
    problem_texts,
    progress,
    save_form,
    save_one,
    unchanged,
)
from audit.audits.messages import STATE_LABELS
from audit.audits.models import Audit, AuditState
from audit.audits.workflow import EDITABLE, Action, Actor, allowed_actions
from audit.frameworks.labels import ANSWER_TYPE_LABELS, EVIDENCE_LABELS, LEVEL_LABELS
from audit.refusals import Refused, message
from audit.refusals import web as refusals
from forms.audits import (
    COLUMNS,
    EmptyForm,
    EvidenceReferenceForm,
    OverrideForm,
    QueryForm,
    ReasonForm,
    SubmitForm,
    domain_form_class,
)
from forms.history import ValidateForm
from forms.lists import AuditListForm, ignored_filters

bp = Blueprint("audits", __name__, url_prefix="/audits")


def _audit(audit_id: int) -> Audit:
    return services.audit_for(current_user, audit_id)


def _back(audit: Audit, anchor: str | None = None) -> Response:
    target = request.form.get("next") or ""
    if target.startswith(f"/audits/{audit.id}") and "//" not in target:
        return redirect(target)
    return redirect(url_for("audits.show", audit_id=audit.id) + (f"#{anchor}" if anchor else ""))


@bp.get("/")
@login_required
def index() -> str:
    """Audits of the units the user may see, a page at a time: a commander's to-do list, an
    adviser's queue (`?queue=review`: submitted audits they review), filtered and sorted."""
    if not current_user.works_on_audits:
        abort(403)
    form = AuditListForm(formdata=request.args)
    anything: list[tuple[str, str]] = [("", _("Any"))]
    form.institution.choices = anything + [
        (str(i), name) for i, name in listing.institutions(current_user)
    ]
    form.cycle.choices = anything + [(str(i), name) for i, name in listing.cycles(current_user)]
    form.state.choices = anything + [(s.value, str(STATE_LABELS[s])) for s in AuditState]
    ignored = ignored_filters(form)
    page = paging.requested_page(request.args.get("page"), ignored, _("Page"))
    queue = request.args.get("queue") == "review"
    filters = listing.Filters(
        institution_id=int(form.institution.data) if form.institution.data else None,
        cycle_id=int(form.cycle.data) if form.cycle.data else None,
        state=AuditState(form.state.data) if form.state.data else None,
        sort=form.sort.data or "state",
        review_only=queue,
    )
    found = paging.paginate(listing.audits(current_user, filters), page, listing.PER_PAGE)
    args = {f.name: f.data for f in form if f.name != "page" and f.data and f.data != f.default}
    if queue:
        args["queue"] = "review"
    return render_template(
        "audits/index.html",
        audits=found,
        form=form,
        args=args,
        ignored=ignored,
        queue=queue,
        state_labels=STATE_LABELS,
    )


@bp.get("/<int:audit_id>")
@login_required
def show(audit_id: int) -> str:
    """An audit's overview: state, progress per domain, what blocks submission, the actions."""
    return _show_page(_audit(audit_id), SubmitForm(formdata=None))


def _show_page(audit: Audit, submit_form: SubmitForm) -> str:
    data = services.load_data(audit)
    actors = services.actors_for(current_user, audit.unit)
    blocking = services.blocking(audit, data) if audit.state in EDITABLE else []
    return render_template(
        "audits/show.html",
        audit=audit,
        data=data,
        actors=actors,
        Actor=Actor,
        Action=Action,
        actions=allowed_actions(audit.state, actors),
        blocking=blocking,
        blockers=blockers_by_domain(data, blocking),
        open_queries=services.open_queries(audit),
        return_note=services.return_notes([audit]).get(audit.id),
        state_labels=STATE_LABELS,
        problem_text=problem_text,
        submit_form=submit_form,
        reason_form=ReasonForm(),
        empty_form=EmptyForm(),
        validate_form=ValidateForm(),
    )


@bp.route("/<int:audit_id>/domains/<code>", methods=["GET", "POST"])
@login_required
def domain(audit_id: int, code: str) -> str | Response:
    """One domain's questions: a form for the commander, a review page for everyone else."""
    audit = _audit(audit_id)
    data = services.load_data(audit)
    found = domain_or_404(data, code)
    locale = str(get_locale())
    shown = [i for i in found.indicators if data.statuses[i.code].applicable]
    actors = services.actors_for(current_user, audit.unit)
    editable = Actor.COMMANDER in actors and audit.state in EDITABLE and not audit.locked
    form_class = domain_form_class(shown, locale)
    form = form_class(data=initial(data, shown)) if request.method == "GET" else form_class()
    if request.method == "POST":
        if not editable:
            if Actor.COMMANDER not in actors:
                reason = "not_allowed"
            elif audit.cycle.status.value == "closed":
                reason = "cycle_closed"
            else:
                reason = "audit_locked"
            flash(message(reason), "error")
            return redirect(url_for("audits.domain", audit_id=audit.id, code=code))
        if form.validate():
            failed = save_form(audit, data, form, shown)
            if not failed:
                flash(_("Saved."), "success")
                return redirect(url_for("audits.domain", audit_id=audit.id, code=code))
            flash(_("Some answers were not saved: see the messages next to them."), "error")
            data = services.load_data(audit)
        else:
            flash(_("Nothing was saved: see the messages next to the answers."), "error")
    return render_template(
        "audits/domain.html",
        audit=audit,
        data=data,
        domain=found,
        indicators=shown,
        form=form,
        editable=editable,
        actors=actors,
        Actor=Actor,
        queries=services.queries(audit),
        changed=changed_since_submission(audit) if audit.state is AuditState.SUBMITTED else set(),
        labels={"types": ANSWER_TYPE_LABELS, "levels": LEVEL_LABELS, "evidence": EVIDENCE_LABELS},
        columns=COLUMNS,
        table_totals=values.table_totals,
        problem_text=problem_text,
        query_form=QueryForm(),
        override_form=OverrideForm(),
        reference_form=EvidenceReferenceForm(),
        empty_form=EmptyForm(),
        evidence_outcome=pop_evidence_outcome(),
        state_labels=STATE_LABELS,
    )


@bp.post("/<int:audit_id>/answers/<code>")
@login_required
def autosave(audit_id: int, code: str) -> tuple[Response, int]:
    """Save one answer from the page's background save; answers JSON the page understands."""
    audit = _audit(audit_id)
    data = services.load_data(audit)
    try:
        ind = data.framework.indicator(code)
    except KeyError:
        abort(404)
    if not data.applies(code) or ind.type == "percentage":
        abort(404)
    form = domain_form_class([ind], str(get_locale()))()
    if not form.validate():
        errors = [e for field in form for e in field.errors]
        return jsonify(saved=False, problems=[str(e) for e in errors]), 422
    existing = data.answers.get(code)
    if existing is not None and unchanged(data, form, ind):
        # The same content again (a repeated event, or a copy restored after the save had
        # already reached us): nothing to store, and no false conflict with oneself.
        result = services.SaveResult(True, revision=existing.revision)
    else:
        try:
            result = save_one(audit, form, ind, data)
        except Refused as error:
            return refusals.as_json(error, 409, {"saved": False, "problems": [error.message]})
    # The answers as they are now, evaluated once: by the save, or here when nothing was stored.
    fresh = result.data or data
    statuses = {
        c: {
            "skipped": s.skipped,
            "value": s.value if data.framework.indicator(c).type == "percentage" else None,
        }
        for c, s in fresh.statuses.items()
        if s.applicable
    }
    body: dict[str, Any] = {
        "saved": result.saved,
        "revision": result.revision,
        "problems": problem_texts(result.problems, ind),
        # Broken rules of severity "error" block submission (values.blocking); `rules` has every
        # broken rule by question, those that block apart from those that only warn.
        "blocking": [problem_text(p) for p in result.warnings if values.rule_blocks(p)],
        "warnings": [problem_text(p) for p in result.warnings if p.code != "rule_broken"],
        "rules": broken_rules(fresh, code),
        "statuses": statuses,
        "progress": progress(fresh),
    }
    if result.conflict is not None:
        body.update(conflict_body(result.conflict, ind))
        return jsonify(body), 409
    return jsonify(body), (200 if result.saved else 422)


bp.add_url_rule(
    "/<int:audit_id>/history", view_func=login_required(history.history), methods=["GET"]
)


# --- workflow ---------------------------------------------------------------------------------


def _act(audit_id: int, do: Callable[[Audit], None], done: str) -> Response:
    audit = _audit(audit_id)
    try:
        do(audit)
    except Refused as error:
        refusals.as_flash(error)
    else:
        flash(done, "success")
    return _back(audit)


@bp.post("/<int:audit_id>/submit")
@login_required
def submit(audit_id: int) -> str | Response:
    """The commander signs off (name, position, the statement confirmed) and submits; what is
    missing is said next to its field."""
    audit = _audit(audit_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _show_page(audit, form)
    sign_off = services.SignOff(
        statement=str(form.STATEMENT),
        name=form.name.data or "",
        position=form.position.data or "",
        confirmed=bool(form.confirm.data),
    )
    try:
        services.submit(current_user, audit, sign_off)
    except Refused as error:
        if error.field in ("name", "position", "confirm"):
            refusals.on_form(error, form)
            return _show_page(audit, form)
        refusals.as_flash(error)
    else:
        flash(_("The audit has been submitted for review."), "success")
    return _back(audit)


@bp.post("/<int:audit_id>/return")
@login_required
def return_(audit_id: int) -> Response:
    """The adviser returns the audit with its open queries."""
    form = ReasonForm()
    if not form.validate_on_submit():
        refusals.invalid_form(form)
    return _act(
        audit_id,
        lambda a: services.return_audit(current_user, a, form.reason.data or ""),
        _("The audit has been returned to the unit."),
    )


@bp.post("/<int:audit_id>/validate")
@login_required
def validate(audit_id: int) -> Response:
    """The adviser validates once they have ticked that it locks the audit."""
    form = ValidateForm()
    if not form.validate_on_submit():
        refusals.invalid_form(form)
    return _act(
        audit_id,
        lambda a: services.validate(current_user, a, confirmed=bool(form.confirm.data)),
        _("The audit has been validated."),
    )


@bp.post("/<int:audit_id>/reopen")
@login_required
def reopen(audit_id: int) -> Response:
    """An administrator reopens a validated audit with a reason."""
    form = ReasonForm()
    if not form.validate_on_submit():
        refusals.invalid_form(form)
    return _act(
        audit_id,
        lambda a: services.reopen(current_user, a, form.reason.data or ""),
        _("The audit has been reopened."),
    )


@bp.post("/<int:audit_id>/answers/<code>/override")
@login_required
def override(audit_id: int, code: str) -> Response:
    """The adviser overrides an answer's rating with a reason."""
    form = OverrideForm()
    if not form.validate_on_submit():
        refusals.invalid_form(form)
    return _act(
        audit_id,
        lambda a: services.override(
            current_user, a, code, form.level.data or None, form.reason.data or ""
        ),
        _("The rating has been recorded."),
    )


@bp.post("/<int:audit_id>/answers/<code>/queries")
@login_required
def query_open(audit_id: int, code: str) -> Response:
    """The adviser raises a query on an answer."""
    form = QueryForm()
    if not form.validate_on_submit():
        refusals.invalid_form(form)
    return _act(
        audit_id,
        lambda a: services.open_query(current_user, a, code, form.body.data or ""),
        _("The query has been sent."),
    )


@bp.post("/queries/<int:query_id>/reply")
@login_required
def query_reply(query_id: int) -> Response:
    """A reply in a query thread."""
    form = QueryForm()
    if not form.validate_on_submit():
        refusals.invalid_form(form)
    try:
        query = services.reply(current_user, query_id, form.body.data or "")
    except Refused as error:
        refusals.as_flash(error)
        return redirect(request.referrer or url_for("audits.index"))
    flash(_("Your reply has been sent."), "success")
    audit = services.audit_for(current_user, query.audit_id)
    return _back(audit)


# The evidence routes live in their own module, on this blueprint.
from audit.audits import evidence_views  # noqa: E402, F401
