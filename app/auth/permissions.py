"""Who may do what on which campaign: admins everywhere, other staff through their memberships."""

import sqlalchemy as sa

from app.auth.models import ROLE_RANK, Membership, Role

#: The role an action needs on the campaign.
ACTIONS = {
    "view": Role.VIEWER,
    "edit": Role.EDITOR,
    #: Signatories' and recipients' emails, contact persons, addresses.
    "see_contacts": Role.EDITOR,
    "admin": Role.ADMIN,
}


def role_allows(held, needed):
    return held is not None and ROLE_RANK[Role(held)] >= ROLE_RANK[Role(needed)]


def campaign_id_of(campaign):
    return campaign if isinstance(campaign, int) else getattr(campaign, "id", None)


def can(user, action, campaign):
    """May `user` do `action` (view, edit, see_contacts, admin) on `campaign` (a Campaign or id)?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return role_allows(user.campaign_role(campaign_id_of(campaign)), ACTIONS[action])


def visible_to(user, column, role=Role.VIEWER):
    """A WHERE clause keeping rows whose campaign (`column`) `user` holds `role` on."""
    if user.is_admin:
        return sa.true()
    roles = [r for r in (Role.VIEWER, Role.EDITOR) if ROLE_RANK[r] >= ROLE_RANK[Role(role)]]
    member_of = sa.select(Membership.campaign_id).where(
        Membership.user_id == user.id, Membership.role.in_(roles)
    )
    return column.in_(member_of)
