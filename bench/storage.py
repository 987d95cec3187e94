"""Storage per audit: the database's bytes as the portfolio grows, as stored now and as before.

    python bench/storage.py --audits 10000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wps_audit_bench_storage \\
        python bench/storage.py --audits 10000

Builds bench/aggregate.py's portfolio twice in a fresh database (DATABASE_URL, default a
temporary SQLite file): once stored the way snapshots were before issue 14 (`legacy`: format 1,
both snapshots of an audit with their trace and rows) and once the way the scoring service
stores them now (compact format, the older snapshot slim and without rows, plus each audit's
`latest_scores` and its row in the current-scores read model). Each time it measures the
database at N/10 and at N audits (SQLite: the file; PostgreSQL: `pg_total_relation_size` of
every table, indexes and TOAST included) and gives the bytes each further audit costs, which is
what the README extrapolates to 100,000 and 1,000,000 audits (growth is linear: every audit adds
the same rows). The audit log (about 26 kB per
audit in a real portfolio) is not built by this portfolio and is not counted.

The last line is
`storage audits=N bytes_per_audit=B legacy_bytes_per_audit=L ratio=B/L`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _size() -> int:
    """The database's bytes now."""
    from sqlalchemy import text

    from audit.extensions import db

    engine = db.engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(engine.url.database or "").stat().st_size
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND n.nspname = 'public'"
                )
            ).scalar_one()
        )


def _largest_tables() -> list[tuple[str, int]]:
    """The six largest tables (PostgreSQL: with indexes and TOAST; SQLite: dbstat if built)."""
    from sqlalchemy import text

    from audit.extensions import db

    with db.engine.connect() as conn:
        try:
            if db.engine.dialect.name == "sqlite":
                query = "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6"
            else:
                query = (
                    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                    "AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 6"
                )
            return [(str(name), int(size)) for name, size in conn.execute(text(query))]
        except Exception:  # SQLite without the dbstat table: no breakdown
            return []


def measure(url: str, audits: int, *, legacy: bool) -> float:
    """Bytes per further audit between N/10 and N audits, stored as now or as before."""
    import config
    from audit import create_app
    from audit.extensions import db
    from bench.aggregate import log, prepare

    app = create_app(config.Config, {"DATABASE_URL": url, "REDIS_URL": None})
    small = max(1, audits // 10)
    sizes = []
    with app.app_context():
        prepared = prepare(legacy=legacy)
        for count in (small, audits):
            prepared.portfolio.grow(count)
            prepared.analyse()
            sizes.append(_size())
            log(f"{'legacy' if legacy else 'now'}: {count} audits, {sizes[-1]:,} bytes")
        for name, size in _largest_tables():
            log(f"    {name}: {size / audits:,.0f} bytes per audit")
        db.session.remove()
        db.engine.dispose()
    return (sizes[1] - sizes[0]) / (audits - small) if audits > small else sizes[1] / audits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.audits < 2:
        parser.error("--audits must be at least 2")
    from bench.aggregate import database, log

    per_audit = {}
    for legacy in (True, False):
        with database(keep=False) as url:
            instance = Path(tempfile.mkdtemp(prefix="wps-bench-instance-"))
            os.environ["WPS_INSTANCE_PATH"] = str(instance)
            try:
                per_audit[legacy] = measure(url, args.audits, legacy=legacy)
            finally:
                shutil.rmtree(instance, ignore_errors=True)
    now, before = per_audit[False], per_audit[True]
    for total in (10_000, 100_000, 1_000_000):
        log(
            f"{total:>9,} audits: {now * total / 1e9:.2f} GB now, "
            f"{before * total / 1e9:.2f} GB as before"
        )
    print(
        f"storage audits={args.audits} bytes_per_audit={round(now)} "
        f"legacy_bytes_per_audit={round(before)} ratio={now / before:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
