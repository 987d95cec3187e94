"""Administrators see whether workers answer and what was changed by whom."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from audit.access.roles import admin_required
from audit.activity.models import ActivityEvent
from audit.extensions import db
from audit.routing import MAX_ID
from audit.system.services import latest_heartbeat, request_heartbeat
from forms.base import BaseForm

bp = Blueprint("system", __name__)

PAGE_SIZE = 100


@bp.get("/admin/system")
@admin_required
def status() -> str:
    """The last worker heartbeat and a button to ask for a new one."""
    return render_template("system/status.html", heartbeat=latest_heartbeat(), form=BaseForm())


@bp.post("/admin/system/ping")
@admin_required
def ping() -> Response:
    """Queue a heartbeat task; a live worker records it within seconds."""
    if BaseForm().validate_on_submit():
        request_heartbeat()
        flash(
            _("A heartbeat has been sent to the workers. Reload this page in a few seconds."),
            "info",
        )
    return redirect(url_for("system.status"))


@bp.get("/admin/activity")
@admin_required
def activity() -> str:
    """The newest changes first, a page at a time."""
    before = request.args.get("before", type=int)
    query = select(ActivityEvent).order_by(ActivityEvent.id.desc()).limit(PAGE_SIZE)
    if before is not None and 0 < before <= MAX_ID:  # beyond a column's range: the first page
        query = query.where(ActivityEvent.id < before)
    events = db.session.scalars(query).all()
    return render_template("system/activity.html", events=events, page_size=PAGE_SIZE)
