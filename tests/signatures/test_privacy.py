"""Privacy: an admin hands a person their data or erases it; closed letters' signatories are anonymized."""

import json
from datetime import timedelta

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.core.timeutil import utcnow
from app.documents.snapshot import signatory_snapshot
from app.letters.models import LetterStatus
from app.signatures.models import Display, SignatoryKind, SignatureStatus
from app.signatures.normalize import email_key
from app.signatures.tasks import anonymize_closed
from tests.factories import SignatoryFactory, SignatureFactory
from tests.helpers import csrf_token, page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import make_open_letter, public_page, signatories, signatures

S = SignatureStatus
ADDRESS = "jane.doe+petitions@gmail.com"


def signer(*letters, email=ADDRESS, status=S.APPROVED, **fields):
    """One signatory who signed each of `letters`, with an IP hash and a contact name on record."""
    person = SignatoryFactory(email=email, email_key=email_key(email), contact_name="Jane Contact", **fields)
    for letter in letters:
        SignatureFactory(
            signatory=person,
            letter_id=letter.id,
            version_id=letter.current_version.id,
            status=status,
            ip_hash="f" * 64,
            confirmed_at=utcnow(),
        )
    return person


def look_up(client, email):
    """Type an address on the privacy page and press Look up."""
    action, fields = form_on(client.get("/staff/privacy"), class_="stacked lookup")
    return client.post(action, data={**fields, "email": email})


def audit_entries(db):
    rows = db.session.execute(
        sa.select(AuditLog.action, AuditLog.object_id, AuditLog.details)
        .where(AuditLog.action.startswith("signatory."))
        .order_by(AuditLog.id)
    ).all()
    return [tuple(row) for row in rows]


def test_only_admins_may_open_the_privacy_page(client, auth):
    auth.login("editor")
    assert client.get("/staff/privacy").status_code == 403
    token = csrf_token(client, "/staff/")
    for path in ("/staff/privacy", "/staff/privacy/export", "/staff/privacy/erase"):
        assert client.post(path, data={"csrf_token": token, "email": ADDRESS}).status_code == 403


def test_an_admin_finds_a_person_by_any_spelling_of_their_address(client, auth, letter):
    signer(letter, name_en="Jane Doe", name_ko="제인")
    signer(letter, email="someone.else@gmail.com", name_en="Someone Else")
    auth.login("admin")

    found = page_text(look_up(client, "  JaneDoe@GoogleMail.com "))

    assert "1 signatory record" in found and "Jane Doe" in found and "제인" in found
    assert "Someone Else" not in found
    assert "Nothing is stored under this address." in page_text(look_up(client, "nobody@example.org"))


def test_an_admin_exports_everything_held_about_the_person_as_json(client, auth, letter, db):
    other = make_open_letter(title_en="Second letter")
    person = signer(letter, other, name_en="Jane Doe", line_en="mother of a detainee", country="KR")
    admin = auth.login("admin")
    action, fields = form_on(look_up(client, ADDRESS), class_="inline export")

    response = client.post(action, data=fields)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=personal-data-")
    [record] = json.loads(response.data)["signatories"]
    assert (record["email"], record["contact_name"], record["line_en"], record["country"]) == (
        ADDRESS,
        "Jane Contact",
        "mother of a detainee",
        "KR",
    )
    assert [(s["letter"]["id"], s["status"], s["version"]) for s in record["signatures"]] == [
        (letter.id, "approved", 1),
        (other.id, "approved", 1),
    ]
    assert record["signatures"][1]["letter"]["title_en"] == "Second letter"
    assert audit_entries(db) == [("signatory.export", person.id, {})]
    assert ADDRESS not in json.dumps(audit_entries(db))
    assert (
        db.session.scalar(sa.select(AuditLog.actor_id).where(AuditLog.action == "signatory.export"))
        == admin.id
    )


def test_erasing_withdraws_the_signatures_and_removes_the_personal_data(client, auth, letter, db, uploads):
    (uploads / "logos").mkdir(parents=True)
    (uploads / "logos" / "abc.png").write_bytes(b"logo")
    person = signer(
        letter, name_en="Jane Doe", name_ko="제인", kind=SignatoryKind.ORGANIZATION, logo_path="abc.png"
    )
    signer(letter, email="keep@example.org", name_en="Kept Signer")
    assert "Jane Doe" in page_text(public_page(client, letter))
    auth.login("admin")
    page = look_up(client, ADDRESS)
    action, fields = form_on(page, class_="stacked erase")

    unconfirmed = client.post(action, data=fields)
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm that the person asked for erasure." in page_text(unconfirmed)
    assert signatories()[0].email == ADDRESS

    erased = client.post(action, data={**fields, "confirm": "y"})

    assert "1 record of this person is erased." in page_text(client.get(erased.headers["Location"]))
    stored = signatories()[0]
    assert (stored.email, stored.email_key, stored.contact_name, stored.name_en, stored.name_ko) == ("",) * 5
    assert stored.logo_path is None and stored.anonymized_at is not None
    assert not (uploads / "logos" / "abc.png").exists()
    [signature, kept] = signatures(letter)
    assert (signature.status, signature.ip_hash) == (S.WITHDRAWN, None)
    assert kept.status == S.APPROVED and kept.signatory.email == "keep@example.org"
    public = page_text(public_page(client, letter))
    assert "Jane Doe" not in public and "Kept Signer" in public and "1 signatory" in public
    pdf_list = signatory_snapshot(letter)  # what the next PDF prints
    assert [row["name"]["en"] for row in pdf_list["signatories"]] == ["Kept Signer"] and pdf_list[
        "count"
    ] == 1
    assert audit_entries(db) == [("signatory.erase", person.id, {"withdrawn": 1})]
    assert "Nothing is stored under this address." in page_text(look_up(client, ADDRESS))


def close(letter, days_ago, db):
    letter.status = LetterStatus.CLOSED
    letter.closed_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def test_signatories_of_letters_closed_past_the_retention_period_are_anonymized(app, letter, db):
    retention = app.config["SIGNATORY_RETENTION_DAYS"]
    still_open = make_open_letter()
    recently_closed = make_open_letter()
    listed = signer(letter, email="listed@example.org", name_en="Listed Name")
    counted = signer(letter, email="counted@example.org", name_en="Counted Only", display=Display.COUNTED)
    also_open = signer(letter, still_open, email="both@example.org", name_en="Signed Both")
    recent = signer(recently_closed, email="recent@example.org", name_en="Recent Signer")
    close(letter, retention + 1, db)
    close(recently_closed, retention - 1, db)

    assert anonymize_closed() == 2

    db.session.expire_all()
    for person in (listed, counted):
        assert (person.email, person.email_key, person.contact_name) == ("", "", "")
        assert person.anonymized_at is not None
        assert all(s.ip_hash is None for s in person.signatures)
    assert listed.name_en == "Listed Name"  # shown in public already, as the signer chose
    assert counted.name_en == ""  # never shown: nothing to keep it for
    for person in (also_open, recent):
        assert person.email and person.contact_name == "Jane Contact" and person.anonymized_at is None
        assert all(s.ip_hash for s in person.signatures)
    assert anonymize_closed() == 0
