"""Erasure leaves nothing of the person: no row, no JSON, no file, no mail, no working link, no PDF."""

import contextlib
import io
import json
import subprocess

import pytest
import sqlalchemy as sa

from app.core import audit
from app.core.tokens import make_token
from app.deliveries.models import Channel, Delivery
from app.documents import storage
from app.documents.models import Document
from app.extensions import db as _db
from app.letters.reconfirm import PURPOSE
from app.mail.models import MailStatus, OutboxMessage
from app.signatures import emails
from app.signatures.models import SignatoryKind, Signature, SignatureStatus
from app.signatures.normalize import email_key
from tests.documents.conftest import pdf_text
from tests.factories import OutboxMessageFactory, RecipientFactory, SignatoryFactory, SignatureFactory
from tests.helpers import csrf_token, page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import link, mails, make_open_letter, png, press_button, sign

NAME_EN = "Hoeryong Mothers Quilting Circle"
NAME_KO = "회령어머니퀼트모임"
ADDRESS = "quilt.circle+erasure@example.org"
CONTACT = "Pak Sun-hui"
PERSON = (NAME_EN, NAME_KO, ADDRESS, CONTACT)


@pytest.fixture
def document_folder(app, tmp_path, monkeypatch):
    folder = tmp_path / "documents"
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(folder))
    return folder


def _readable(value):
    """A column's value as the texts it can be searched in."""
    if value is None:
        return []
    if isinstance(value, bytes | memoryview):
        return [bytes(value).decode("utf-8", "replace")]
    texts = [str(value)]
    with contextlib.suppress(ValueError):  # JSON may keep text as \u escapes: search it decoded too
        texts.append(json.dumps(json.loads(texts[0]), ensure_ascii=False))
    return texts


def _searchable(column):
    return isinstance(column.type, sa.String | sa.Text | sa.JSON | sa.LargeBinary | sa.Enum)


def database_traces(needles):
    """(table, column) of every text, JSON and binary column, of every table, holding a needle."""
    found = set()
    for table in _db.metadata.sorted_tables:
        for column in filter(_searchable, table.columns):
            cast = "::text" if isinstance(column.type, sa.JSON) else ""
            query = f'SELECT "{column.name}"{cast} FROM "{table.name}"'  # noqa: S608 (the models' names)
            rows = _db.session.execute(sa.text(query))
            for (value,) in rows:
                if any(n.lower() in text.lower() for text in _readable(value) for n in needles):
                    found.add((table.name, column.name))
    return found


def pdftotext(path):
    result = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, check=False)
    return result.stdout.decode("utf-8", "replace")


def file_traces(needles, *folders):
    """Every file under the folders whose bytes, or whose text as pdftotext extracts it, hold a needle."""
    found = set()
    for folder in folders:
        for path in (p for p in folder.rglob("*") if p.is_file()):
            texts = [path.read_bytes().decode("utf-8", "replace")]
            if path.suffix == ".pdf":
                texts.append(pdftotext(path))
            if any(n.lower() in text.lower() for text in texts for n in needles):
                found.add(path.name)
    return found


def sign_up_the_person(client, letter):
    """The organization signs on the public form with its logo and confirms by the emailed link."""
    response = sign(
        client,
        letter,
        kind="organization",
        name_en=NAME_EN,
        name_ko=NAME_KO,
        email=ADDRESS,
        contact_name=CONTACT,
        line="mothers of people detained in the North",
        logo=(png(), "quilt.png"),
    )
    assert response.status_code == 302
    [confirmation] = mails(to=ADDRESS)
    links = {purpose: link(confirmation, purpose) for purpose in ("confirm", "withdraw")}
    assert "Thank you" in page_text(press_button(client, links["confirm"]))
    signature = _db.session.scalar(sa.select(Signature).where(Signature.letter_id == letter.id))
    signature.status = SignatureStatus.APPROVED  # staff approve organizations
    _db.session.commit()
    return signature, links


def erase(client, address):
    """The admin looks the address up on /staff/privacy, ticks the box and presses Erase."""
    action, fields = form_on(client.get("/staff/privacy"), class_="stacked lookup")
    found = client.post(action, data={**fields, "email": address})
    action, fields = form_on(found, class_="stacked erase")
    erased = client.post(action, data={**fields, "confirm": "y"})
    assert erased.status_code == 302, page_text(erased)
    return page_text(client.get(erased.headers["Location"]))


def test_erasure_leaves_no_trace_of_the_person_in_any_table_file_mail_or_link(
    client, auth, db, uploads, document_folder
):
    letter = make_open_letter(template="petition", title_en="Bring them home", title_ko="그들을 집으로")
    signature, links = sign_up_the_person(client, letter)
    sign(client, letter, name_en="Kept Individual", email="kept@example.org")
    [kept_mail] = mails(to="kept@example.org")
    press_button(client, link(kept_mail, "confirm"))
    pdf = client.get(f"/letters/{letter.id}/both.pdf")
    assert pdf.status_code == 200
    assert NAME_EN in pdf_text(pdf.data) and NAME_KO in pdf_text(pdf.data)
    [old] = db.session.scalars(sa.select(Document)).all()
    reconfirm = make_token(PURPOSE, {"s": signature.id, "v": letter.current_version.id})
    links["reconfirm"] = f"/s/reconfirm/{reconfirm}"  # as a revision's email would carry it
    assert client.get(links["reconfirm"]).status_code == 200
    emails.queue_reminder(signature)  # pending: not handed to the mail queue yet
    audit.record("privacy.request", signature.signatory, email=ADDRESS, name=NAME_KO)
    db.session.commit()
    assert [m.status for m in mails(to=ADDRESS)] == [MailStatus.KEPT, MailStatus.QUEUED]
    assert {("signatories", "name_en"), ("signatories", "email"), ("documents", "signatories")} <= (
        database_traces(PERSON)
    )
    assert {("outbox_messages", "to"), ("outbox_messages", "body_text"), ("audit_log", "details")} <= (
        database_traces(PERSON)
    )
    assert f"{old.token}.pdf" in file_traces(PERSON, document_folder)
    assert len(list((uploads / "logos").iterdir())) == 1
    auth.login("admin")

    assert "1 record of this person is erased." in erase(client, ADDRESS)

    db.session.expire_all()
    assert database_traces(PERSON) == set()
    assert not storage.has_file(old.token)
    fresh = client.get(f"/letters/{letter.id}/both.pdf")
    assert "Kept Individual" in pdf_text(fresh.data) and NAME_EN not in pdf_text(fresh.data)
    assert "Kept Individual" in pdftotext(storage.path_for(_newest().token))  # the search reads PDFs
    assert file_traces(PERSON, document_folder, uploads) == set()
    assert list((uploads / "logos").iterdir()) == []
    assert mails(to=ADDRESS) == [] and len(mails()) == 2  # the unsent one deleted, the sent one blanked
    for path in links.values():
        answer = client.get(path)
        assert answer.status_code == 400 and "This link is not valid" in page_text(answer)
    gone = client.get(f"/documents/{old.token}.pdf", headers={"Accept-Language": "ko"})
    assert gone.status_code == 410 and "이 문서는 회수되었습니다" in page_text(gone)
    assert client.get(f"/documents/{old.token}").status_code == 410


def _newest():
    return _db.session.scalars(sa.select(Document).order_by(Document.id.desc()).limit(1)).one()


def test_a_delivered_document_keeps_its_bytes_for_staff_but_answers_410_to_the_public(
    app, client, auth, db, uploads, document_folder
):
    letter = make_open_letter()
    sign(client, letter, name_en="Delivered Signer", email="delivered@example.org")
    press_button(client, link(mails(to="delivered@example.org")[0], "confirm"))
    sent = client.get(f"/letters/{letter.id}/en.pdf").data
    assert "Delivered Signer" in pdf_text(sent)
    document = _newest()
    db.session.add(
        Delivery(
            letter_id=letter.id,
            recipient_id=RecipientFactory().id,
            channel=Channel.EMAIL,
            reply_token="r" * 32,
            document_id=document.id,
        )
    )
    db.session.commit()
    auth.login("admin")

    erase(client, "delivered@example.org")

    assert storage.read(document.token) == sent
    public = client.get(f"/documents/{document.token}.pdf")
    assert public.status_code == 410 and "This document was withdrawn" in page_text(public)
    staff = client.get(f"/staff/documents/{document.id}.pdf")
    assert staff.status_code == 200 and staff.data == sent
    listed = page_text(client.get(f"/staff/letters/{letter.id}/documents"))
    assert "withdrawn on" in listed and "a signatory's data was erased" in listed
    form = {"csrf_token": csrf_token(client, "/verify"), "file": (io.BytesIO(sent), "letter.pdf")}
    verdict = page_text(client.post("/verify", data=form, content_type="multipart/form-data"))
    assert "This document was withdrawn" in verdict and "Download our copy" not in verdict
    assert "Delivered Signer" not in verdict
    db.session.expire_all()
    assert _db.session.get(Document, document.id).signatories["signatories"] == []
    fresh = client.get(f"/letters/{letter.id}/en.pdf")
    assert fresh.status_code == 200 and "Delivered Signer" not in pdf_text(fresh.data)
    assert app.test_client().get(f"/staff/documents/{document.id}.pdf").status_code == 302  # to log in


def test_erasure_blanks_the_person_in_mail_about_them_and_deletes_unsent_mail_to_any_spelling_of_them(
    client, auth, db, uploads
):
    letter = make_open_letter()
    person = SignatoryFactory(
        kind=SignatoryKind.ORGANIZATION,
        name_en=NAME_EN,
        name_ko=NAME_KO,
        contact_name=CONTACT,
        email="quilt.circle+erasure@gmail.com",
        email_key=email_key("quilt.circle+erasure@gmail.com"),
    )
    SignatureFactory(signatory=person, letter_id=letter.id, version_id=letter.current_version.id)
    about = OutboxMessageFactory(
        to="staff@example.org",
        subject=f"New organization: {NAME_EN}",
        body_text=f"{NAME_EN} / {NAME_KO} ({CONTACT}, quilt.circle+erasure@gmail.com) signed. "
        "Hoeryong Mothers Quilting Circles abroad stay as they are.",
        status=MailStatus.KEPT,
    )
    unsent = OutboxMessageFactory(
        to="QuiltCircle@GoogleMail.com", body_text="Hello", status=MailStatus.QUEUED
    )
    sent = OutboxMessageFactory(
        to="quiltcircle@gmail.com",
        subject=f"Hello {NAME_EN}",
        body_text=f"{NAME_KO} 님, withdraw here: http://localhost/s/withdraw/abc.def-ghi today",
        status=MailStatus.SENT,
        last_error="451 quiltcircle@gmail.com: try again later",
    )
    other = OutboxMessageFactory(to="someone@example.org", body_text="Nothing about them.")
    db.session.commit()
    unsent_id = unsent.id
    auth.login("admin")

    erase(client, "quilt.circle+erasure@gmail.com")

    db.session.expire_all()
    assert db.session.get(OutboxMessage, unsent_id) is None
    assert (about.to, about.subject) == ("staff@example.org", "New organization: ")
    assert about.body_text == " /  (, ) signed. Hoeryong Mothers Quilting Circles abroad stay as they are."
    assert (sent.to, sent.subject, sent.body_text) == ("", "Hello ", " 님, withdraw here:  today")
    assert sent.last_error == "451 : try again later"
    assert other.body_text == "Nothing about them." and other.to == "someone@example.org"
