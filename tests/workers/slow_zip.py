"""A worker whose XlsxWriter zips slowly: `celery -A tests.workers.slow_zip worker`.

Each file XlsxWriter puts into the workbook's zip waits SLOW_ZIP_SECONDS first, so the zip step
(which reports no progress) outlasts a short export lease, as a very large workbook would.
"""

from __future__ import annotations

import os
import time
import zipfile
from typing import Any

from xlsxwriter import workbook

from workers.app import app, celery_app, flask_app  # noqa: F401 - the worker's app

DELAY = float(os.environ.get("SLOW_ZIP_SECONDS", "0.5"))


class SlowZipFile(zipfile.ZipFile):
    def write(self, *args: Any, **kwargs: Any) -> None:
        time.sleep(DELAY)
        super().write(*args, **kwargs)


workbook.ZipFile = SlowZipFile  # type: ignore[misc]
