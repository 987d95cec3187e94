"""Unit pages (scoped) and the administrators' pages for countries, institutions and units."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.wrappers import Response

from audit import paging
from audit.access.roles import admin_required
from audit.access.scope import Can, abilities
from audit.extensions import db
from audit.orgs import services
from audit.orgs.labels import KIND_LABELS, UNIT_TYPE_LABELS
from audit.orgs.models import Country, Institution, InstitutionKind, Unit, UnitType
from audit.orgs.names import localized_name_sql
from audit.orgs.queries import unit_or_404, visible_units
from audit.refusals import Refused
from audit.refusals import web as refusals
from forms.base import BaseForm
from forms.lists import NameFilterForm
from forms.orgs import CountryForm, InstitutionForm, UnitForm, name_versions

bp = Blueprint("orgs", __name__)
F = TypeVar("F", bound=BaseForm)

#: Units a page.
PER_PAGE = 50


@bp.get("/units")
@login_required
def units() -> str:
    """The units the user may open, a page at a time, narrowed by a piece of the name."""
    form = NameFilterForm(formdata=request.args)
    search = paging.name_search(form.page.data, form.q.data, _("Page"))
    stmt = visible_units(current_user).options(contains_eager(Unit.institution))
    found = paging.searched(stmt, search, PER_PAGE, localized_name_sql(Unit))
    return render_template(
        "orgs/units.html",
        units=found,
        form=form,
        args=search.args,
        ignored=search.ignored,
        type_labels=UNIT_TYPE_LABELS,
    )


@bp.get("/units/<int:unit_id>")
@login_required
def unit(unit_id: int) -> str:
    """One unit; 404 outside the user's scope."""
    found = unit_or_404(current_user, unit_id)
    children = [c for c in found.children if Can.VIEW in abilities(current_user, c)]
    return render_template(
        "orgs/unit.html",
        unit=found,
        children=children,
        abilities=abilities(current_user, found),
        type_labels=UNIT_TYPE_LABELS,
        kind_labels=KIND_LABELS,
        Can=Can,
    )


# --- administrators ------------------------------------------------------------------------


def _form(form_class: type[F], thing: Country | Institution | Unit | None) -> F:
    """The form filled from the object; its Name is the name as entered (the object's `name` is
    the reader's version, which must not overwrite it when the form is saved)."""
    form = form_class(obj=thing)
    if thing is not None and not form.is_submitted():
        form.name.data = thing.entered_name
    return form


@bp.get("/admin/orgs")
@admin_required
def admin_index() -> str:
    """Countries with their institutions and unit counts (counted by the database)."""
    countries = db.session.scalars(
        select(Country).options(selectinload(Country.institutions)).order_by(Country.name)
    ).all()
    counts = dict(
        db.session.execute(
            select(Unit.institution_id, func.count(Unit.id)).group_by(Unit.institution_id)
        ).all()
    )
    return render_template(
        "orgs/admin_index.html", countries=countries, counts=counts, kind_labels=KIND_LABELS
    )


@bp.route("/admin/countries/new", methods=["GET", "POST"], defaults={"country_id": None})
@bp.route("/admin/countries/<int:country_id>", methods=["GET", "POST"])
@admin_required
def country_form(country_id: int | None) -> str | Response:
    """Create or edit a country."""
    country = db.get_or_404(Country, country_id) if country_id else None
    form = _form(CountryForm, country)
    if form.validate_on_submit():
        try:
            services.save_country(
                current_user,
                country,
                form.code.data or "",
                form.name.data or "",
                name_versions(form),
            )
        except Refused as error:
            refusals.on_form(error, form)
        else:
            flash(_("The country has been saved."), "success")
            return redirect(url_for("orgs.admin_index"))
    title = _("Edit country") if country else _("New country")
    return render_template("orgs/form.html", form=form, title=title)


@bp.route("/admin/institutions/new", methods=["GET", "POST"], defaults={"institution_id": None})
@bp.route("/admin/institutions/<int:institution_id>", methods=["GET", "POST"])
@admin_required
def institution_form(institution_id: int | None) -> str | Response:
    """Create or edit an institution."""
    institution = db.get_or_404(Institution, institution_id) if institution_id else None
    form = _form(InstitutionForm, institution)
    form.country_id.choices = [
        (c.id, c.name) for c in db.session.scalars(select(Country).order_by(Country.name))
    ]
    form.kind.choices = [(k.value, str(KIND_LABELS[k])) for k in InstitutionKind]
    if institution is not None and not form.is_submitted():
        form.kind.data = institution.kind.value
    if form.validate_on_submit():
        try:
            services.save_institution(
                current_user,
                institution,
                form.country_id.data or 0,
                form.name.data or "",
                InstitutionKind(form.kind.data),
                name_versions(form),
            )
        except Refused as error:
            refusals.on_form(error, form)
        else:
            flash(_("The institution has been saved."), "success")
            return redirect(url_for("orgs.admin_index"))
    title = _("Edit institution") if institution else _("New institution")
    return render_template("orgs/form.html", form=form, title=title)


@bp.get("/admin/institutions/<int:institution_id>/units")
@admin_required
def institution_units(institution_id: int) -> str:
    """An institution's unit tree, a page at a time in tree order, narrowed by a piece of
    the name."""
    institution = db.get_or_404(Institution, institution_id)
    form = NameFilterForm(formdata=request.args)
    search = paging.name_search(form.page.data, form.q.data, _("Page"))
    stmt = select(Unit).where(Unit.institution_id == institution.id).order_by(Unit.path)
    found = paging.searched(stmt, search, PER_PAGE, localized_name_sql(Unit))
    return render_template(
        "orgs/admin_units.html",
        institution=institution,
        units=found,
        form=form,
        args={"institution_id": institution.id, **search.args},
        ignored=search.ignored,
        type_labels=UNIT_TYPE_LABELS,
    )


@bp.route("/admin/units/new", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@admin_required
def unit_form(unit_id: int | None) -> str | Response:
    """Create or edit a unit."""
    unit = db.get_or_404(Unit, unit_id) if unit_id else None
    form = _form(UnitForm, unit)
    form.institution_id.choices = [
        (i.id, f"{i.name} ({i.country.name})")
        for i in db.session.scalars(select(Institution).order_by(Institution.name))
    ]
    form.parent_id.choices = [(0, _("none (top of the tree)"))] + [
        (u.id, f"{u.institution.name} · {'— ' * u.depth}{u.name}")
        for u in db.session.scalars(
            select(Unit).join(Unit.institution).order_by(Institution.name, Unit.path)
        )
    ]
    form.unit_type.choices = [(t.value, str(UNIT_TYPE_LABELS[t])) for t in UnitType]
    if unit is not None and not form.is_submitted():
        form.unit_type.data = unit.unit_type.value
        form.parent_id.data = unit.parent_id or 0
    if form.validate_on_submit():
        try:
            saved = services.save_unit(
                current_user,
                unit,
                institution_id=form.institution_id.data or 0,
                parent_id=form.parent_id.data or None,
                code=form.code.data or "",
                name=form.name.data or "",
                unit_type=UnitType(form.unit_type.data),
                active=bool(form.active.data),
                translations=name_versions(form),
            )
        except Refused as error:
            refusals.on_form(error, form)
        else:
            flash(_("The unit has been saved."), "success")
            return redirect(url_for("orgs.institution_units", institution_id=saved.institution_id))
    title = _("Edit unit") if unit else _("New unit")
    return render_template("orgs/form.html", form=form, title=title)
