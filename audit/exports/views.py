"""Excel exports: ask for a workbook, watch its progress, download it.

Every page is the requester's own: someone else's export, or one whose contents the requester may
no longer see (moved out of scope, role removed), answers 404 like anything that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import format_datetime, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit.audits.models import Audit
from audit.exports import services as exports
from audit.exports.models import Export, ExportKind, ExportStatus
from audit.extensions import db
from audit.scoring import services as scoring
from forms.exports import ExportRequestForm

bp = Blueprint("exports", __name__, url_prefix="/exports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def _mine(export_id: int) -> Export:
    try:
        return exports.visible(current_user, export_id)
    except exports.NotAllowed:
        abort(404)


def status_text(export: Export) -> str:
    """What the page says about a job."""
    if export.status is ExportStatus.PENDING:
        if export.attempts:
            return _("Waiting to be tried again.")
        return _("Waiting for a worker.")
    if export.status is ExportStatus.RUNNING:
        return _("Being written: %(percent)d%% done.", percent=export.progress)
    if export.status is ExportStatus.DONE:
        return _("Ready to download.")
    if export.status is ExportStatus.EXPIRED:
        return _("This workbook has expired and was deleted. Ask for a new one.")
    return _(
        "The workbook could not be written. Ask for it again; if that fails too, tell your "
        "administrator (export %(id)d).",
        id=export.id,
    )


def kind_label(kind: ExportKind) -> str:
    return {
        ExportKind.DONOR_SUMMARY: _("Donor summary"),
        ExportKind.UNIT_SCORECARD: _("Unit scorecard"),
        ExportKind.FULL_DATA: _("Full data"),
    }[kind]


@bp.app_context_processor
def _export_helpers() -> dict[str, object]:
    return {
        "full_data_advice": lambda cycle_id: exports.full_data_advice(current_user, cycle_id),
        "export_number": format_decimal,
        "export_kind_label": kind_label,
        "export_percent": lambda percent: format_percent(percent / 100),
        "export_kb": lambda size: format_decimal(max(1, round(size / 1024))),
        "export_when": lambda moment: format_datetime(moment, "short") if moment else "",
    }


@bp.get("/")
@login_required
def index() -> str:
    """The user's workbooks, newest first."""
    return render_template(
        "exports/index.html", exports=exports.mine(current_user), status_text=status_text
    )


@bp.post("/")
@login_required
def create() -> Response:
    """Ask for a workbook; the page that follows shows its progress."""
    form = ExportRequestForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("exports.index"))
    kind = ExportKind(form.kind.data)
    params = form.params()
    if kind is ExportKind.UNIT_SCORECARD:
        audit = db.session.get(Audit, params["audit_id"])
        if audit is not None and scoring.latest(audit) is None:
            exports.check(current_user, kind, params)  # outside the user's scope: 404
            flash(_("This audit has no scorecard yet: it is made when the audit is submitted."))
            return redirect(url_for("scorecards.unit", audit_id=audit.id))
    export = exports.request_export(current_user, kind, params, str(get_locale()))
    return redirect(url_for("exports.show", export_id=export.id))


@bp.get("/<int:export_id>")
@login_required
def show(export_id: int) -> str:
    """The job's progress, and the download once it is ready."""
    export = _mine(export_id)
    return render_template("exports/show.html", export=export, status_text=status_text(export))


@bp.get("/<int:export_id>/status")
@login_required
def status(export_id: int) -> Response:
    """The job's state for the page's script (polled every few seconds)."""
    export = _mine(export_id)
    done = export.status is ExportStatus.DONE
    return jsonify(
        status=export.status.value,
        progress=export.progress,
        finished=export.finished,
        text=status_text(export),
        download=url_for("exports.download", export_id=export.id) if done else None,
    )


@bp.get("/<int:export_id>/download")
@login_required
def download(export_id: int) -> Response:
    """The finished workbook (only complete files: they are renamed into place when done)."""
    export = _mine(export_id)
    path = exports.file_path(export)
    if path is None:
        flash(status_text(export))
        return redirect(url_for("exports.show", export_id=export.id))
    zipped = (export.filename or "").endswith(".zip")
    response = send_file(
        path,
        mimetype=ZIP if zipped else XLSX,
        as_attachment=True,
        download_name=export.filename or f"export-{export.id}.xlsx",
        etag=export.checksum,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
