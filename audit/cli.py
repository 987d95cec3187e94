"""`flask --app audit …` commands: set up the database, demo data, users, translations."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from audit import transactions
from audit.accounts import services as accounts
from audit.accounts.models import Role, User
from audit.extensions import db
from audit.paths import ROOT, TRANSLATIONS
from audit.refusals import Refused

POT = TRANSLATIONS / "messages.pot"


def _print_demo_logins() -> None:
    from audit.demo import DEMO_USERS

    click.echo("\nDemo sign-ins (password after the address):")
    for demo in DEMO_USERS:
        click.echo(f"  {demo.role.value:<10} {demo.email:<36} {demo.password}")


@click.command("setup")
@with_appcontext
@click.option("--demo", is_flag=True, help="Load the demo data when the database has no users.")
@transactions.command
def setup_command(demo: bool) -> None:
    """Upgrade the schema (Alembic), load the shipped frameworks, optionally add demo data."""
    upgrade()
    click.echo("Database schema is up to date.")
    from audit.frameworks.services import load_shipped

    for result in load_shipped():
        state = "loaded" if result.created else "up to date"
        click.echo(f"Framework {result.version.code} {result.version.label}: {state}.")
    if demo:
        from audit.demo import load_demo

        if db.session.scalar(select(func.count()).select_from(User)) == 0:
            load_demo()
            click.echo("Demo data loaded.")
        if current_app.config["DEMO_PASSWORDS_PRINTED"]:
            _print_demo_logins()


@click.group("demo", cls=AppGroup)
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
@transactions.command
def demo_load() -> None:
    """Load the demo countries, institutions, units and users (once)."""
    from audit.demo import load_demo

    click.echo("Demo data loaded." if load_demo() else "Demo data is already there.")
    _print_demo_logins()


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """User accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.password_option()
@transactions.command
def users_create(email: str, name: str, admin: bool, password: str) -> None:
    """Create a user (prompts for the password)."""
    try:
        user = accounts.create_user(None, email=email, name=name, password=password)
        if admin:
            accounts.assign_role(None, user, Role.ADMIN)
    except Refused as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email}" + (" (administrator)" if admin else ""))


@click.group("translate", cls=AppGroup)
def translate_group() -> None:
    """Translation catalogs (pybabel): extract, update, compile."""


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # noqa: S603


@translate_group.command("extract")
def translate_extract() -> None:
    """Collect every wrapped string into messages.pot."""
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        str(POT),
        str(ROOT),
    )


@translate_group.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalog for a new language."""
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", language)


@translate_group.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into every catalog."""
    translate_extract.callback()  # type: ignore[misc]
    _pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate_group.command("compile")
def translate_compile() -> None:
    """Compile the catalogs to .mo files (the install step runs this)."""
    _pybabel(
        "compile",
        "-d",
        str(TRANSLATIONS),
    )


@click.group("outbox", cls=AppGroup)
def outbox_group() -> None:
    """Background work waiting in the outbox."""


@outbox_group.command("sweep")
@transactions.command
def outbox_sweep() -> None:
    """Send again the work that never reached a worker (for cron, where beat is not run)."""
    from audit.outbox.services import pending, sweep

    waiting = len(pending())
    sent = sweep()
    click.echo(f"{waiting} waiting, {sent} sent.")


@click.group("exports", cls=AppGroup)
def exports_group() -> None:
    """Excel workbooks written by the workers."""


@exports_group.command("cleanup")
@transactions.command
def exports_cleanup() -> None:
    """Delete expired workbooks (for cron, where beat is not run)."""
    from audit.exports.services import cleanup

    click.echo(f"{cleanup()} expired.")


def register_commands(app: Flask) -> None:
    """Attach the command groups to the app's CLI."""
    from audit.frameworks.cli import framework_group

    for command in (
        setup_command,
        demo_group,
        users_group,
        translate_group,
        framework_group,
        outbox_group,
        exports_group,
    ):
        app.cli.add_command(command)
