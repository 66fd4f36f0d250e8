"""Rights per campaign: a staff member sees only their campaigns, and contact data where they edit."""

from app.letters.services import freeze_version
from app.models import LetterStatus, Role
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    LetterFactory,
    SignatoryFactory,
    SignatureFactory,
    UserFactory,
)
from tests.helpers import log_in, page_text


def _login(client, **campaigns):
    user = UserFactory(role=Role.EDITOR, campaigns=campaigns.get("roles", {}))
    assert log_in(client, user.email, PASSWORD).status_code == 302
    return user


def test_the_campaign_list_shows_only_the_members_campaigns(client, db):
    mine = CampaignFactory(title_en="Bring them home", staff={})
    CampaignFactory(title_en="A draft of someone else", staff={})
    _login(client, roles={mine: "viewer"})
    text = page_text(client.get("/staff/"))
    assert "Bring them home" in text
    assert "A draft of someone else" not in text


def test_a_campaign_without_membership_is_not_found_and_a_viewer_may_not_edit(client, db):
    mine, theirs = CampaignFactory(staff={}), CampaignFactory(staff={})
    _login(client, roles={mine: "viewer"})
    assert client.get(f"/staff/campaigns/{mine.id}").status_code == 200
    assert client.get(f"/staff/campaigns/{theirs.id}").status_code == 404
    assert client.get(f"/staff/campaigns/{mine.id}/letters/new").status_code == 403


def test_contact_data_follows_the_role_on_each_campaign(client, db):
    viewed, edited = CampaignFactory(staff={}), CampaignFactory(staff={})
    letters = {}
    for campaign, email in ((viewed, "hidden.signer@example.org"), (edited, "shown.signer@example.org")):
        letter = LetterFactory(campaign=campaign, status=LetterStatus.OPEN)
        freeze_version(letter)
        db.session.commit()
        signatory = SignatoryFactory(email=email, name_en="Kim Minji")
        SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=letter.current_version.id)
        letters[campaign.id] = letter
    _login(client, roles={viewed: "viewer", edited: "editor"})
    viewer_page = page_text(client.get(f"/staff/letters/{letters[viewed.id].id}/signatures?status=all"))
    editor_page = page_text(client.get(f"/staff/letters/{letters[edited.id].id}/signatures?status=all"))
    assert "Kim Minji" in viewer_page and "hidden.signer@example.org" not in viewer_page
    assert "shown.signer@example.org" in editor_page


def test_creating_a_campaign_makes_the_creator_its_editor(client, db):
    from tests.helpers import csrf_token

    home = CampaignFactory(staff={})
    user = _login(client, roles={home: "editor"})
    response = client.post(
        "/staff/campaigns/new",
        data={
            "slug": "new-one",
            "title_en": "New one",
            "title_ko": "새 캠페인",
            "csrf_token": csrf_token(client, "/staff/campaigns/new"),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert {m.campaign.slug: m.role for m in user.memberships}["new-one"] == Role.EDITOR
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_holding_pen_files_only_to_deliveries_of_campaigns_the_editor_edits(client, db):
    from app.models import InboundMessage, InboundStatus
    from tests.factories import DeliveryFactory, InboundMessageFactory
    from tests.helpers import csrf_token

    mine, theirs = CampaignFactory(staff={}), CampaignFactory(staff={})
    their_delivery = DeliveryFactory(letter=LetterFactory(campaign=theirs))
    my_delivery = DeliveryFactory(letter=LetterFactory(campaign=mine))
    held = InboundMessageFactory()
    _login(client, roles={mine: "editor"})
    token = csrf_token(client, "/staff/inbound")
    refused = client.post(
        f"/staff/inbound/{held.id}/assign", data={"delivery_id": their_delivery.id, "csrf_token": token}
    )
    assert "There is no delivery with that number." in page_text(client.get(refused.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(InboundMessage, held.id).status == InboundStatus.HELD
    client.post(f"/staff/inbound/{held.id}/assign", data={"delivery_id": my_delivery.id, "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(InboundMessage, held.id).delivery_id == my_delivery.id


def test_a_staff_decision_on_a_delivery_is_audited_with_before_and_after(db):
    import sqlalchemy as sa

    from app.core.audit import AuditLog
    from app.deliveries.planning import transition
    from tests.factories import DeliveryFactory

    campaign = CampaignFactory(staff={})
    editor = UserFactory(role=Role.EDITOR, campaigns={campaign: "editor"})
    delivery = DeliveryFactory(letter=LetterFactory(campaign=campaign), status="sent")
    transition(delivery, "delivered", editor)
    db.session.commit()
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "delivery.status")).one()
    assert (entry.actor_id, entry.kind, entry.campaign_id) == (editor.id, "staff", campaign.id)
    assert (entry.before, entry.after) == ({"status": "sent"}, {"status": "delivered"})
