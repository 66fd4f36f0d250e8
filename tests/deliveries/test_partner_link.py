"""Delivery through a partner: one email with a private link; the partner's page records, staff accept."""

import io
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.core.timeutil import utcnow
from app.deliveries.models import ActorKind, Channel, Delivery, DeliveryEvent, DeliveryProof, DeliveryStatus
from app.deliveries.partner_models import PartnerLink, PartnerReport
from app.responses.models import StatusEvent, StatusKind
from tests.deliveries.records_support import image_bytes, make_delivery, pdf_bytes
from tests.factories import PASSWORD
from tests.helpers import csrf_token, log_in, page_text
from tests.mail.conftest import outbox

PARTNER = "Korean Bar Association"
TABLES = (PartnerReport, PartnerLink, DeliveryProof, DeliveryEvent, StatusEvent)


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://letters.example.org")


def delivery_url(delivery):
    return f"/staff/deliveries/{delivery.id}"


def send_link(client, delivery, email="desk@partner.example", name=PARTNER):
    token = csrf_token(client, delivery_url(delivery))
    data = {"partner_name": name, "email": email, "csrf_token": token}
    return client.post(f"{delivery_url(delivery)}/partner-link", data=data)


def partner_path(message):
    """The link the partner's email carries, as a path on this site."""
    url = re.search(r"https://letters\.example\.org/partner/\S+", message.body_text).group(0)
    return urlsplit(url).path


def counts(db):
    db.session.expire_all()
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in TABLES
    }


def aged_token(app, days):
    """make_token, as if called `days` ago."""

    class Signer(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - days * 86400

    def make(purpose, data):
        salt = f"undersigned.{purpose}"
        return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=Signer).dumps(data)

    return make


def report(partner, path, data, files=None, token=True):
    form = dict(data)
    if token:
        form["csrf_token"] = csrf_token(partner, path)
    for key, (content, filename) in (files or {}).items():
        form[key] = (io.BytesIO(content), filename)
    return partner.post(path, data=form, content_type="multipart/form-data")


@pytest.fixture
def sent(app, client, auth, db):
    """A queued partner delivery whose link an editor sent: (delivery, link's path, partner's client)."""
    auth.login("editor")
    delivery = make_delivery(Channel.PARTNER)
    assert send_link(client, delivery).status_code == 302
    (message,) = outbox()
    return delivery, partner_path(message), app.test_client()


def test_staff_send_the_partner_one_email_with_a_private_link_on_the_public_url(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.PARTNER)
    assert "Send the delivery to the partner" in page_text(client.get(delivery_url(delivery)))

    assert send_link(client, delivery).status_code == 302
    again = client.get(delivery_url(delivery))
    assert send_link(client, delivery).status_code == 302

    (message,) = outbox()
    assert message.to == "desk@partner.example"
    assert f"Dear {PARTNER}," in message.body_text
    assert "https://letters.example.org/partner/" in message.body_text
    link = db.session.scalar(sa.select(PartnerLink))
    assert link.outbox_message_id == message.id and link.email == "desk@partner.example"
    assert (link.expires_at - utcnow()) > timedelta(days=59)
    assert "The partner already has a working link" in page_text(client.get(delivery_url(delivery)))
    assert "Working" in page_text(again) and db.session.get(Delivery, delivery.id).partner_name == PARTNER


def test_a_viewer_sees_neither_the_form_nor_the_partners_address(app, make_user, db, sent):
    delivery, _path, _partner = sent
    viewer = app.test_client()
    log_in(viewer, make_user(role="viewer").email, PASSWORD)
    page = page_text(viewer.get(delivery_url(delivery)))
    assert "Working" in page and "desk@partner.example" not in page and "Send the link" not in page
    assert send_link(viewer, delivery).status_code == 403


def test_opening_the_link_shows_the_page_and_changes_nothing(db, sent):
    delivery, path, partner = sent
    before = counts(db)
    page = partner.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page_text(page)
    assert "Record the delivery" in text and PARTNER in text and delivery.recipient.name_en in text
    assert partner.head(path).status_code == 200
    assert counts(db) == before
    assert db.session.get(Delivery, delivery.id).status == DeliveryStatus.QUEUED


def test_the_partners_report_is_marked_as_its_own_proposes_events_and_awaits_staff_review(
    app, client, db, sent
):
    delivery, path, partner = sent
    today = utcnow().date()
    data = {
        "dispatched_on": (today - timedelta(days=2)).isoformat(),
        "delivered_on": (today - timedelta(days=1)).isoformat(),
        "received_by": "Kim Minji, front desk",
        "delivered_by": "Lee Jiho",
        "note": "Registered under number 1234",
    }
    answer = report(partner, path, data, {"receipt": (pdf_bytes(), "stamped receipt.pdf")})
    assert answer.status_code == 302
    followed = page_text(partner.get(answer.headers["Location"]))
    assert "Thank you. The coalition will review what you entered." in followed
    assert "Registered under number 1234" in followed and "Awaiting review." in followed

    (entry,) = db.session.scalars(sa.select(PartnerReport)).all()
    assert entry.partner_name == PARTNER and entry.received_by == "Kim Minji, front desk"
    (proof,) = db.session.scalars(sa.select(DeliveryProof)).all()
    assert (
        proof.actor_kind == ActorKind.PARTNER and proof.uploaded_by_id is None and entry.proof_id == proof.id
    )
    partner_lines = db.session.scalars(
        sa.select(DeliveryEvent).where(DeliveryEvent.actor_kind == ActorKind.PARTNER)
    ).all()
    assert any("awaiting review" in line.detail for line in partner_lines)
    proposals = {e.kind: e for e in db.session.scalars(sa.select(StatusEvent)).all()}
    assert proposals[StatusKind.DELIVERED].is_proposed and proposals[
        StatusKind.DELIVERED
    ].occurred_on == today - timedelta(days=1)
    assert proposals[StatusKind.OTHER].description_en == "Registered under number 1234"
    assert not any(e.is_public for e in proposals.values())
    assert db.session.get(Delivery, delivery.id).status == DeliveryStatus.QUEUED  # until staff accept

    staff_page = page_text(client.get(delivery_url(delivery)))
    assert (
        f"Entered by partner {PARTNER}, awaiting review" in staff_page and "stamped receipt.pdf" in staff_page
    )
    token = csrf_token(client, delivery_url(delivery))
    accepted = client.post(
        f"{delivery_url(delivery)}/partner-reports/{entry.id}/accept", data={"csrf_token": token}
    )
    assert accepted.status_code == 302
    db.session.expire_all()
    row = db.session.get(Delivery, delivery.id)
    assert row.status == DeliveryStatus.DELIVERED and row.delivered_at.date() == today - timedelta(days=1)
    assert (
        row.dispatched_at.date() == today - timedelta(days=2) and row.received_by == "Kim Minji, front desk"
    )
    assert f"Entered by partner {PARTNER}, accepted" in page_text(client.get(delivery_url(delivery)))
    delivered = db.session.scalars(
        sa.select(StatusEvent).where(StatusEvent.kind == StatusKind.DELIVERED)
    ).all()
    assert len(delivered) == 1  # the delivery's own hook proposes no second one
    assert "Accepted by the coalition." in page_text(partner.get(path))


def test_the_page_speaks_the_deliverys_language_and_switches(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.PARTNER, language="ko")
    send_link(client, delivery)
    (message,) = outbox()
    assert "담당자님께" in message.body_text
    partner = client.application.test_client()
    path = partner_path(message)
    korean = page_text(partner.get(path, headers={"Accept-Language": "en"}))
    assert "발송일" in korean and "배달일" in korean and "받는 곳: " in korean
    english = page_text(partner.get(f"{path}?lang=en"))
    assert "Date delivered" in english


def test_an_expired_or_revoked_link_shows_a_clear_page_in_the_users_language(
    app, client, auth, db, monkeypatch
):
    auth.login("editor")
    delivery = make_delivery(Channel.PARTNER)
    with monkeypatch.context() as past:
        past.setattr("app.deliveries.partner_links.make_token", aged_token(app, days=61))
        send_link(client, delivery)
    (message,) = outbox()
    partner = app.test_client()
    gone = partner.get(partner_path(message))
    assert gone.status_code == 410 and "This link is no longer valid" in page_text(gone)
    korean = partner.get(partner_path(message), headers={"Accept-Language": "ko"})
    assert korean.status_code == 410 and "이 링크는 더 이상 유효하지 않습니다" in page_text(korean)

    link = db.session.scalar(sa.select(PartnerLink))
    token = csrf_token(client, delivery_url(delivery))
    client.post(f"{delivery_url(delivery)}/partner-link/{link.id}/revoke", data={"csrf_token": token})
    assert send_link(client, delivery).status_code == 302  # reissued after the revocation
    first, second = outbox()
    assert partner.get(partner_path(second)).status_code == 200
    token = csrf_token(client, delivery_url(delivery))
    second_link = db.session.scalars(sa.select(PartnerLink).order_by(PartnerLink.id.desc())).first()
    client.post(f"{delivery_url(delivery)}/partner-link/{second_link.id}/revoke", data={"csrf_token": token})
    assert partner.get(partner_path(second)).status_code == 410


@pytest.mark.parametrize("mangle", [lambda p: p[:-3] + "abc", lambda p: "/partner/not-a-token"])
def test_a_forged_link_is_not_found(mangle, sent):
    _delivery, path, partner = sent
    answer = partner.get(mangle(path), headers={"Accept-Language": "ko"})
    assert answer.status_code == 404 and "알 수 없는 링크입니다" in page_text(answer)
    assert partner.post(mangle(path), data={}).status_code in (400, 404)


def test_a_report_without_the_csrf_token_is_refused_and_nothing_is_stored(db, sent):
    _delivery, path, partner = sent
    before = counts(db)
    answer = report(partner, path, {"note": "Registered under number 1234"}, token=False)
    assert answer.status_code == 400
    assert counts(db) == before


def test_a_receipt_of_the_wrong_type_is_refused_with_a_message_and_nothing_is_stored(db, sent):
    _delivery, path, partner = sent
    before = counts(db)
    gif = b"GIF89a" + b"\x00" * 100
    answer = report(partner, path, {"note": "Here is the receipt"}, {"receipt": (gif, "receipt.pdf")})
    assert answer.status_code == 422
    assert "Only PDF, JPEG and PNG files are accepted." in page_text(answer)
    assert counts(db) == before
    png = report(partner, path, {}, {"receipt": (image_bytes(), "photo.png")})
    assert png.status_code == 302 and counts(db)["delivery_proofs"] == 1


def test_an_empty_report_or_a_date_in_the_future_is_refused(db, sent):
    _delivery, path, partner = sent
    before = counts(db)
    assert "Enter a date, a name or a note" in page_text(report(partner, path, {}))
    tomorrow = (utcnow().date() + timedelta(days=2)).isoformat()
    future = report(partner, path, {"delivered_on": tomorrow})
    assert future.status_code == 422 and "The date lies in the future." in page_text(future)
    assert counts(db) == before


def test_a_planned_delivery_or_a_bad_address_sends_nothing(client, auth, db):
    auth.login("editor")
    planned = make_delivery(Channel.PARTNER, status=DeliveryStatus.PLANNED)
    send_link(client, planned)
    assert "Queue the delivery first" in page_text(client.get(delivery_url(planned)))
    queued = make_delivery(Channel.PARTNER)
    send_link(client, queued, email="not an address", name="")
    page = page_text(client.get(delivery_url(queued)))
    assert "Enter the partner's email address." in page and "Name the partner organization." in page
    assert outbox() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(PartnerLink)) == 0
