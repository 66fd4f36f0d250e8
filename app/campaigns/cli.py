"""`flask campaigns export SLUG --out FILE` and `flask campaigns import FILE`."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.campaigns.models import Campaign
from app.campaigns.transfer import TransferError
from app.campaigns.transfer.export import export_campaign
from app.campaigns.transfer.import_ import import_campaign, remove_files
from app.core import audit
from app.extensions import db

campaigns_cli = AppGroup("campaigns", help="Move campaigns between instances.")


@campaigns_cli.command("export")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(slug, out):
    """Write the campaign SLUG, its rows and files, to a ZIP archive."""
    try:
        manifest = export_campaign(slug, out)
    except TransferError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(manifest["tables"].values())
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    audit.record("campaign.export", campaign, rows=rows, files=len(manifest["files"]))
    db.session.commit()
    click.echo(f"Exported {slug}: {rows} rows, {len(manifest['files'])} files, to {out}")


@campaigns_cli.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def import_command(archive):
    """Read a campaign archive into this instance: all of it, or nothing."""
    try:
        result = import_campaign(archive)
    except TransferError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    except BaseException:
        db.session.rollback()
        raise
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        remove_files(result.files)
        raise
    rows = sum(result.counts.values())
    click.echo(f"Imported {result.slug}: {rows} rows, {len(result.files)} files: /c/{result.slug}")
