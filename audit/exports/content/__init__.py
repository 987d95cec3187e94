"""From the database to the workbook writers: gather plain data, translated, then write.

The writers in `audit.exports.xlsx` know nothing of the database; this package reads snapshots,
answers and roll-ups (the same ones the pages show), turns them into the writers' dataclasses
with labels in the current language (the worker runs under `force_locale` of the requester) and
reports progress (0-1) through a callback as it goes. One module per workbook (`unit`,
`full_data`, `donor`) over what they share (`common`).
"""

from audit.exports.content.common import (
    NothingToExport,
    Progress,
    app_version,
    filename,
    labels,
    rtl,
    typed_value,
    version_label,
)
from audit.exports.content.donor import by_code, donor_summary, write_donor_summary
from audit.exports.content.full_data import (
    assemble_full_data,
    full_data_rows,
    write_full_data,
    write_full_data_part,
)
from audit.exports.content.unit import unit_scorecard, write_unit_scorecard

__all__ = [
    "NothingToExport",
    "Progress",
    "app_version",
    "assemble_full_data",
    "by_code",
    "donor_summary",
    "filename",
    "full_data_rows",
    "labels",
    "rtl",
    "typed_value",
    "unit_scorecard",
    "version_label",
    "write_donor_summary",
    "write_full_data",
    "write_full_data_part",
    "write_unit_scorecard",
]
