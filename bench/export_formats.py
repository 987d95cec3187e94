"""The full data as CSV and Parquet from a database, by one real worker and then by two.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wps_audit_bench_formats \\
    REDIS_URL=redis://127.0.0.1:6379/0 python bench/export_formats.py --audits 100000

Builds bench/aggregate.py's portfolio (its units spread over eight institutions, so a split
export has parts of about the same size), then for each format asks for the administrator's
full data the way the page does (an export row and its outbox message, sent to Redis) and times
it from the request to the finished download, with one `celery worker` process and then with
two (EXPORT_SPLIT_AUDITS=1: one part per institution, a chord). Each run is in the same
database, so the ratio two/one is measured on the same rows in the same run.

The last line is
`formats audits=N csv_1_s=A csv_2_s=B parquet_1_s=C parquet_2_s=D two_workers_ratio=R`
(R: the mean of B/A and D/C; 0.5 would be a perfect split). It is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

INSTITUTIONS = 8


def _spread(url: str) -> None:
    """Move the units over INSTITUTIONS institutions of the two services (same country)."""
    from sqlalchemy import select, update

    from audit.extensions import db
    from audit.orgs.models import Institution, Unit
    from bench.export_database import _app

    app = _app(url)
    with app.app_context():
        existing = list(db.session.scalars(select(Institution).order_by(Institution.id)))
        for base in existing:
            extra = [
                Institution(
                    country_id=base.country_id, name=f"{base.entered_name} {n}", kind=base.kind
                )
                for n in range(2, INSTITUTIONS // len(existing) + 1)
            ]
            db.session.add_all(extra)
            db.session.flush()
            ids = [base.id, *(i.id for i in extra)]
            for index, institution_id in enumerate(ids):
                db.session.execute(
                    update(Unit)
                    .where(
                        Unit.institution_id == base.id,
                        Unit.parent_id.is_not(None),
                        Unit.id % len(ids) == index,
                    )
                    .values(institution_id=institution_id)
                )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _worker(env: dict[str, str], log: Path, name: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.app",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
        f"--hostname={name}-{os.getpid()}@%h",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=os.environ | env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _timed_export(url: str, redis: str, fmt: str, workers: int, out: Path) -> float:
    """Seconds from asking for the export to its finished download, with `workers` workers."""
    from sqlalchemy import select

    import config
    from audit import create_app
    from audit.accounts.models import User
    from audit.audits.models import AuditCycle
    from audit.exports import services as exports
    from audit.exports.models import Export, ExportKind, ExportStatus
    from audit.extensions import db

    env = {
        "DATABASE_URL": url,
        "REDIS_URL": redis,
        "WPS_ENV": "development",
        "WPS_INSTANCE_PATH": os.environ["WPS_INSTANCE_PATH"],
        "EXPORT_SPLIT_AUDITS": "1" if workers > 1 else "0",
        "EXPORT_LEASE_SECONDS": "600",
    }
    processes = [_worker(env, out / f"worker-{n}.log", f"bench-{n}") for n in range(workers)]
    app = create_app(config.Config, {"DATABASE_URL": url, "REDIS_URL": redis})
    try:
        time.sleep(3)  # the workers connect to Redis
        with app.app_context():
            admin = db.session.scalar(select(User).order_by(User.id))
            cycle = db.session.scalar(select(AuditCycle))
            started = time.perf_counter()
            export = exports.request_export(
                admin, ExportKind.FULL_DATA, {"cycle_id": cycle.id, "format": fmt}, "en"
            )
            db.session.commit()  # the outbox sends the job to Redis
            export_id = export.id
            while True:
                time.sleep(0.5)
                db.session.expire_all()
                state = db.session.get(Export, export_id)
                if state.finished:
                    break
                for process in processes:
                    if process.poll() is not None:
                        raise SystemExit(f"a worker stopped: see {out}")
            seconds = time.perf_counter() - started
            if state.status is not ExportStatus.DONE:
                raise SystemExit(f"export failed: {state.error}")
            print(
                f"{fmt} with {workers} worker(s): {seconds:.1f} s, "
                f"{state.size / 2**20:.1f} MiB, {state.params.get('parts', 1)} part(s)",
                flush=True,
            )
            db.session.remove()
            db.engine.dispose()
            return seconds
    finally:
        for process in processes:
            _stop(process)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("CELERY_QUEUE", f"wps-bench-formats-{os.getpid()}")

    from bench.aggregate import database, log
    from bench.export_database import build

    with database(args.keep) as url, tempfile.TemporaryDirectory(prefix="wps-bench-") as tmp:
        if url.startswith("sqlite"):
            raise SystemExit("two workers need PostgreSQL: set DATABASE_URL")
        out = Path(tmp)
        os.environ["WPS_INSTANCE_PATH"] = str(out / "instance")
        log(f"building {args.audits} audits")
        build(url, args.audits, out)
        _spread(url)
        times = {
            (fmt, workers): _timed_export(url, redis, fmt, workers, out)
            for fmt in ("csv", "parquet")
            for workers in (1, 2)
        }
    ratio = (times["csv", 2] / times["csv", 1] + times["parquet", 2] / times["parquet", 1]) / 2
    print(
        f"formats audits={args.audits} csv_1_s={times['csv', 1]:.1f} "
        f"csv_2_s={times['csv', 2]:.1f} parquet_1_s={times['parquet', 1]:.1f} "
        f"parquet_2_s={times['parquet', 2]:.1f} two_workers_ratio={ratio:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
