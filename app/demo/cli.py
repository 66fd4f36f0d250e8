"""`flask demo load`: the demo campaign, for a first look and for tests."""

import click
from flask.cli import AppGroup

from app.demo.loader import load_demo
from app.extensions import db

demo_cli = AppGroup("demo", help="The demo campaign.")


@demo_cli.command("load")
def load_command():
    """Load the demo campaign (once; running it again changes nothing)."""
    campaign, created = load_demo()
    db.session.commit()
    if created:
        click.echo(f"Loaded the demo campaign: /c/{campaign.slug}")
    else:
        click.echo(f"The demo campaign is already loaded: /c/{campaign.slug}")
