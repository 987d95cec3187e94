"""Portfolio roll-up benchmark: how the donor/admin aggregates scale with the number of audits.

    python bench/aggregate.py --audits 10000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wps_audit_bench python bench/aggregate.py

Builds a synthetic portfolio in the configured database (DATABASE_URL; default a temporary SQLite
file; a PostgreSQL database named in DATABASE_URL is dropped and created afresh, and dropped
again at the end unless --keep): the real schema (Alembic migrations), the shipped framework,
one cycle, N units with one validated audit each, their answers and evidence, and two scorecard
snapshots per audit (submitted, validated) with their domain and sex-count rows, as the snapshot
service writes them. Rows are bulk-inserted with SQLAlchemy Core (executemany); answers come
from the demo's answer planner for a handful of unit profiles, and their scorecards from the
real scoring engine, with the scores jittered per audit.

Then it times, best of --repeat runs:
1. the portfolio roll-up the portfolio page runs for an administrator (every unit of the
   cycle): `portfolio_rollup.rollup`, which reads the read model's sums (the same figures
   summed by grouped queries, as for a regional adviser, are timed and printed too);
2. a bare `SELECT indicator_id, count(*) FROM answers GROUP BY indicator_id` as the baseline;
3. rescoring one audit (scoring.compute: load its answers + the engine) with 100 audits in the
   database and again, the same audit, with N, for rescore_ratio = time at N / time at 100
   (best of --rescore-runs: one rescore takes milliseconds, so it is more exposed to noise).

The last line printed is always
`aggregate audits=N rollup_s=X groupby_s=Y ratio=X/Y rescore_ratio=Z`.
It is a measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
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

from sqlalchemy import Text, cast, column, func, insert, select, table, text  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402
from sqlalchemy.engine import Connection, make_url  # noqa: E402
from sqlalchemy.types import TypeDecorator  # noqa: E402

#: Unit profiles the answers are drawn from: (service, unit type, share of the portfolio).
PROFILES: tuple[tuple[str, str, int], ...] = (
    ("police", "station", 40),
    ("police", "region", 6),
    ("police", "specialised", 6),
    ("police", "academy", 3),
    ("police", "hq", 1),
    ("military", "barracks", 20),
    ("military", "district", 8),
    ("military", "academy", 3),
    ("military", "deploying", 12),
    ("military", "hq", 1),
)
#: Distinct answer sets per profile (each a different unit drawn by the demo planner).
VARIANTS = 3
BATCH = 500  # audits per insert transaction
SEED = 2026


def log(message: str) -> None:
    """A progress line."""
    print(message, flush=True)


# --- the database ----------------------------------------------------------------------------


@contextmanager
def database(keep: bool) -> Iterator[str]:
    """The database URL to use: DATABASE_URL (a PostgreSQL one created afresh) or temp SQLite."""
    url = os.environ.get("DATABASE_URL")
    folder = None
    if not url:
        folder = Path(tempfile.mkdtemp(prefix="wps-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite'}"
    postgres = url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))
    if postgres:
        _postgres_admin(url, create=True)
    try:
        yield url
    finally:
        if postgres and not keep:
            _postgres_admin(url, create=False)
        if keep:
            log(f"kept the database: {url}")
        elif folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _postgres_admin(url: str, *, create: bool) -> None:
    import psycopg

    parsed = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parsed.database
    if not name:
        raise SystemExit("DATABASE_URL must name a database")
    server = parsed.set(drivername="postgresql", database="postgres")
    dsn = server.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    log(f"{'created' if create else 'dropped'} PostgreSQL database {name}")


# --- the portfolio ---------------------------------------------------------------------------


@dataclass
class Template:
    """One unit profile's answers and the rows its scorecard gives."""

    service: str
    unit_type: str
    answers: list[dict[str, Any]]  # answers rows without audit_id
    evidence: list[int]  # indicator ids with a document reference
    overall: tuple[float | None, float | None]
    domains: list[tuple[str, float | None, float | None]]
    recommendations: list[tuple[str, float | None, float | None]]
    sex_counts: list[tuple[str, str, int, int, int, bool]]
    data: str  # the scorecard's JSON, serialised once
    data_slim: str  # the same as an older snapshot keeps it (audit.scoring.slimming)
    data_format_1: str  # as every snapshot was stored before issue 14 (`legacy` portfolios)


def make_templates(fw: Any, indicator_ids: dict[str, int]) -> list[Template]:
    """Answers drawn by the demo planner, scored by the real engine."""
    from audit.demo import UnitProfile, plan_answers
    from audit.scoring import engine
    from audit.scoring.engine import codec

    templates = []
    for service, unit_type, _ in PROFILES:
        for variant in range(VARIANTS):
            code = f"BENCH-{service}-{unit_type}-{variant}"
            profile = UnitProfile.draw(code, service, unit_type, "LB")
            plan = plan_answers(fw, profile, variant % 2)
            inputs = {
                c: engine.AnswerInput(value=v, has_evidence=c in plan.evidence)
                for c, v in plan.values.items()
            }
            inputs.update(
                {
                    c: engine.AnswerInput(value=None, not_applicable=True)
                    for c in plan.not_applicable
                }
            )
            card = engine.score_audit(
                fw, inputs, service=service, unit_type=unit_type, reference_date=dt.date(2026, 6, 1)
            )
            answers = [
                {
                    "indicator_id": indicator_ids[c],
                    "value": v,
                    "currency": profile.currency if fw.indicator(c).type == "amount" else None,
                    "not_applicable": False,
                    "na_reason": None,
                }
                for c, v in plan.values.items()
            ] + [
                {
                    "indicator_id": indicator_ids[c],
                    "value": None,
                    "currency": None,
                    "not_applicable": True,
                    "na_reason": reason,
                }
                for c, reason in plan.not_applicable.items()
            ]
            sex_counts = []
            for ind in fw.indicators:
                value = plan.values.get(ind.code) if ind.type == "sex_table" else None
                result = card.indicators.get(ind.code)
                if not isinstance(value, dict) or result is None or result.exclusion is not None:
                    continue
                sex_counts += [
                    (ind.code, row, c["women"], c["men"], c["not_recorded"], ind.sensitive)
                    for row, c in value.items()
                ]
            templates.append(
                Template(
                    service=service,
                    unit_type=unit_type,
                    answers=answers,
                    evidence=[indicator_ids[c] for c in plan.evidence],
                    overall=(card.overall.score, card.overall.coverage),
                    domains=[(c, a.score, a.coverage) for c, a in card.domains.items()],
                    recommendations=[
                        (c, a.score, a.coverage) for c, a in card.recommendations.items()
                    ],
                    sex_counts=sex_counts,
                    data=json.dumps(card.to_dict()),
                    data_slim=json.dumps(codec.slim(card.to_dict())),
                    data_format_1=json.dumps(codec.encode_format_1(card)),
                )
            )
    return templates


def _jitter(score: float | None, shift: float) -> float | None:
    return None if score is None else min(100.0, max(0.0, score + shift))


class Portfolio:
    """Grows the synthetic portfolio with bulk inserts into the real tables."""

    def __init__(
        self, conn_factory: Callable[[], Any], setup: dict[str, Any], *, legacy: bool = False
    ) -> None:
        """`legacy`: store snapshots as before issue 14 (format 1, every one with its trace and
        rows) instead of as the scoring service does now (the older one slim, without rows)."""
        self.legacy = legacy
        self.begin = conn_factory
        self.setup = setup
        self.templates: list[Template] = setup["templates"]
        self.rng = random.Random(SEED)
        shares = {(service, unit_type): share for service, unit_type, share in PROFILES}
        self.choices = [
            index
            for index, template in enumerate(self.templates)
            for _ in range(shares[template.service, template.unit_type])
        ]
        self.audits = 0
        self.answers = 0

    def grow(self, to: int) -> None:
        """Add units with one validated audit each until the cycle has `to` audits."""
        started = time.perf_counter()
        while self.audits < to:
            count = min(BATCH, to - self.audits)
            with self.begin() as conn:
                self._batch(conn, count)
            self.audits += count
            if self.audits % 2000 == 0 or self.audits == to:
                log(
                    f"  {self.audits} audits, {self.answers} answers "
                    f"({time.perf_counter() - started:.1f} s)"
                )

    def _next_ids(self, conn: Connection, name: str, count: int) -> list[int]:
        start = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar_one() + 1
        return list(range(start, start + count))

    def _batch(self, conn: Connection, count: int) -> None:
        from audit.audits.models import Answer, Audit, Evidence
        from audit.orgs.models import Unit
        from audit.outbox.models import OutboxMessage
        from audit.scoring.models import DomainScore, RecommendationScore, SexCount
        from audit.scoring.services import TASK as SCORECARD_TASK

        s = self.setup
        rng = self.rng
        now = dt.datetime.now(dt.UTC)
        picks = [self.templates[rng.choice(self.choices)] for _ in range(count)]
        unit_ids = self._next_ids(conn, "units", count)
        audit_ids = self._next_ids(conn, "audits", count)
        outbox_ids = self._next_ids(conn, "outbox", 2 * count)
        scorecard_ids = self._next_ids(conn, "scorecards", 2 * count)

        units, audits, answers, evidence = [], [], [], []
        outbox, scorecards, domains, sex_counts, recommendations = [], [], [], [], []
        for n, (template, unit_id, audit_id) in enumerate(
            zip(picks, unit_ids, audit_ids, strict=True)
        ):
            hq = s["hq"][template.service]
            units.append(
                {
                    "id": unit_id,
                    "institution_id": s["institutions"][template.service],
                    "parent_id": hq,
                    "code": f"U{unit_id:06d}",
                    "name": f"Unit {unit_id}",
                    "unit_type": template.unit_type,
                    "path": f"/{hq}/{unit_id}/",
                    "active": True,
                    "created_at": now,
                }
            )
            submitted = now - dt.timedelta(days=rng.randint(10, 200))
            audits.append(
                {
                    "id": audit_id,
                    "cycle_id": s["cycle"],
                    "unit_id": unit_id,
                    "state": "validated",
                    "sign_off": "I confirm that these answers are complete and correct.",
                    "signed_off_by_id": s["admin"],
                    "submitted_at": submitted,
                    "validated_at": submitted + dt.timedelta(days=rng.randint(1, 30)),
                    "validated_by_id": s["admin"],
                    "created_at": submitted - dt.timedelta(days=30),
                    "updated_at": submitted,
                }
            )
            answers += [
                {
                    **row,
                    "audit_id": audit_id,
                    "revision": 1,
                    "updated_at": submitted,
                    "updated_by_id": s["admin"],
                }
                for row in template.answers
            ]
            evidence += [
                {
                    "audit_id": audit_id,
                    "indicator_id": indicator_id,
                    "kind": "reference",
                    "reference": f"Order {audit_id}/{indicator_id}, unit registry",
                    "uploaded_by_id": s["admin"],
                    "created_at": submitted,
                }
                for indicator_id in template.evidence
            ]
            shift = rng.uniform(-10, 10)
            for k, trigger in enumerate(("submitted", "validated")):
                outbox_id, scorecard_id = outbox_ids[2 * n + k], scorecard_ids[2 * n + k]
                outbox.append(
                    {
                        "id": outbox_id,
                        "task": SCORECARD_TASK,
                        "payload": {"audit_id": audit_id, "trigger": trigger},
                        "created_at": submitted,
                        "sent_at": submitted,
                        "attempts": 1,
                        "done_at": submitted,
                    }
                )
                newest = trigger == "validated"
                if self.legacy:
                    data = template.data_format_1
                else:
                    data = template.data if newest else template.data_slim
                scorecards.append(
                    {
                        "id": scorecard_id,
                        "audit_id": audit_id,
                        "trigger": trigger,
                        "outbox_id": outbox_id,
                        "framework_version_id": s["version"],
                        "rules_version": s["rules_version"],
                        "overall_score": _jitter(template.overall[0], shift),
                        "overall_coverage": template.overall[1],
                        "data": data,
                        "traced": newest or self.legacy,
                        "created_at": submitted,
                    }
                )
                if not (newest or self.legacy):
                    continue  # an older snapshot keeps no rows
                recommendations += [
                    {
                        "scorecard_id": scorecard_id,
                        "recommendation_code": code,
                        "score": score,
                        "coverage": coverage,
                    }
                    for code, score, coverage in template.recommendations
                ]
                domains += [
                    {
                        "scorecard_id": scorecard_id,
                        "domain_code": code,
                        "score": _jitter(score, shift + rng.uniform(-5, 5)),
                        "coverage": coverage,
                    }
                    for code, score, coverage in template.domains
                ]
                scale = rng.uniform(0.7, 1.3)
                sex_counts += [
                    {
                        "scorecard_id": scorecard_id,
                        "indicator_code": code,
                        "row_code": row,
                        "women": round(women * scale),
                        "men": round(men * scale),
                        "not_recorded": not_recorded,
                        "sensitive": sensitive,
                    }
                    for code, row, women, men, not_recorded, sensitive in template.sex_counts
                ]
        # The scorecard document is serialised once per template, so it goes in as text (cast
        # to json on PostgreSQL) instead of through the JSON type, which would serialise again.
        raw_scorecards = table(
            "scorecards",
            *(column(name) for name in scorecards[0] if name != "data"),
            column("data", _JsonText() if conn.dialect.name == "postgresql" else Text()),
        )
        conn.execute(insert(Unit.__table__), units)
        conn.execute(insert(Audit.__table__), audits)
        conn.execute(insert(Answer.__table__), answers)
        conn.execute(insert(Evidence.__table__), evidence)
        conn.execute(insert(OutboxMessage.__table__), outbox)
        conn.execute(insert(raw_scorecards), scorecards)
        conn.execute(insert(DomainScore.__table__), domains)
        conn.execute(insert(RecommendationScore.__table__), recommendations)
        conn.execute(insert(SexCount.__table__), sex_counts)
        self.answers += len(answers)


class _JsonText(TypeDecorator[str]):
    """JSON that is already text: bound as text and cast to json by PostgreSQL."""

    impl = Text
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return cast(bindvalue, postgresql.JSON)


# --- timing ----------------------------------------------------------------------------------


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of `repeat` runs of work(), in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--audits", type=int, default=10_000, help="audits in the cycle")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (best is kept)")
    parser.add_argument(
        "--rescore-runs", type=int, default=20, help="runs per rescore timing (best is kept)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.audits < 1:
        parser.error("--audits must be at least 1")
    small = min(100, args.audits)

    with database(args.keep) as url:
        instance = Path(tempfile.mkdtemp(prefix="wps-bench-instance-"))
        os.environ["WPS_INSTANCE_PATH"] = str(instance)
        try:
            line = run(url, args.audits, small, args.repeat, args.rescore_runs)
        finally:
            shutil.rmtree(instance, ignore_errors=True)
    print(line, flush=True)
    return 0


def run(url: str, audits: int, small: int, repeat: int, rescore_runs: int) -> str:
    import config
    from audit import create_app

    app = create_app(config.Config, {"DATABASE_URL": url, "REDIS_URL": None})
    with app.app_context():
        return _run(audits, small, repeat, rescore_runs)


@dataclass
class Prepared:
    """An empty portfolio ready to grow: the schema, the framework, one cycle, an admin."""

    portfolio: Portfolio
    setup: dict[str, Any]
    cycle_id: int
    #: After growing: fill what the scoring service would have kept (latest_scores, the read
    #: model) and bring the planner's statistics up to date (PostgreSQL).
    analyse: Callable[[], None]


def prepare(*, legacy: bool = False) -> Prepared:
    """Migrate the (empty) database of the app in context and set up the synthetic portfolio
    (benches that need a large database share this: aggregate, export, pages, storage)."""
    from flask_migrate import upgrade

    from audit.accounts.models import Role, RoleAssignment, User
    from audit.audits.models import AuditCycle
    from audit.extensions import db
    from audit.frameworks import services as frameworks
    from audit.orgs.models import Country, Institution, InstitutionKind, Unit, UnitType
    from audit.scoring import engine

    engine_ = db.engine
    log(f"database: {engine_.url.render_as_string(hide_password=True)}")
    started = time.perf_counter()
    upgrade()
    if db.session.scalar(select(func.count()).select_from(AuditCycle)):
        raise SystemExit("the benchmark needs an empty database (it already has audit cycles)")
    version = frameworks.load(frameworks.SHIPPED / "wps-2026.1").version
    fw = frameworks.framework_of(version)
    indicator_ids = {row.code: row.id for row in version.indicators}
    log(
        f"schema and framework {fw.code} {fw.version} ready ({time.perf_counter() - started:.1f} s)"
    )

    admin = User(email="bench-admin@example.org", name="Bench Admin", password_hash="!")
    admin.assignments.append(RoleAssignment(role=Role.ADMIN))
    country = Country(code="LB", name="Benchland")
    institutions = {
        "police": Institution(country=country, name="Bench Police", kind=InstitutionKind.POLICE),
        "military": Institution(
            country=country, name="Bench Armed Forces", kind=InstitutionKind.ARMED_FORCES
        ),
    }
    hqs = {
        service: Unit(institution=inst, code="HQ", name=f"{inst.name} HQ", unit_type=UnitType.HQ)
        for service, inst in institutions.items()
    }
    cycle = AuditCycle(
        name="Bench 2026",
        framework_version_id=version.id,
        opens_on=dt.date(2026, 1, 15),
        closes_on=dt.date(2026, 12, 31),
    )
    db.session.add_all([admin, country, *institutions.values(), *hqs.values(), cycle])
    db.session.flush()
    for unit in hqs.values():
        unit.path = f"/{unit.id}/"
    db.session.commit()

    started = time.perf_counter()
    templates = make_templates(fw, indicator_ids)
    answers_per_audit = sum(len(t.answers) for t in templates) / len(templates)
    log(
        f"{len(templates)} answer sets drawn and scored, {answers_per_audit:.0f} answers per "
        f"audit on average ({time.perf_counter() - started:.1f} s)"
    )
    setup = {
        "templates": templates,
        "admin": admin.id,
        "institutions": {k: v.id for k, v in institutions.items()},
        "hq": {k: v.id for k, v in hqs.items()},
        "cycle": cycle.id,
        "version": version.id,
        "rules_version": engine.SCORING_RULES_VERSION,
    }
    sqlite = engine_.dialect.name == "sqlite"

    @contextmanager
    def begin() -> Iterator[Connection]:
        with engine_.begin() as conn:
            if sqlite:  # commits while building need not wait for the disk (timings only read)
                conn.exec_driver_sql("PRAGMA synchronous = OFF")
            yield conn

    portfolio = Portfolio(begin, setup, legacy=legacy)

    def analyse() -> None:
        # The builder bulk-inserts snapshots past the scoring service, so it fills
        # `latest_scores` and the current-scores read model the way their migrations do (a
        # `legacy` portfolio, stored as before issue 14, had neither).
        from audit.scoring import current, latest_scores

        if not legacy:
            with engine_.begin() as conn:
                log(f"latest scores of {latest_scores.backfill(conn)} audits filled")
            started = time.perf_counter()
            kept = current.rebuild()
            db.session.commit()
            log(f"read model of {kept} audits rebuilt ({time.perf_counter() - started:.1f} s)")
        if sqlite:  # the app never runs ANALYZE on SQLite, so neither does the benchmark
            return
        with engine_.begin() as conn:
            # Explicit ids were inserted: move the sequences on, as if the rows came one by one.
            for name in ("units", "audits", "outbox", "scorecards"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                )
            # Autovacuum would have analysed tables this size by now; do it before timing.
            conn.exec_driver_sql("ANALYZE")

    return Prepared(portfolio, setup, cycle.id, analyse)


def _run(audits: int, small: int, repeat: int, rescore_runs: int) -> str:
    from audit.access.scope import visible_unit_ids
    from audit.accounts.models import User
    from audit.audits.models import Answer, Audit, AuditCycle
    from audit.extensions import db
    from audit.frameworks import services as frameworks
    from audit.frameworks.models import FrameworkVersion
    from audit.scoring import portfolio_rollup
    from audit.scoring import services as scoring

    prepared = prepare()
    portfolio, setup, analyse = prepared.portfolio, prepared.setup, prepared.analyse
    cycle_id = prepared.cycle_id
    engine_ = db.engine

    def rescore_time(audit_id: int) -> float:
        def once() -> None:
            db.session.expunge_all()  # every run loads the audit and its answers again
            audit = db.session.get(Audit, audit_id)
            scoring.compute(audit)

        once()  # warm: the framework is parsed once per process, as in a worker
        return best_of(rescore_runs, once)

    log(f"building {small} audits")
    portfolio.grow(small)
    analyse()
    rescored_audit = db.session.scalar(
        select(Audit.id).where(Audit.cycle_id == cycle_id).order_by(Audit.id).offset(small // 2)
    )
    rescore_small = rescore_time(rescored_audit)
    log(f"rescore one audit with {small} audits: {rescore_small:.4f} s (best of {rescore_runs})")

    log(f"building {audits} audits")
    portfolio.grow(audits)
    analyse()
    rescore_large = rescore_time(rescored_audit)
    log(f"rescore one audit with {audits} audits: {rescore_large:.4f} s (best of {rescore_runs})")

    admin_user = db.session.get(User, setup["admin"])
    scope = visible_unit_ids(admin_user)

    cycle = db.session.get(AuditCycle, cycle_id)
    fw = frameworks.framework_of(db.session.get(FrameworkVersion, cycle.framework_version_id))

    def rollup() -> None:
        # What the portfolio page runs for an administrator (the read model's sums).
        portfolio_rollup.rollup(admin_user, scope, cycle, fw)

    def rollup_queries() -> None:
        # The same figures summed by queries, as for a regional adviser's scope.
        portfolio_rollup._from_queries(scope, cycle, fw)

    def groupby() -> None:
        db.session.execute(
            text("SELECT indicator_id, count(*) FROM answers GROUP BY indicator_id")
        ).all()

    rollup()  # warm both (page cache, prepared statements) before timing
    groupby()
    figures = portfolio_rollup.rollup(admin_user, scope, cycle, fw)
    log(
        f"roll-up result: {figures.units} units, overall mean {figures.mean or 0:.1f}, "
        f"{len(figures.domains)} domains, {len(figures.sex)} sex-count rows"
    )
    rollup_queries()
    queries_s = best_of(repeat, rollup_queries)
    log(f"the same roll-up by grouped queries: {queries_s:.4f} s (best of {repeat})")
    rollup_s = best_of(repeat, rollup)
    groupby_s = best_of(repeat, groupby)
    total_answers = db.session.scalar(select(func.count()).select_from(Answer))
    log(f"roll-up over {audits} validated audits: {rollup_s:.4f} s (best of {repeat})")
    log(f"GROUP BY over {total_answers} answers: {groupby_s:.4f} s (best of {repeat})")
    db.session.remove()
    engine_.dispose()

    ratio = rollup_s / groupby_s if groupby_s else float("inf")
    rescore_ratio = rescore_large / rescore_small if rescore_small else float("inf")
    return (
        f"aggregate audits={audits} rollup_s={rollup_s:.4f} groupby_s={groupby_s:.4f} "
        f"ratio={ratio:.2f} rescore_ratio={rescore_ratio:.2f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
