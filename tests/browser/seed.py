"""Fill a fresh database for the browser journey; run in a subprocess with the server's env.

    python -m tests.browser.seed FRAMEWORK_FOLDER PASSWORD

Loads the framework folder, creates one police station with a commander and an adviser (and the
administrator who opens the cycle), opens a cycle for the station and prints what the test needs
as one JSON line: {"audit_id": …, "commander": e-mail, "adviser": e-mail}.
"""

from __future__ import annotations

import datetime as dt
import json
import sys


def seed(framework: str, password: str) -> dict[str, object]:
    from audit import create_app
    from audit.accounts import services as accounts
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.frameworks import services as frameworks
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    app = create_app()
    with app.app_context():
        version = frameworks.load(framework).version
        country = orgs.save_country(None, None, "LB", "Lebanon")
        police = orgs.save_institution(None, None, country.id, "Police", InstitutionKind.POLICE)
        station = orgs.save_unit(
            None,
            None,
            institution_id=police.id,
            parent_id=None,
            code="HOBEICH",
            name="Hobeich Station",
            unit_type=UnitType.STATION,
        )

        def user(email: str, name: str, role: Role, **scope: int) -> object:
            created = accounts.create_user(None, email=email, name=name, password=password)
            accounts.assign_role(None, created, role, **scope)
            return created

        admin = user("admin@example.org", "Admin", Role.ADMIN)
        commander = user("commander@example.org", "Cdr Haddad", Role.COMMANDER, unit_id=station.id)
        adviser = user("adviser@example.org", "Adv Khoury", Role.ADVISER, unit_id=station.id)
        today = dt.date.today()
        cycle = audits.open_cycle(
            admin,
            name="Browser journey",
            framework_version_id=version.id,
            opens_on=today,
            closes_on=today + dt.timedelta(days=60),
            unit_ids=[station.id],
        )
        return {
            "audit_id": cycle.audits[0].id,
            "commander": commander.email,
            "adviser": adviser.email,
        }


if __name__ == "__main__":
    print(json.dumps(seed(sys.argv[1], sys.argv[2])))
