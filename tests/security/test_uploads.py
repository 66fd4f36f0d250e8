"""Hostile uploads as proofs, response attachments and logos: refused with a clear message, nothing stored."""

import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from app.deliveries.models import Channel, DeliveryProof
from app.responses.models import Response, ResponseAttachment, ResponseChannel, ResponseClassification
from app.signatures.models import Signatory
from tests.deliveries.records_support import make_delivery, send
from tests.helpers import csrf_token, page_text
from tests.security import files
from tests.signatures.conftest import make_open_letter, sign

NOT_ACCEPTED = "Only PDF, JPEG and PNG files are accepted."
ACTIVE_PDF = "This PDF holds scripts or attached files, which are refused."
NOT_A_LOGO = "The logo must be a PNG or JPEG image."
TOO_MANY_PIXELS = "This image has too many pixels."
LOGO_TOO_MANY_PIXELS = "The logo image is too large."

#: (case, bytes, the name it is uploaded under, message for a proof or attachment, message for a logo)
CASES = [
    ("exe-named-png", lambda: files.EXE, "scan.png", NOT_ACCEPTED, NOT_A_LOGO),
    ("html-named-pdf", lambda: files.HTML, "reply.pdf", NOT_ACCEPTED, NOT_A_LOGO),
    (
        "png-declaring-50000x50000",
        lambda: files.png_declaring(50000, 50000),
        "huge.png",
        TOO_MANY_PIXELS,
        LOGO_TOO_MANY_PIXELS,
    ),
    ("decompression-bomb", files.decompression_bomb, "bomb.png", TOO_MANY_PIXELS, LOGO_TOO_MANY_PIXELS),
    (
        "pdf-open-action-javascript",
        files.pdf_with_open_action_javascript,
        "reply.pdf",
        ACTIVE_PDF,
        NOT_A_LOGO,
    ),
    (
        "pdf-escaped-javascript-names",
        files.pdf_with_javascript_name_tree,
        "reply.pdf",
        ACTIVE_PDF,
        NOT_A_LOGO,
    ),
    ("pdf-embedded-file", files.pdf_with_embedded_file, "reply.pdf", ACTIVE_PDF, NOT_A_LOGO),
]
IDS = [case[0] for case in CASES]


def stored(app, folder):
    path = Path(app.config["UPLOAD_FOLDER"]) / folder
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


def rows(db, model):
    db.session.expire_all()
    return db.session.scalars(sa.select(model)).all()


@pytest.fixture
def response(db):
    delivery = make_delivery(Channel.EMAIL)
    answer = Response(
        letter_id=delivery.letter_id,
        recipient_id=delivery.recipient_id,
        delivery_id=delivery.id,
        channel=ResponseChannel.EMAIL,
        classification=ResponseClassification.SUBSTANTIVE,
        received_on=date(2025, 11, 20),
        summary_en="Received.",
    )
    db.session.add(answer)
    db.session.commit()
    return answer


def attach(client, response, content, filename):
    page = f"/staff/responses/{response.id}"
    data = {"csrf_token": csrf_token(client, page), "file": (io.BytesIO(content), filename)}
    return client.post(f"{page}/attachments", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(("case", "content", "filename", "message", "_logo"), CASES, ids=IDS)
def test_a_hostile_delivery_proof_is_refused_with_a_clear_message(
    app, client, auth, db, case, content, filename, message, _logo
):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    answer = send(
        client, delivery, "proofs", {"kind": "receipt", "note": ""}, {"file": (content(), filename)}
    )
    assert answer.status_code == 422 and message in page_text(answer)
    assert rows(db, DeliveryProof) == [] and stored(app, "proofs") == []


@pytest.mark.parametrize(("case", "content", "filename", "message", "_logo"), CASES, ids=IDS)
def test_a_hostile_response_attachment_is_refused_with_a_clear_message(
    app, client, auth, db, response, case, content, filename, message, _logo
):
    auth.login("editor")
    answer = attach(client, response, content(), filename)
    assert answer.status_code == 422 and message in page_text(answer)
    assert rows(db, ResponseAttachment) == [] and stored(app, "responses") == []


@pytest.mark.parametrize(("case", "content", "filename", "_message", "message"), CASES, ids=IDS)
def test_a_hostile_logo_is_refused_with_a_clear_message(
    app, client, db, case, content, filename, _message, message
):
    letter = make_open_letter()
    answer = sign(
        client, letter, kind="organization", name_en="Families Association", logo=(content(), filename)
    )
    assert answer.status_code == 422 and message in page_text(answer)
    assert rows(db, Signatory) == [] and stored(app, "logos") == []


@pytest.mark.parametrize(
    ("setting", "target"),
    [
        ("PROOF_MAX_BYTES", "proof"),
        ("RESPONSE_ATTACHMENT_MAX_BYTES", "attachment"),
        ("LOGO_MAX_BYTES", "logo"),
    ],
)
def test_an_upload_over_its_limit_is_refused(app, client, auth, db, response, monkeypatch, setting, target):
    monkeypatch.setitem(app.config, setting, 1024)
    content = files.png(size=(200, 200)) + b"\x00" * 2048
    if target == "logo":
        answer = sign(
            client, make_open_letter(), kind="organization", name_en="Families", logo=(content, "logo.png")
        )
        expected, model = "The logo is too large (at most 0 MB).", Signatory
    else:
        auth.login("editor")
        if target == "proof":
            answer = send(
                client,
                make_delivery(Channel.POST),
                "proofs",
                {"kind": "receipt"},
                {"file": (content, "a.png")},
            )
        else:
            answer = attach(client, response, content, "a.png")
        expected, model = "The file is too large", DeliveryProof if target == "proof" else ResponseAttachment
    assert answer.status_code in (413, 422) and expected in page_text(answer)
    assert rows(db, model) == []


def test_a_plain_pdf_and_a_png_are_still_accepted(app, client, auth, db, response):
    auth.login("editor")
    assert attach(client, response, files.plain_pdf(), "reply.pdf").status_code == 302
    assert attach(client, response, files.png(), "stamp.png").status_code == 302
    assert len(rows(db, ResponseAttachment)) == 2
    with Image.open(
        io.BytesIO(
            (
                Path(app.config["UPLOAD_FOLDER"]) / "responses" / rows(db, ResponseAttachment)[1].storage_path
            ).read_bytes()
        )
    ) as image:
        assert image.format == "PNG"
