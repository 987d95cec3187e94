"""What the advisers' portfolio and the donors' page share: the cycle picker, scores with their
bands, summed sex-disaggregated tables (suppressed for donors) and their charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, func, select

from audit.accounts.models import Role
from audit.audits.models import Audit, AuditCycle, AuditState
from audit.db import utcnow
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks import spec
from audit.frameworks.labels import short_title
from audit.frameworks.models import FrameworkVersion
from audit.i18n import pick, text_direction
from audit.orgs.models import Institution, Unit
from audit.orgs.queries import funded_institutions
from audit.scoring import charts, disclosure, engine
from audit.scoring.cycle_choice import CycleFacts, default_cycle


@dataclass(frozen=True)
class Score:
    """A 0-100 score with its band (None when there is no score)."""

    value: float | None
    band: str | None


@dataclass(frozen=True)
class SexLine:
    """One line of a sex-disaggregated table (a category, or the totals when `code` is None)."""

    code: str | None
    label: str
    cells: tuple[disclosure.Cell, ...]  # women, men, not recorded
    total: disclosure.Cell
    women_share: float | None


@dataclass(frozen=True)
class SexTable:
    """A summed sex-disaggregated table: exact for advisers, suppressed for donors."""

    code: str
    title: str
    units: int
    sensitive: bool
    lines: tuple[SexLine, ...]
    totals: SexLine
    any_withheld: bool = False


def require(*roles: Role) -> None:
    """403 unless the signed-in user has one of the roles."""
    if not any(current_user.has_role(role) for role in roles):
        abort(403)


def chosen_cycles(
    units: Select[tuple[int]] | None = None,
) -> tuple[list[AuditCycle], AuditCycle | None]:
    """Every cycle (newest first) and the chosen one: ?cycle=ID, else the default of
    :func:`audit.scoring.cycle_choice.default_cycle`, counting the validated audits of `units`
    (a SELECT of unit ids: the reader's scope; None counts every unit)."""
    cycles = list(
        db.session.scalars(
            select(AuditCycle).order_by(AuditCycle.opens_on.desc(), AuditCycle.id.desc())
        )
    )
    wanted = request.args.get("cycle", "").strip()
    if wanted:
        chosen = next((c for c in cycles if str(c.id) == wanted), None)
        if chosen is None:
            abort(404)
        return cycles, chosen
    counted = select(Audit.cycle_id, func.count()).where(Audit.state == AuditState.VALIDATED)
    if units is not None:
        counted = counted.where(Audit.unit_id.in_(units))
    validated = dict(db.session.execute(counted.group_by(Audit.cycle_id)).tuples().all())
    facts = [CycleFacts(c.id, c.opens_on, c.closes_on, validated.get(c.id, 0)) for c in cycles]
    default = default_cycle(facts, utcnow().date())
    return cycles, next((c for c in cycles if c.id == default), None)


def funded_unit_ids(user: Any) -> Select[tuple[int]]:
    """A SELECT of the ids of the units of the institutions a donor funds (every unit for an
    administrator): the scope whose validated audits choose the donor page's cycle."""
    return select(Unit.id).where(
        Unit.institution_id.in_(
            funded_institutions(user).with_only_columns(Institution.id).order_by(None)
        )
    )


def cached_framework(version_id: int, cache: dict[int, spec.Framework]) -> spec.Framework:
    """The framework of a version, read once per request (`cache` lives as long as the view)."""
    if version_id not in cache:
        cache[version_id] = frameworks.framework_of(db.get_or_404(FrameworkVersion, version_id))
    return cache[version_id]


def _bands(fw: spec.Framework) -> Sequence[spec.Band]:
    return fw.bands or spec.DEFAULT_FRAMEWORK_BANDS


def banded(value: float | None, fw: spec.Framework) -> Score:
    """A 0-100 score with its band under the framework's bands."""
    return Score(value, engine.band(value, _bands(fw)))


def domain_label(fw: spec.Framework, code: str) -> str:
    try:
        return pick(fw.domain(code).title) or code
    except KeyError:
        return code


def _sex_labels(fw: spec.Framework, code: str) -> tuple[str, dict[str, str], list[str]]:
    """The table's title, its row labels and its rows in framework order."""
    try:
        ind = fw.indicator(code)
    except KeyError:
        return code, {}, []
    labels = {row.code: pick(row.label) or row.code for row in ind.rows}
    return short_title(ind), labels, [row.code for row in ind.rows]


def ordered(codes: Iterable[str], order: Sequence[str]) -> list[str]:
    """Codes in the framework's order; codes it no longer has last, alphabetically."""
    position = {code: i for i, code in enumerate(order)}
    return sorted(codes, key=lambda c: (position.get(c, len(position)), c))


def sex_table(
    fw: spec.Framework,
    code: str,
    counts: Mapping[str, Sequence[int]],
    *,
    units: int,
    sensitive: bool,
    k: int | None,
) -> SexTable:
    """A summed table; with `k` (donors), small cells and their complements are withheld."""
    title, labels, order = _sex_labels(fw, code)
    rows = {
        row: dict(zip(disclosure.COLUMNS, counts[row], strict=True))
        for row in ordered(counts, order)
    }
    # k=1 withholds nothing (no count lies between 0 and 1): reviewers see exact numbers.
    # Women's counts are what the audit reports: complements come from the other columns first.
    table = disclosure.suppress_table(rows, k=k or 1, protect=("women",))

    def line(row: str | None) -> SexLine:
        cells = tuple(table.entry(row, c) for c in table.columns)
        total = table.entry(row, None)
        return SexLine(
            code=row,
            label=labels.get(row, row) if row is not None else _("Total"),
            cells=cells,
            total=total,
            women_share=disclosure.share(cells[0].value, total.value),
        )

    return SexTable(
        code=code,
        title=title,
        units=units,
        sensitive=sensitive,
        lines=tuple(line(row) for row in table.rows),
        totals=line(None),
        any_withheld=table.any_suppressed,
    )


def chart(
    items: list[tuple[str, float | None, str | None]], title: str, chart_id: str, kind: str = "bar"
) -> dict[str, Any]:
    """A chart spec (audit.scoring.charts) in the page's language and direction: "bar" for
    domain means, "line" for a trend across cycles."""
    build = charts.line_spec if kind == "line" else charts.bar_spec
    return build(
        items,
        title=title,
        rtl=text_direction() == "rtl",
        locale=str(get_locale()),
        chart_id=chart_id,
    )


def trend_chart(
    points: list[tuple[str, Score | None]], title: str, chart_id: str
) -> dict[str, Any] | None:
    """A line through the cycles' means (a withheld one is a gap); None under two cycles."""
    if len(points) < 2 or all(score is None or score.value is None for _, score in points):
        return None
    return chart(
        [
            (name, score.value if score else None, score.band if score else None)
            for name, score in points
        ],
        title,
        chart_id,
        kind="line",
    )
