"""Demo data: three countries, police and armed forces, 20 units, a user per role, two cycles.

The 2025 cycle (closed) has every unit answered, submitted by its commander and validated by a
gender adviser; in the open 2026 cycle most units improved and are validated, and a few are still
in progress, submitted or returned with a query. Everything goes through the services (answers
are validated and logged, scorecards are built through the outbox), and the answers are drawn
from `random.Random` seeded per unit, so every load gives the same demo.

The package is cut at its seams: `data` (organisations, users, cycles), `loading` (into the
database, through the services) and `planning` (what each unit answers), with the per-type draws
in `draws`, the units' profiles in `profiles` and what the demo reads from the framework, instead
of naming indicator codes, in `reading`.
"""

from audit.demo.data import (
    CYCLE_2025,
    CYCLE_2026,
    DEMO_ORGS,
    DEMO_SEED,
    DEMO_USERS,
    OPEN_CYCLE_STATES,
    SIGN_OFF,
    UNIT_COMMANDERS,
    DemoCycle,
    DemoError,
    DemoUser,
)
from audit.demo.loading import load_demo
from audit.demo.planning import AnswerPlan, plan_answers
from audit.demo.profiles import UnitProfile

__all__ = [
    "CYCLE_2025",
    "CYCLE_2026",
    "DEMO_ORGS",
    "DEMO_SEED",
    "DEMO_USERS",
    "OPEN_CYCLE_STATES",
    "SIGN_OFF",
    "UNIT_COMMANDERS",
    "AnswerPlan",
    "DemoCycle",
    "DemoError",
    "DemoUser",
    "UnitProfile",
    "load_demo",
    "plan_answers",
]
