"""POST /api/v1/privacy/erase: admins erase a person's data on request; nobody else may."""

import pytest
import sqlalchemy as sa

from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from app.models import AuditLog, Signatory, SignatureStatus
from app.signatures.normalize import email_key
from tests.factories import LetterFactory, SignatoryFactory, SignatureFactory


def _signed_twice(db):
    """One person who signed two letters, and someone else."""
    person = SignatoryFactory(
        name_en="Choi Eun-ha", email="Eun-ha@Example.org", email_key=email_key("Eun-ha@Example.org")
    )
    other = SignatoryFactory(
        name_en="Someone Else", email="else@example.org", email_key=email_key("else@example.org")
    )
    letters = [LetterFactory(status=LetterStatus.OPEN), LetterFactory(status=LetterStatus.OPEN)]
    for letter in letters:
        version = freeze_version(letter)
        SignatureFactory(signatory=person, letter_id=letter.id, version_id=version.id)
    SignatureFactory(signatory=other, letter_id=letters[0].id, version_id=letters[0].current_version.id)
    db.session.commit()
    return person, other, letters


def test_admin_erases_the_person_and_is_told_what_was_done(api, db):
    person, other, letters = _signed_twice(db)
    api.as_role("admin")
    response = api.post("/privacy/erase", json={"email": "eun-ha@example.org"})
    assert response.status_code == 200
    assert response.get_json() == {"signatories": 1, "letters": sorted(letter.id for letter in letters)}
    db.session.expire_all()
    erased = db.session.get(Signatory, person.id)
    assert erased.email == "" and erased.name_en == ""
    assert {s.status for s in erased.signatures} == {SignatureStatus.WITHDRAWN}
    assert db.session.get(Signatory, other.id).email == "else@example.org"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "signatory.erase"))
    assert entry.actor_id == api.user.id


def test_unknown_address_answers_the_same_shape_with_nothing_erased(api, db):
    _person, other, _letters = _signed_twice(db)
    api.as_role("admin")
    response = api.post("/privacy/erase", json={"email": "nobody@example.org"})
    assert response.status_code == 200
    assert response.get_json() == {"signatories": 0, "letters": []}
    db.session.expire_all()
    assert db.session.get(Signatory, other.id).email == "else@example.org"


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_may_erase(api, db, role):
    person, _other, _letters = _signed_twice(db)
    api.as_role(role)
    response = api.post("/privacy/erase", json={"email": "eun-ha@example.org"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    db.session.expire_all()
    assert db.session.get(Signatory, person.id).email == "Eun-ha@Example.org"


def test_erase_needs_a_token(api, db):
    assert api.post("/privacy/erase", json={"email": "a@example.org"}, token=None).status_code == 401


def test_erase_needs_an_email(api):
    api.as_role("admin")
    response = api.post("/privacy/erase", json={})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"email"}
