"""`flask users ...`: create staff accounts and API tokens from the command line."""

import secrets
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.auth.memberships import campaign_by_slug, grant, revoke, user_by_email
from app.auth.models import Role, User
from app.auth.services import create_user, issue_token, normalize_email, set_password
from app.core.errors import DomainError
from app.extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")

DEV_ADMIN_EMAIL = "admin@undersigned.local"


def _fail(message):
    raise click.ClickException(str(message))


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VIEWER.value)
@click.option("--name", default="", help="Name shown in the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, role, name, password_stdin):
    """Create a staff account; the password is prompted for unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role=role, name=name)
    except DomainError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@users_cli.command("token")
@click.argument("email")
def token_command(email):
    """Print a new API token for this user (shown once; only its hash is kept)."""
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if user is None:
        _fail(f"No user with the email {normalize_email(email)}; create one with: flask users create EMAIL")
    token = issue_token(user)
    db.session.commit()
    click.echo(token)


@users_cli.command("dev-admin")
def dev_admin_command():
    """Development only: create the admin account, or give it a new password, and print both."""
    if current_app.config["APP_ENV"] == "production":
        _fail("dev-admin is for development; in production use: flask users create EMAIL --role admin")
    password = secrets.token_urlsafe(12)
    user = db.session.scalar(sa.select(User).where(User.email == DEV_ADMIN_EMAIL))
    if user is None:
        create_user(DEV_ADMIN_EMAIL, password, role=Role.ADMIN, name="Admin")
    else:
        set_password(user, password)
    db.session.commit()
    click.echo(f"Admin login: {DEV_ADMIN_EMAIL}  password: {password}")


def _membership_target(email, slug):
    try:
        return user_by_email(email), campaign_by_slug(slug)
    except DomainError as error:
        _fail(error.message)


@users_cli.command("grant")
@click.argument("email")
@click.argument("campaign")
@click.argument("role")
def grant_command(email, campaign, role):
    """Give EMAIL the ROLE (viewer or editor) on CAMPAIGN (its slug)."""
    user, target = _membership_target(email, campaign)
    if user.is_admin:
        _fail(f"{user.email} is an admin and may already do everything on every campaign.")
    try:
        grant(user, target, role)
    except DomainError as error:
        db.session.rollback()
        _fail(f"{error.message} (got {role!r})")
    db.session.commit()
    click.echo(f"{user.email} is now {role.strip().lower()} of {target.slug}.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("campaign")
def revoke_command(email, campaign):
    """Take away EMAIL's role on CAMPAIGN (its slug)."""
    user, target = _membership_target(email, campaign)
    if not revoke(user, target):
        _fail(f"{user.email} has no role on {target.slug}.")
    db.session.commit()
    click.echo(f"{user.email} no longer has a role on {target.slug}.")
