"""The staff accounts page: admins list, create, give roles per campaign and deactivate accounts."""

import re

import sqlalchemy as sa

from app.models import Membership, Role, User
from tests.factories import PASSWORD, CampaignFactory, UserFactory
from tests.helpers import csrf_token, log_in, page_text


def test_admin_creates_an_account_and_gives_it_a_role_on_one_campaign(client, auth, db):
    home = CampaignFactory(slug="home", title_en="Home campaign", staff={})
    away = CampaignFactory(slug="away", staff={})
    auth.login("admin")
    response = client.post(
        "/staff/users/new",
        data={
            "email": "New.Person@Example.org",
            "name": "New Person",
            "csrf_token": csrf_token(client, "/staff/users/new"),
        },
    )
    assert response.status_code == 200
    password = re.search(r'<code class="password">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    user = db.session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert user.role == Role.VIEWER and user.memberships == []

    page = f"/staff/users/{user.id}"
    assert "Home campaign" in page_text(client.get(page))
    token = csrf_token(client, page)
    saved = client.post(
        f"{page}/roles",
        data={f"campaign-{home.id}": "editor", f"campaign-{away.id}": "", "csrf_token": token},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert {
        m.campaign_id: m.role
        for m in db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))
    } == {home.id: Role.EDITOR}
    assert "home: Editor" in page_text(client.get("/staff/users"))

    other = client.application.test_client()
    assert log_in(other, "new.person@example.org", password).status_code == 302
    assert other.get(f"/staff/campaigns/{home.id}").status_code == 200
    assert other.get(f"/staff/campaigns/{away.id}").status_code == 404


def test_an_unknown_role_is_refused_and_nothing_changes(client, auth, db):
    campaign = CampaignFactory(staff={})
    user = UserFactory(role=Role.VIEWER, campaigns={campaign: "viewer"})
    auth.login("admin")
    page = f"/staff/users/{user.id}"
    response = client.post(
        f"{page}/roles", data={f"campaign-{campaign.id}": "admin", "csrf_token": csrf_token(client, page)}
    )
    assert response.status_code == 302
    assert "The role on a campaign is viewer or editor." in page_text(client.get(page))
    db.session.expire_all()
    assert db.session.get(Membership, (user.id, campaign.id)).role == Role.VIEWER


def test_a_deactivated_account_is_logged_out_and_cannot_log_in(client, auth, db, app):
    campaign = CampaignFactory(staff={})
    user = UserFactory(role=Role.EDITOR, campaigns={campaign: "editor"})
    theirs = app.test_client()
    assert log_in(theirs, user.email, PASSWORD).status_code == 302
    auth.login("admin")
    page = f"/staff/users/{user.id}"
    assert client.post(f"{page}/active", data={"csrf_token": csrf_token(client, page)}).status_code == 302
    assert "Deactivated" in page_text(client.get(page))
    assert theirs.get("/staff/").status_code == 302
    assert log_in(app.test_client(), user.email, PASSWORD).status_code != 302
