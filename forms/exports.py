"""The form behind every "Download as Excel" button (hidden fields; only the button shows)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import AnyOf, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from audit.exports.models import ExportKind
from audit.routing import MAX_ID
from forms.base import BaseForm, IdField

#: Ids are database integers: anything larger cannot exist.


def _id_field(label: str) -> IdField:
    return IdField(
        label, widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )


class ExportRequestForm(BaseForm):
    """Ask for a workbook: which kind, and of what."""

    kind = SelectField(
        _l("Workbook"),
        choices=[
            (ExportKind.DONOR_SUMMARY.value, _l("Donor summary")),
            (ExportKind.UNIT_SCORECARD.value, _l("Unit scorecard")),
            (ExportKind.FULL_DATA.value, _l("Full data")),
        ],
        widget=HiddenInput(),
    )
    audit_id = _id_field(_l("Audit"))
    cycle_id = _id_field(_l("Cycle"))
    scope = StringField(
        _l("Scope"),
        widget=HiddenInput(),
        validators=[
            Optional(),
            AnyOf(("institution", "country"), message=_l("Choose an institution or a country.")),
        ],
    )
    scope_id = _id_field(_l("Institution or country"))
    #: The full data's file: an Excel workbook, CSV files or Parquet files (both zipped).
    format = SelectField(
        _l("Format"),
        choices=[
            ("xlsx", _l("Excel workbook (.xlsx)")),
            ("csv", _l("CSV files, zipped (UTF-8)")),
            ("parquet", _l("Parquet files, zipped")),
        ],
        default="xlsx",
        validate_choice=True,
    )

    def validate_kind(self, field: SelectField) -> None:
        """Each kind names what it exports."""
        kind = field.data
        if kind == ExportKind.UNIT_SCORECARD.value and not self.audit_id.data:
            raise ValidationError(_l("Choose an audit."))
        needs_cycle = kind in (ExportKind.FULL_DATA.value, ExportKind.DONOR_SUMMARY.value)
        if needs_cycle and not self.cycle_id.data:
            raise ValidationError(_l("Choose a cycle."))
        if kind == ExportKind.DONOR_SUMMARY.value and not (self.scope.data and self.scope_id.data):
            raise ValidationError(_l("Choose an institution or a country."))
        if kind != ExportKind.FULL_DATA.value and self.format.data not in (None, "", "xlsx"):
            raise ValidationError(_l("Only the full data comes as CSV or Parquet."))

    def params(self) -> dict[str, object]:
        """The export's parameters, only those its kind uses."""
        kind = ExportKind(self.kind.data)
        if kind is ExportKind.UNIT_SCORECARD:
            return {"audit_id": self.audit_id.data}
        if kind is ExportKind.FULL_DATA:
            return {"cycle_id": self.cycle_id.data, "format": self.format.data or "xlsx"}
        return {
            "cycle_id": self.cycle_id.data,
            "scope": self.scope.data,
            "scope_id": self.scope_id.data,
        }
