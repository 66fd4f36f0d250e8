"""A delivery's evidence pack: the PDF as delivered, its signatories, the channel's proof, the timeline,
a signed summary and a manifest, downloaded from the delivery page and the API."""

import csv
import hashlib
import io
import re
import zipfile
from datetime import date

import pytest

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.deliveries.tasks import send_delivery
from app.documents import storage
from app.documents.models import Document
from app.documents.verify import check_signature
from app.extensions import db
from app.inbound.tasks import file_inbound
from app.models import Display, SignatoryKind
from tests.deliveries.email.conftest import delivery_row, make_delivery, open_letter, pdf_lines
from tests.deliveries.records_support import image_bytes, pdf_bytes, send
from tests.documents.conftest import sign
from tests.helpers import page_text
from tests.inbound.conftest import store
from tests.inbound.test_filing import dsn
from tests.mail.conftest import Inbox, send_to, smtp_server

pytestmark = pytest.mark.committed

SIGNER_EMAIL = "min-ji.park@families.example"
CONTACT_PERSON = "Lee Contact-Person"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(autouse=True)
def pack_settings(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DELIVERY_FROM", "Coalition for the Return <coalition@coalition.example>")
    monkeypatch.setitem(app.config, "REPLY_TO_ADDRESS", "replies@coalition.example")


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        yield handler


def signed_letter():
    """An open letter signed by an organization (open_letter) and by a person with a contact person."""
    letter = open_letter()
    sign(
        letter,
        kind=SignatoryKind.INDIVIDUAL,
        display=Display.FULL,
        name_en="Park Min-ji",
        name_ko="박민지",
        email=SIGNER_EMAIL,
        contact_name=CONTACT_PERSON,
    )
    db.session.commit()
    return letter


def opened(response):
    """The ZIP of a download: {path inside the pack's folder: bytes}."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=delivery-")
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    folder = names[0].split("/", 1)[0]
    assert all(name.startswith(folder + "/") for name in names)
    return {name.split("/", 1)[1]: archive.read(name) for name in names}


def manifest_holds_every_file(files):
    lines = files["manifest-sha256.txt"].decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(listed) == set(files) - {"manifest-sha256.txt"}
    for name, sha256 in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == sha256, name


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def named(files, prefix):
    return {name: data for name, data in files.items() if name.startswith(prefix)}


def download(client, delivery_id):
    page = client.get(f"/staff/deliveries/{delivery_id}")
    assert page.status_code == 200
    link = re.search(r'<a class="evidence" href="([^"]+)"', page.get_data(as_text=True))
    assert link, "no evidence pack link on the delivery page"
    return client.get(link.group(1))


def test_an_emailed_delivery_has_its_pdf_signatories_server_reply_dsn_and_a_signed_summary(
    client, auth, api, inbox
):
    delivery = make_delivery("en", letter=signed_letter())
    send_delivery(delivery.id)
    inbox.wait_for(1, timeout=10)
    raw = dsn("delivered", envelope_id=delivery.reply_token)
    notification = store(raw)
    file_inbound(notification.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.DELIVERED and row.server_reply.startswith("250 ")

    auth.login("editor")
    files = opened(download(client, delivery.id))

    (pdf_name,) = [n for n in named(files, "document/") if n.endswith(".pdf")]
    pdf = files[pdf_name]
    assert hashlib.sha256(pdf).hexdigest() == row.document_sha256
    assert pdf == storage.read(db.session.get(Document, row.document_id).token)
    assert files[pdf_name + ".sha256"].decode() == f"{row.document_sha256}  {pdf_name.split('/')[1]}\n"

    (signatories,) = named(files, "signatories-as-of-").values()
    rows = csv_rows(signatories)
    assert rows[0] == [
        "No.",
        "Kind",
        "Name (English)",
        "Name (Korean)",
        "Affiliation (English)",
        "Affiliation (Korean)",
    ]
    names = {row[2] for row in rows[1:]}
    assert names == {"Transitional Justice Working Group", "Park Min-ji"}
    text = signatories.decode("utf-8-sig")
    assert not EMAIL.search(text) and CONTACT_PERSON not in text

    record = files["proof/record.txt"].decode()
    assert f"Server's answer: {row.server_reply}" in record and f"Message-ID: {row.message_id}" in record
    (eml,) = named(files, "proof/dsn-").values()
    assert eml == raw

    timeline = csv_rows(files["timeline.csv"])
    assert [r[2] for r in timeline[1:]] == ["Sending", "Sent", "Delivered"]

    summary = files["summary.pdf"]
    signature = check_signature(summary)
    assert signature is not None and signature.holds and signature.ours
    lines = pdf_lines(summary)
    text = " ".join(lines)
    assert f"Evidence of delivery {delivery.id}" in lines
    assert any(row.document_sha256 in line for line in lines)
    assert row.server_reply in text
    assert "Embassy of Ukraine in the Republic of Korea" in text and "Seoul 04001" in text
    for name in named(files, "proof/"):
        assert hashlib.sha256(files[name]).hexdigest() in text, name
    manifest_holds_every_file(files)

    documented = api.validator.operation("/api/v1/deliveries/{delivery_id}/evidence", "GET")
    assert set(documented["responses"]["200"]["content"]) == {"application/zip"}
    by_api = opened(api.as_role("editor").get(f"/deliveries/{delivery.id}/evidence"))
    assert set(by_api) == set(files)
    assert by_api[pdf_name] == pdf and by_api["proof/record.txt"] == files["proof/record.txt"]
    assert check_signature(by_api["summary.pdf"]).holds


def record(client, delivery, name, data, files=None):
    answer = send(client, delivery, name, data, files)
    assert answer.status_code == 302, page_text(answer)


def test_a_post_delivery_in_korean_carries_its_tracking_record_and_korean_labels(client, auth):
    delivery = make_delivery("ko", channel=Channel.POST, destination="")
    auth.login("editor")
    day = {"day": date.today().isoformat()}
    record(client, delivery, "dispatch", {**day, "carrier": "Korea Post", "tracking_number": "RR123456789KR"})
    tracking = pdf_bytes()
    record(client, delivery, "proofs", {"kind": "tracking"}, {"file": (tracking, "tracking events.pdf")})
    record(client, delivery, "delivery", day)

    files = opened(download(client, delivery.id))
    (proof,) = [data for name, data in named(files, "proof/").items() if name.endswith("tracking events.pdf")]
    assert proof == tracking
    assert "운송장 번호: RR123456789KR" in files["proof/record.txt"].decode()
    assert csv_rows(files["timeline.csv"])[0][0] == "시각 (UTC)"
    text = " ".join(pdf_lines(files["summary.pdf"]))
    assert f"발송 {delivery.id} 증빙 자료" in text and "배달일" in text and "우편" in text
    assert hashlib.sha256(tracking).hexdigest() in text
    manifest_holds_every_file(files)


def test_a_hand_delivery_in_both_languages_carries_its_photo(client, auth):
    delivery = make_delivery("both", channel=Channel.HAND, destination="")
    auth.login("editor")
    fields = {"day": date.today().isoformat(), "delivered_by": "Kim Volunteer", "received_by": "Front desk"}
    record(client, delivery, "hand", fields)
    photo = image_bytes("PNG")
    record(client, delivery, "proofs", {"kind": "photo"}, {"file": (photo, "at the gate.png")})

    files = opened(download(client, delivery.id))
    (stored,) = [data for name, data in named(files, "proof/").items() if name.endswith("at the gate.png")]
    db.session.expire_all()
    assert hashlib.sha256(stored).hexdigest() == db.session.get(Delivery, delivery.id).proofs[0].sha256
    assert "Kim Volunteer" not in files["proof/record.txt"].decode()
    assert "Channel / 방법: Hand delivery / " in files["proof/record.txt"].decode()
    lines = pdf_lines(files["summary.pdf"])
    assert f"Evidence of delivery {delivery.id} / 발송 {delivery.id} 증빙 자료" in lines
    assert any(hashlib.sha256(stored).hexdigest() in line for line in lines)
    manifest_holds_every_file(files)


def test_a_viewer_gets_no_pack_it_holds_the_recipients_address(client, auth, api):
    delivery = make_delivery("en")
    auth.login("viewer")
    page = page_text(client.get(f"/staff/deliveries/{delivery.id}"))
    assert "Editors can download the evidence pack: it holds the recipient's address." in page
    assert client.get(f"/staff/deliveries/{delivery.id}/evidence.zip").status_code == 403
    assert api.as_role("viewer").get(f"/deliveries/{delivery.id}/evidence").status_code == 403


def test_a_planned_delivery_has_no_pack_yet_and_says_why(client, auth, api):
    delivery = make_delivery("en", render=False)
    auth.login("editor")
    page = client.get(f"/staff/deliveries/{delivery.id}")
    assert "Available once the delivery's PDF is fixed and rendered." in page_text(page)
    answer = client.get(f"/staff/deliveries/{delivery.id}/evidence.zip")
    assert answer.status_code == 409
    assert "This delivery has no document yet" in page_text(answer)
    refused = api.get(f"/deliveries/{delivery.id}/evidence")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_document"


def test_unknown_deliveries_are_not_found(client, auth, api):
    auth.login("editor")
    assert client.get("/staff/deliveries/999999/evidence.zip").status_code == 404
    assert api.get("/deliveries/999999/evidence").status_code == 404


def test_strangers_get_no_pack(client, api):
    delivery = make_delivery("en")
    answer = client.get(f"/staff/deliveries/{delivery.id}/evidence.zip")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert api.get(f"/deliveries/{delivery.id}/evidence", token=None).status_code == 401
