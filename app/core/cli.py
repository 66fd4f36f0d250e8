"""`flask check`: the start-up checks, for operators and scripts."""

import click
from flask.cli import with_appcontext

from app.core.preflight import run_checks
from config import ConfigError


@click.command("check")
@with_appcontext
def check_command():
    """Check the database, its migrations and the broker; one line per problem."""
    try:
        run_checks()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    click.echo("Database, migrations and broker: ready.")
