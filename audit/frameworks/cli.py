"""`flask --app audit framework validate|load FILE`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from audit import transactions
from audit.frameworks import services, spec
from audit.refusals import Refused

framework_group = AppGroup("framework", help="Framework files: validate and load.")


def _coverage_table(fw: spec.Framework) -> str:
    lines = [f"{'rec.':<5} {'level':<12} {'primary':<40} supporting"]
    for rec, primary, supporting in spec.coverage(fw):
        lines.append(
            f"{rec.code:<5} {rec.level:<12} {', '.join(primary) or '-':<40} "
            f"{', '.join(supporting) or '-'}"
        )
    return "\n".join(lines)


@framework_group.command("validate")
@click.argument("path", type=click.Path(exists=True))
def validate_command(path: str) -> None:
    """Print every problem with its place, or the coverage of R01-R30 when there are none."""
    fw, problems = spec.read(path)
    if problems or fw is None:
        for problem in problems:
            click.echo(str(problem))
        raise click.ClickException(f"{len(problems)} problem(s) in {path}")
    click.echo(
        f"{fw.code} {fw.version}: {len(fw.domains)} domains, {len(fw.indicators)} indicators, "
        f"checksum {fw.checksum[:12]}\n"
    )
    click.echo(_coverage_table(fw))


@framework_group.command("load")
@click.argument("path", type=click.Path(exists=True))
@transactions.command
def load_command(path: str) -> None:
    """Load a framework version (idempotent; changed content becomes a new version)."""
    try:
        result = services.load(path)
    except Refused as error:
        for problem in error.params.get("problems", []):
            click.echo(str(problem))
        raise click.ClickException(error.message) from error
    version = result.version
    if result.created:
        click.echo(f"Loaded {version.code} {version.label} ({len(version.indicators)} indicators).")
        if version.revision > 1:
            click.echo(
                f"Note: the content changed but the version label did not; stored as revision "
                f"{version.revision}. Consider giving the file a new version label."
            )
    else:
        click.echo(f"Unchanged: {version.code} {version.label} is already loaded.")
