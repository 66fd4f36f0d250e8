"""Every staff route and API operation × every kind of user: access is decided, per campaign, first."""

import re
from datetime import timedelta

import pytest
from celery.app.task import Task

from app.auth.services import issue_token
from app.deliveries.models import DeliveryProof, DeliveryStatus
from app.documents import storage
from app.extensions import db as _db
from app.extensions import limiter
from app.inbound.models import InboundStatus
from app.letters.models import LetterRevision, LetterStatus
from app.letters.services import freeze_version
from app.models import Role
from app.responses.models import ResponseAttachment
from tests.auth.access_matrix import EXPECTED, MATRIX, PERSONAS, kind_of
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    DeliveryBatchFactory,
    DeliveryFactory,
    DocumentFactory,
    InboundMessageFactory,
    LetterFactory,
    OutboxMessageFactory,
    RecipientFactory,
    ResponseFactory,
    SignatureFactory,
    StatusEventFactory,
    UserFactory,
)
from tests.helpers import csrf_token, log_in

PREFIXES = ("/staff", "/api/v1")
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIXES)]


def test_every_staff_rule_has_an_entry_in_the_matrix(app):
    missing = sorted({r.rule for r in staff_rules(app)} - set(MATRIX))
    assert not missing, "add these rules to tests/auth/access_matrix.py: " + ", ".join(missing)
    for rule in staff_rules(app):
        for method in rule.methods & set(METHODS):
            kind = kind_of(rule.rule, method)
            assert kind == "public" or kind in EXPECTED, (rule.rule, method, kind)


def test_the_matrix_names_no_rule_that_is_gone(app):
    assert not sorted(set(MATRIX) - {r.rule for r in staff_rules(app)})


def _stored(folder_of, name, data=PDF):
    path = folder_of() / name
    path.write_bytes(data)
    return name


@pytest.fixture
def world(app, db, tmp_path, monkeypatch):
    """A campaign with one of everything, another campaign, and one user of each persona."""
    from app.core.timeutil import utcnow
    from app.deliveries.partner_models import PartnerLink, PartnerReport
    from app.deliveries.proofs import proof_folder
    from app.jobs.models import StaffJob
    from app.responses.attachments import attachment_folder
    from app.responses.models import ResponseDelivery
    from app.signatures.logos import logo_folder
    from app.timeline.evidence import evidence_folder

    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))
    # Nothing leaves for a broker or a mail server: access is under test, not the work.
    monkeypatch.setattr(Task, "apply_async", lambda *args, **kwargs: None)

    here = CampaignFactory(staff={})
    elsewhere = CampaignFactory(staff={})
    letter = LetterFactory(campaign=here, status=LetterStatus.OPEN)
    freeze_version(letter)
    db.session.add(LetterRevision(letter_id=letter.id, number=1, title_en="Draft", title_ko="초안"))
    db.session.commit()
    recipient = RecipientFactory()
    document = DocumentFactory(letter_id=letter.id, version_id=letter.current_version.id)
    storage.write_atomically(storage.path_for(document.token), PDF)
    batch = DeliveryBatchFactory(letter_id=letter.id)
    delivery = DeliveryFactory(letter=letter, recipient=recipient, batch=batch, document=document)
    chaser = DeliveryFactory(
        letter=letter,
        recipient=recipient,
        chaser_of_id=delivery.id,
        status=DeliveryStatus.PLANNED,
        chaser_text="We wrote to you a month ago.",
    )
    proof = DeliveryProof(
        delivery_id=delivery.id,
        filename="receipt.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        path=_stored(proof_folder, "receipt.pdf"),
    )
    response = ResponseFactory(letter_id=letter.id, delivery_id=delivery.id, recipient_id=recipient.id)
    attachment = ResponseAttachment(
        response_id=response.id,
        filename="reply.pdf",
        content_type="application/pdf",
        size=len(PDF),
        storage_path=_stored(attachment_folder, "reply.pdf"),
    )
    db.session.add_all([proof, attachment])
    db.session.commit()
    event = StatusEventFactory(
        campaign_id=here.id,
        letter_id=letter.id,
        evidence_path=_stored(evidence_folder, "stamp.pdf"),
        evidence_filename="stamp.pdf",
    )
    signature = SignatureFactory(letter_id=letter.id, version_id=letter.current_version.id)
    signature.signatory.logo_path = _stored(logo_folder, "logo.png")
    expires = utcnow() + timedelta(days=30)
    link = PartnerLink(delivery_id=delivery.id, email="desk@partner.example", nonce="n" * 32)
    link.expires_at = expires
    report = PartnerReport(delivery_id=delivery.id, partner_name="Partner", note="Registered as 1234.")
    job = StaffJob(kind="signatures.bulk", letter_id=letter.id)
    also = ResponseDelivery(response_id=response.id, delivery_id=chaser.id)  # it answers both
    db.session.add_all([link, report, job, also])
    db.session.commit()
    held = InboundMessageFactory()
    filed = InboundMessageFactory(
        status=InboundStatus.FILED, delivery_id=delivery.id, response_id=response.id, kind="reply"
    )
    message = OutboxMessageFactory(attachment_document_id=document.id, attachment_filename="letter.pdf")
    users = {
        "outsider": UserFactory(role=Role.EDITOR, campaigns={}),
        "viewer": UserFactory(role=Role.VIEWER, campaigns={here: "viewer"}),
        "other_editor": UserFactory(role=Role.EDITOR, campaigns={elsewhere: "editor"}),
        "editor": UserFactory(role=Role.EDITOR, campaigns={here: "editor"}),
        "admin": UserFactory(role=Role.ADMIN),
    }
    target = UserFactory(role=Role.VIEWER, campaigns={here: "viewer"})
    values = {
        "campaign_id": here.id,
        "letter_id": letter.id,
        "number": 1,
        "lang": "en",
        "fmt": "csv",
        "signature_id": signature.id,
        "delivery_id": delivery.id,
        "name": "dispatch",
        "proof_id": proof.id,
        "batch_id": batch.id,
        "document_id": document.id,
        "token": document.token,
        "response_id": response.id,
        "attachment_id": attachment.id,
        "event_id": event.id,
        "recipient_id": recipient.id,
        "inbound_id": held.id,
        "message_id": message.id,
        "user_id": target.id,
        "link_id": link.id,
        "report_id": report.id,
        "job_id": job.id,
        "signatory_id": signature.signatory_id,
    }
    #: Where a rule needs another object than the default one.
    overrides = {
        "/staff/chasers/<int:delivery_id>/approve": {"delivery_id": chaser.id},
        "/staff/chasers/<int:delivery_id>/discard": {"delivery_id": chaser.id},
        "/staff/inbound/<int:inbound_id>/move": {"inbound_id": filed.id},
        "/staff/responses/<int:response_id>/deliveries/<int:delivery_id>/detach": {"delivery_id": chaser.id},
    }
    return {"values": values, "overrides": overrides, "users": users}


def url_for_rule(rule, world):
    values = {**world["values"], **world["overrides"].get(rule.rule, {})}
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), path)
    return path.replace("<any(csv, json):fmt>", "csv")


def verdict(response, api):
    """ "ok", "login" or the refusing status, from what the request got back."""
    status = response.status_code
    if api and status == 401:
        return "login"
    if not api and status == 302 and "/login" in response.headers.get("Location", ""):
        return "login"
    if status in (401, 403, 404):
        return status
    if status >= 500:
        return f"error {status}"
    return "ok"


def _sessions(app, users):
    """A logged-in browser per persona, with a CSRF token of its session."""
    clients = {"anonymous": (app.test_client(), None)}
    anonymous_token = csrf_token(clients["anonymous"][0], "/login")
    clients["anonymous"] = (clients["anonymous"][0], anonymous_token)
    for persona, user in users.items():
        client = app.test_client()
        assert log_in(client, user.email, PASSWORD).status_code == 302
        clients[persona] = (client, csrf_token(client, "/staff/"))
    return clients


def _tokens(users):
    tokens = {"anonymous": None, **{persona: issue_token(user) for persona, user in users.items()}}
    _db.session.commit()
    return tokens


def _isolated(client, url, method, **kwargs):
    """Send one request inside a savepoint that is rolled back: one persona's POST changes nothing
    another persona's request sees."""
    connection = _db.engines[None]
    savepoint = connection.begin_nested()
    try:
        return client.open(url, method=method, **kwargs)
    finally:
        savepoint.rollback()
        limiter.reset()


def _mismatches(app, world, api):
    rules = [r for r in staff_rules(app) if r.rule.startswith("/api/v1") == api]
    clients = _tokens(world["users"]) if api else _sessions(app, world["users"])
    browser = app.test_client()
    found = []
    for rule in sorted(rules, key=lambda r: r.rule):
        url = url_for_rule(rule, world)
        for method in sorted(rule.methods & set(METHODS)):
            kind = kind_of(rule.rule, method)
            if kind == "public":
                continue
            for persona, expected in zip(PERSONAS, EXPECTED[kind], strict=True):
                if api:
                    token = clients[persona]
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    body = {"json": {}} if method != "GET" else {}
                    response = _isolated(browser, url, method, headers=headers, **body)
                else:
                    client, csrf = clients[persona]
                    data = {"data": {"csrf_token": csrf}} if method != "GET" else {}
                    response = _isolated(client, url, method, **data)
                got = verdict(response, api)
                if got != expected:
                    found.append(f"{method} {url} ({kind}) as {persona}: expected {expected}, got {got}")
    return found


def test_pages_decide_access_per_campaign_before_anything_else(app, world):
    mismatches = _mismatches(app, world, api=False)
    assert not mismatches, "\n".join(mismatches)


def test_api_decides_access_per_campaign_before_anything_else(app, world):
    mismatches = _mismatches(app, world, api=True)
    assert not mismatches, "\n".join(mismatches)
