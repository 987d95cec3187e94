"""Administrators read the loaded framework versions in their own language."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from audit.access.roles import admin_required
from audit.extensions import db
from audit.frameworks import services, spec
from audit.frameworks.labels import (
    ANSWER_TYPE_LABELS,
    EVIDENCE_LABELS,
    LEVEL_LABELS,
    REC_LEVEL_LABELS,
    SERVICE_LABELS,
)
from audit.frameworks.models import FrameworkVersion
from audit.orgs.labels import UNIT_TYPE_LABELS

bp = Blueprint("frameworks", __name__, url_prefix="/admin/frameworks")

LABELS = {
    "types": ANSWER_TYPE_LABELS,
    "levels": LEVEL_LABELS,
    "evidence": EVIDENCE_LABELS,
    "services": SERVICE_LABELS,
    "rec_levels": REC_LEVEL_LABELS,
    "unit_types": UNIT_TYPE_LABELS,
}


@bp.get("/")
@admin_required
def index() -> str:
    """Every loaded framework version."""
    return render_template("frameworks/index.html", versions=services.versions())


@bp.get("/<int:version_id>")
@admin_required
def show(version_id: int) -> str:
    """One version: its domains and how it covers the recommendations."""
    version = db.get_or_404(FrameworkVersion, version_id)
    framework = services.framework_of(version)
    return render_template(
        "frameworks/show.html",
        version=version,
        framework=framework,
        coverage=spec.coverage(framework),
        labels=LABELS,
    )


@bp.get("/<int:version_id>/domains/<code>")
@admin_required
def domain(version_id: int, code: str) -> str:
    """A domain's indicators with their rubrics, applicability, links and rules."""
    version = db.get_or_404(FrameworkVersion, version_id)
    framework = services.framework_of(version)
    try:
        found = framework.domain(code)
    except KeyError:
        abort(404)
    return render_template(
        "frameworks/domain.html",
        version=version,
        framework=framework,
        domain=found,
        labels=LABELS,
    )
