"""A reconfirmation link that is garbled, forged or names the wrong records is a clear 400, never a 500."""

import pytest

from app.core.tokens import make_token
from app.letters.models import LetterStatus
from app.letters.reconfirm import PURPOSE
from app.letters.services import freeze_version
from app.signatures.models import Signature, SignatureStatus
from tests.factories import LetterFactory, SignatoryFactory, SignatureFactory
from tests.helpers import csrf_token, page_text

NOT_VALID = "This link is not valid or has expired."


@pytest.fixture
def signed(db):
    """(signature on version 1, version 2 of its letter, a version of another letter)."""
    letter = LetterFactory(status=LetterStatus.OPEN)
    first = freeze_version(letter)
    signature = SignatureFactory(
        signatory=SignatoryFactory(),
        letter_id=letter.id,
        version_id=first.id,
        status=SignatureStatus.CONFIRMED,
    )
    letter.body_en = "We ask you to act today."
    second = freeze_version(letter)
    elsewhere = freeze_version(LetterFactory(status=LetterStatus.OPEN))
    db.session.commit()
    return signature, second, elsewhere


PAYLOADS = {
    "a-list": lambda s, v, o: [s.id, v.id],
    "no-version": lambda s, v, o: {"s": s.id},
    "text-ids": lambda s, v, o: {"s": str(s.id), "v": str(v.id)},
    "float-ids": lambda s, v, o: {"s": s.id + 0.5, "v": v.id},
    "ids-past-the-integer-range": lambda s, v, o: {"s": 2**40, "v": 2**63},
    "negative-ids": lambda s, v, o: {"s": -s.id, "v": v.id},
    "no-such-signature": lambda s, v, o: {"s": s.id + 1000, "v": v.id},
    "another-letters-version": lambda s, v, o: {"s": s.id, "v": o.id},
    "null": lambda s, v, o: None,
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_signed_link_with_a_malformed_payload_is_refused_and_changes_nothing(app, db, signed, payload):
    signature, second, elsewhere = signed
    link = f"/s/reconfirm/{make_token(PURPOSE, payload(signature, second, elsewhere))}"
    signer = app.test_client()

    page = signer.get(link)
    pressed = signer.post(link, data={"csrf_token": csrf_token(signer, "/login")})

    for response in (page, pressed):
        assert response.status_code == 400
        assert NOT_VALID in page_text(response)
    db.session.expire_all()
    assert db.session.get(Signature, signature.id).version_id == signature.version_id


@pytest.mark.parametrize(
    "token",
    ["abc", "a.b.c", "..", "%ED%95%9C%EA%B8%80", "x" * 3000, "eyJzIjoxLCJ2IjoxfQ.aw8bAQ.forged"],
    ids=["short", "dotted", "dots", "hangul", "long", "forged"],
)
def test_a_garbled_or_forged_link_is_refused(client, token):
    response = client.get(f"/s/reconfirm/{token}")

    assert response.status_code == 400
    assert NOT_VALID in page_text(response)


def test_a_link_with_a_nul_byte_is_refused_before_it_is_read(client):
    response = client.get("/s/reconfirm/%00")

    assert response.status_code == 400
    assert "NUL" in page_text(response)


def test_a_link_made_for_another_purpose_is_refused(client, signed):
    signature, second, _other = signed
    token = make_token("confirm", {"s": signature.id, "v": second.id})

    response = client.get(f"/s/reconfirm/{token}")

    assert response.status_code == 400
    assert NOT_VALID in page_text(response)
