"""`flask users grant EMAIL CAMPAIGN ROLE` and `flask users revoke EMAIL CAMPAIGN`."""

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.models import Membership, Role
from tests.factories import CampaignFactory, UserFactory


def _role(db, user, campaign):
    membership = db.session.get(Membership, (user.id, campaign.id))
    return membership.role if membership else None


def test_grant_gives_a_role_on_one_campaign_and_changes_it(runner, db):
    user = UserFactory(role=Role.VIEWER, campaigns={})
    campaign, other = CampaignFactory(slug="bring-them-home", staff={}), CampaignFactory(staff={})
    result = runner.invoke(args=["users", "grant", user.email.upper(), "bring-them-home", "Editor"])
    assert result.exit_code == 0, result.output
    assert f"{user.email} is now editor of bring-them-home." in result.output
    db.session.expire_all()
    assert _role(db, user, campaign) == Role.EDITOR
    assert _role(db, user, other) is None
    assert runner.invoke(args=["users", "grant", user.email, "bring-them-home", "viewer"]).exit_code == 0
    db.session.expire_all()
    assert _role(db, user, campaign) == Role.VIEWER
    entry = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "membership.grant").order_by(AuditLog.id.desc())
    ).first()
    assert (entry.campaign_id, entry.before, entry.after) == (
        campaign.id,
        {"role": "editor"},
        {"role": "viewer"},
    )


def test_revoke_takes_the_role_away(runner, db):
    campaign = CampaignFactory(slug="open-letter", staff={})
    user = UserFactory(role=Role.EDITOR, campaigns={campaign: "editor"})
    result = runner.invoke(args=["users", "revoke", user.email, "open-letter"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _role(db, user, campaign) is None
    again = runner.invoke(args=["users", "revoke", user.email, "open-letter"])
    assert again.exit_code != 0
    assert f"{user.email} has no role on open-letter." in again.output


def test_unknown_email_campaign_or_role_is_a_clear_error(runner, db):
    user = UserFactory(role=Role.VIEWER, campaigns={})
    CampaignFactory(slug="known", staff={})
    cases = [
        (["nobody@example.org", "known", "editor"], "No staff account has the email nobody@example.org."),
        ([user.email, "unknown-slug", "editor"], "No campaign has the address unknown-slug."),
        ([user.email, "known", "admin"], "The role on a campaign is viewer or editor. (got 'admin')"),
        ([user.email, "known", "owner"], "The role on a campaign is viewer or editor. (got 'owner')"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "grant", *args])
        assert result.exit_code != 0
        assert message in result.output
    assert runner.invoke(args=["users", "revoke", "nobody@example.org", "known"]).exit_code != 0
    db.session.expire_all()
    assert db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id)).all() == []


def test_an_admin_needs_no_grant(runner, db):
    admin = UserFactory(role=Role.ADMIN)
    CampaignFactory(slug="any", staff={})
    result = runner.invoke(args=["users", "grant", admin.email, "any", "viewer"])
    assert result.exit_code != 0
    assert "is an admin" in result.output
