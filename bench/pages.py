"""Pages benchmark: every page that grows with the portfolio, at N audits against the demo.

    python bench/pages.py --audits 10000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wps_audit_bench python bench/pages.py

Two databases are built in the same run, on the same engine (DATABASE_URL; default temporary
SQLite files; a PostgreSQL database named in DATABASE_URL is created afresh with a second one,
its name ending in `_demo`, for the baseline, and both are dropped at the end unless --keep):

- the baseline: the demo `make run` loads (20 units, their audits and scorecards);
- the large one: bench/aggregate.py's synthetic portfolio of N validated audits, with an
  administrator, an adviser of the larger institution, a commander of one unit and a donor
  of the country.

Each page is requested through the app (Flask's test client: routing, the session, the
views, the services, the database and the templates, everything but the network) as the person
who would open it, --requests times after two warm-up requests; the median is kept. Each line
gives a page's median on the demo, on the large database, their ratio and the page's size; the
last line is always `pages audits=N worst_page=NAME worst_ratio=R`.
It is a measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.aggregate import _postgres_admin, database, log  # noqa: E402

#: (page, who opens it, address; {institution}, {audit} and {unit} are filled per database).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("portfolio_admin", "admin", "/portfolio/"),
    ("portfolio_adviser", "adviser", "/portfolio/"),
    ("portfolio_sorted", "adviser", "/portfolio/?sort=weakest&domain={domain}"),
    ("donor", "donor", "/portfolio/donor"),
    ("audits_admin", "admin", "/audits/"),
    ("audits_adviser_unit_sort", "adviser", "/audits/?sort=unit&page=3"),
    ("review_queue", "adviser", "/audits/?queue=review"),
    ("home_admin", "admin", "/"),
    ("home_adviser", "adviser", "/"),
    ("home_commander", "commander", "/"),
    ("units_admin", "admin", "/units"),
    ("units_search", "admin", "/units?q=2"),
    ("accounts", "admin", "/admin/users"),
    ("organisations", "admin", "/admin/orgs"),
    ("institution_units", "admin", "/admin/institutions/{institution}/units"),
    ("scorecard", "adviser", "/scorecards/audits/{audit}"),
    ("history", "adviser", "/audits/{audit}/history"),
)


@dataclass
class Site:
    """One database behind the app, signed in as each person."""

    app: Any
    clients: dict[str, Any]
    fill: dict[str, Any]

    def get(self, who: str, address: str) -> tuple[float, int, int]:
        url = address.format(**self.fill)
        started = time.perf_counter()
        response = self.clients[who].get(url)
        elapsed = time.perf_counter() - started
        return elapsed, response.status_code, len(response.get_data())


def _app(url: str) -> Any:
    import config
    from audit import create_app

    return create_app(
        config.Config,
        {"DATABASE_URL": url, "REDIS_URL": None, "RATELIMIT_ENABLED": False, "TESTING": True},
    )


def _sign_in(app: Any, emails: dict[str, str]) -> dict[str, Any]:
    from sqlalchemy import select

    from audit.accounts.models import User
    from audit.extensions import db

    clients = {}
    for who, email in emails.items():
        token = db.session.scalar(select(User.login_token).where(User.email == email))
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        clients[who] = client
    return clients


def _fill(institution_id: int) -> dict[str, Any]:
    """The ids the addresses need: the institution, one validated audit of it, a domain."""
    from sqlalchemy import select

    from audit.audits.models import Audit, AuditState
    from audit.extensions import db
    from audit.orgs.models import Unit
    from audit.scoring.models import DomainScore

    audit_id = db.session.scalar(
        select(Audit.id)
        .join(Unit, Audit.unit_id == Unit.id)
        .where(Unit.institution_id == institution_id, Audit.state == AuditState.VALIDATED)
        .order_by(Audit.id)
    )
    domain = db.session.scalar(select(DomainScore.domain_code).order_by(DomainScore.id))
    return {"institution": institution_id, "audit": audit_id, "domain": domain or ""}


def demo_site(url: str) -> Site:
    """The demo of `make run` in the database at `url`."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from audit.demo import load_demo
    from audit.extensions import db
    from audit.frameworks.services import load_shipped
    from audit.orgs.models import Unit

    app = _app(url)
    with app.app_context():
        upgrade()
        list(load_shipped())
        load_demo()
        db.session.commit()
        emails = {
            "admin": "admin@example.org",
            "adviser": "adviser.lebanon@example.org",
            "commander": "commander.hobeich@example.org",
            "donor": "donor@example.org",
        }
        biggest = db.session.execute(
            select(Unit.institution_id)
            .group_by(Unit.institution_id)
            .order_by(func.count().desc(), Unit.institution_id)
        ).scalar()
        site = Site(app, _sign_in(app, emails), _fill(int(biggest or 0)))
        db.session.remove()
    return site


def large_site(url: str, audits: int) -> Site:
    """bench/aggregate.py's portfolio of `audits` audits, with the people who open its pages."""
    from sqlalchemy import select

    from audit.accounts.models import Role, RoleAssignment, User
    from audit.extensions import db
    from audit.orgs.models import Country, Unit
    from bench.aggregate import prepare

    app = _app(url)
    with app.app_context():
        prepared = prepare()
        prepared.portfolio.grow(audits)
        prepared.analyse()
        setup = prepared.setup
        police = setup["institutions"]["police"]
        unit_id = db.session.scalar(
            select(Unit.id).where(Unit.institution_id == police, Unit.parent_id.is_not(None))
        )
        country_id = db.session.scalar(select(Country.id))
        people = {
            "adviser": RoleAssignment(role=Role.ADVISER, institution_id=police),
            "commander": RoleAssignment(role=Role.COMMANDER, unit_id=unit_id),
            "donor": RoleAssignment(role=Role.DONOR, country_id=country_id),
        }
        emails = {"admin": "bench-admin@example.org"}
        for who, assignment in people.items():
            user = User(email=f"bench-{who}@example.org", name=f"Bench {who}", password_hash="!")
            user.assignments.append(assignment)
            db.session.add(user)
            emails[who] = user.email
        db.session.commit()
        site = Site(app, _sign_in(app, emails), _fill(police))
        db.session.remove()
    return site


def median_time(site: Site, who: str, address: str, requests: int) -> tuple[float, int, int]:
    """The median time of a page over `requests` requests (after two), its status and size."""
    with site.app.app_context():
        for _ in range(2):
            site.get(who, address)
        times = []
        status = size = 0
        for _ in range(requests):
            elapsed, status, size = site.get(who, address)
            times.append(elapsed)
    return statistics.median(times), status, size


@contextmanager
def baseline_database(url: str, keep: bool) -> Iterator[str]:
    """A second database beside `url` for the demo: `<name>_demo` on PostgreSQL, another
    temporary SQLite file otherwise."""
    if url.startswith("sqlite"):
        folder = Path(tempfile.mkdtemp(prefix="wps-bench-demo-"))
        try:
            yield f"sqlite:///{folder / 'demo.sqlite'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    demo = parsed.set(database=f"{parsed.database}_demo").render_as_string(hide_password=False)
    _postgres_admin(demo, create=True)
    try:
        yield demo
    finally:
        if not keep:
            _postgres_admin(demo, create=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--audits", type=int, default=10_000, help="audits in the large database")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args(argv)
    if args.audits < 1 or args.requests < 1:
        parser.error("--audits and --requests must be at least 1")
    instance = Path(tempfile.mkdtemp(prefix="wps-bench-instance-"))
    os.environ["WPS_INSTANCE_PATH"] = str(instance)
    try:
        with database(args.keep) as url, baseline_database(url, args.keep) as demo_url:
            line = run(demo_url, url, args.audits, args.requests)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    print(line, flush=True)
    return 0


def run(demo_url: str, url: str, audits: int, requests: int) -> str:
    started = time.perf_counter()
    demo = demo_site(demo_url)
    log(f"demo loaded ({time.perf_counter() - started:.1f} s)")
    log(f"building {audits} audits")
    large = large_site(url, audits)
    ratios: dict[str, float] = {}
    measure: Callable[[Site, str, str], tuple[float, int, int]]

    def measure(site: Site, who: str, address: str) -> tuple[float, int, int]:
        return median_time(site, who, address, requests)

    for name, who, address in PAGES:
        small_s, small_status, small_size = measure(demo, who, address)
        large_s, large_status, large_size = measure(large, who, address)
        if small_status != 200 or large_status != 200:
            log(f"page {name}: HTTP {small_status} on the demo, {large_status} at {audits}")
            continue
        ratios[name] = large_s / small_s if small_s else float("inf")
        log(
            f"page {name} demo_ms={small_s * 1000:.1f} large_ms={large_s * 1000:.1f} "
            f"ratio={ratios[name]:.2f} demo_kb={small_size / 1024:.0f} "
            f"large_kb={large_size / 1024:.0f}"
        )
    worst = max(ratios, key=lambda page: ratios[page]) if ratios else "none"
    return f"pages audits={audits} worst_page={worst} worst_ratio={ratios.get(worst, 0):.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
