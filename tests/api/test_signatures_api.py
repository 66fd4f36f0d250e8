"""The signatures API: staff add and decide, the public sees only what is public."""

import pytest
import sqlalchemy as sa

from app.demo.loader import load_demo
from app.models import AuditLog, Signature, SignatureStatus
from tests.factories import SignatoryFactory, SignatureFactory


def _demo_letter(db):
    campaign, _created = load_demo()
    db.session.commit()
    return campaign.letters[0]


def test_staff_adds_an_approved_signature_that_the_public_list_shows(api, db):
    letter = _demo_letter(db)
    response = api.post(
        f"/letters/{letter.id}/signatures",
        json={
            "kind": "individual",
            "name": {"en": "Lee Min-ji", "ko": "이민지"},
            "line": {"en": "daughter of an abductee", "ko": "납북자의 딸"},
            "country": "KR",
            "email": "minji@example.org",
            "display": "full",
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "approved" and body["source"] == "staff"
    public = api.get(f"/letters/{letter.id}/signatories?lang=ko", token=None).get_json()
    assert public["count"] == 12
    entry = next(s for s in public["signatories"] if s["name"] == "이민지")
    assert entry["line"] == "납북자의 딸"
    assert "minji@example.org" not in str(public)


def test_public_list_honours_display_choices_and_hides_private_fields(api, db):
    letter = _demo_letter(db)
    version = letter.current_version
    hidden = SignatoryFactory(name_en="Hidden Person", display="counted", email="hidden@example.org")
    initials = SignatoryFactory(name_en="Park Ji-hoon", display="initials")
    for signatory in (hidden, initials):
        SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=version.id)
    public = api.get(f"/letters/{letter.id}/signatories?lang=en", token=None).get_json()
    names = [s["name"] for s in public["signatories"]]
    assert public["count"] == 13
    assert "Hidden Person" not in names and "P. J.-h." in names and "Park Ji-hoon" not in names
    assert "hidden@example.org" not in str(public)


def test_staff_list_has_private_fields_and_needs_a_token(api, db):
    letter = _demo_letter(db)
    assert api.get(f"/letters/{letter.id}/signatures", token=None).status_code == 401
    api.as_role("viewer")
    page = api.get(f"/letters/{letter.id}/signatures").get_json()
    assert page["total"] == 11
    assert {s["status"] for s in page["items"]} == {"approved"}
    held = api.get(f"/letters/{letter.id}/signatures?status=held").get_json()
    assert held["total"] == 0


def test_reject_needs_a_reason_and_is_audited(api, db):
    letter = _demo_letter(db)
    signature = SignatureFactory(
        letter_id=letter.id, version_id=letter.current_version.id, status=SignatureStatus.HELD
    )
    refused = api.post(f"/signatures/{signature.id}/transitions", json={"to": "rejected"})
    assert refused.status_code == 422
    assert "reason" in refused.get_json()["error"]["fields"]
    done = api.post(f"/signatures/{signature.id}/transitions", json={"to": "rejected", "reason": "Spam"})
    assert done.status_code == 200 and done.get_json()["status"] == "rejected"
    assert db.session.scalar(sa.select(AuditLog.id).where(AuditLog.action == "signature.decide"))


def test_forbidden_signature_transition_is_a_conflict(api, db):
    letter = _demo_letter(db)
    signature = SignatureFactory(
        letter_id=letter.id, version_id=letter.current_version.id, status=SignatureStatus.WITHDRAWN
    )
    response = api.post(f"/signatures/{signature.id}/transitions", json={"to": "approved"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "transition_refused"
    not_a_decision = api.post(f"/signatures/{signature.id}/transitions", json={"to": "pending"})
    assert not_a_decision.status_code == 422 and "to" in not_a_decision.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Signature, signature.id).status == SignatureStatus.WITHDRAWN


def test_bad_signature_input_names_each_field_and_writes_nothing(api, db):
    letter = _demo_letter(db)
    cases = {
        "kind": {"kind": "robot", "name": {"en": "X"}},
        "name.en": {"kind": "individual", "name": {"en": "<script>alert(1)</script>"}},
        "email": {"kind": "individual", "name": {"en": "X"}, "email": "not-an-email"},
        "country": {"kind": "individual", "name": {"en": "X"}, "country": "Narnia"},
        "line.ko": {"kind": "individual", "name": {"en": "X"}, "line": {"ko": "가" * 301}},
    }
    for field, body in cases.items():
        response = api.post(f"/letters/{letter.id}/signatures", json=body)
        assert response.status_code == 422, field
        assert field in response.get_json()["error"]["fields"], (field, response.get_json())
    empty = api.post(
        f"/letters/{letter.id}/signatures", json={"kind": "individual", "name": {"en": "\u200b "}}
    )
    assert "name.en" in empty.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Signature.id))) == 11


def test_duplicate_and_closed_letter_are_refused(api, db):
    letter = _demo_letter(db)
    body = {"kind": "organization", "name": {"en": "Mulmangcho"}}
    duplicate = api.post(f"/letters/{letter.id}/signatures", json=body)
    assert duplicate.status_code == 422
    assert duplicate.get_json()["error"]["code"] == "duplicate"
    letter.status = "closed"
    db.session.commit()
    closed = api.post(f"/letters/{letter.id}/signatures", json={"kind": "individual", "name": {"en": "New"}})
    assert closed.get_json()["error"]["code"] == "letter_not_open"


def test_public_list_of_a_draft_letter_is_not_found(api, db):
    from tests.factories import LetterFactory

    letter = LetterFactory()
    assert api.get(f"/letters/{letter.id}/signatories", token=None).status_code == 404


def _signature_with_contact(db):
    letter = _demo_letter(db)
    signatory = SignatoryFactory(
        kind="organization", name_en="Helping Hands", email="office@hands.example", contact_name="Kim Ji-woo"
    )
    SignatureFactory(
        signatory=signatory, letter_id=letter.id, version_id=letter.current_version.id, ip_hash="ab" * 32
    )
    db.session.commit()
    return letter


def test_viewer_sees_no_contact_data_in_the_staff_list(api, db):
    letter = _signature_with_contact(db)
    api.as_role("viewer")
    response = api.get(f"/letters/{letter.id}/signatures")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert len(items) == 12
    for item in items:
        assert not {"email", "contact_name", "ip_hash"} & set(item), item
    assert "office@hands.example" not in response.get_data(as_text=True)
    assert "Kim Ji-woo" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_see_email_and_contact_name(api, db, role):
    letter = _signature_with_contact(db)
    api.as_role(role)
    items = api.get(f"/letters/{letter.id}/signatures").get_json()["items"]
    entry = next(item for item in items if item["name"]["en"] == "Helping Hands")
    assert entry["email"] == "office@hands.example"
    assert entry["contact_name"] == "Kim Ji-woo"
    assert "ip_hash" not in entry
