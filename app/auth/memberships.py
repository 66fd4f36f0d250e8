"""Granting and revoking staff members' roles on campaigns."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.models import CAMPAIGN_ROLES, Membership, Role, User
from app.auth.services import normalize_email
from app.core import audit
from app.core.errors import NotFound, ValidationError
from app.extensions import db

log = logging.getLogger(__name__)


def user_by_email(email):
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFound(_l("No staff account has the email %(email)s.", email=normalize_email(email)))
    return user


def campaign_by_slug(slug):
    from app.campaigns.models import Campaign

    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == (slug or "").strip()))
    if campaign is None:
        raise NotFound(_l("No campaign has the address %(slug)s.", slug=(slug or "").strip()))
    return campaign


def campaign_role(role):
    """A role a membership may give (viewer or editor), else a ValidationError."""
    try:
        role = Role(str(role).strip().lower())
    except ValueError:
        role = None
    if role not in CAMPAIGN_ROLES:
        raise ValidationError(
            _l("The role on a campaign is viewer or editor."), fields={"role": _l("Choose viewer or editor.")}
        )
    return role


def membership(user, campaign):
    return db.session.get(Membership, (user.id, campaign.id))


def grant(user, campaign, role, actor=None):
    """Give `user` `role` on `campaign` (replacing the role they had there)."""
    role = campaign_role(role)
    current = membership(user, campaign)
    before = current.role.value if current else None
    if current is None:
        current = Membership(campaign_id=campaign.id, role=role)
        user.memberships.append(current)
    else:
        current.role = role
    db.session.flush()
    if before != role.value:
        audit.record(
            "membership.grant",
            user,
            actor=actor,
            campaign=campaign,
            before={"role": before},
            after={"role": role.value},
        )
    log.info("%s is %s of campaign %s", user.email, role, campaign.slug)
    return current


def revoke(user, campaign, actor=None):
    """Take away `user`'s role on `campaign`; False when they had none."""
    current = membership(user, campaign)
    if current is None:
        return False
    before = current.role.value
    user.memberships.remove(current)
    db.session.flush()
    audit.record(
        "membership.revoke",
        user,
        actor=actor,
        campaign=campaign,
        before={"role": before},
        after={"role": None},
    )
    log.info("%s is no longer a member of campaign %s", user.email, campaign.slug)
    return True


def grant_creator(campaign, actor):
    """Whoever creates a campaign, unless an admin, becomes its editor."""
    if actor is not None and not actor.is_admin:
        grant(actor, campaign, Role.EDITOR, actor=actor)
