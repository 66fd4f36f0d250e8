"""Hostile replies by email: shown escaped in the holding pen, and their files published only once checked."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from app.inbound.filing import file_message
from app.inbound.models import InboundStatus
from app.responses.models import Response, ResponseAttachment
from tests.helpers import csrf_token, page_text
from tests.inbound.conftest import make_sent, reply_to, sent, store  # noqa: F401,F811 (fixtures)
from tests.inbound.mime import encoded_word, file_part, message, text_part
from tests.security import files
from tests.security.hostile import values
from tests.security.surfaces import injected_markup

REFUSED = "Only PDF, JPEG and PNG files that pass the upload checks can be published."


def filed(raw):
    inbound = store(raw)
    file_message(inbound)
    from app.extensions import db

    db.session.commit()
    return inbound


@pytest.mark.parametrize(
    "name", ["script", "html", "css-url", "file-url", "loopback", "right-to-left", "long"]
)
def test_a_hostile_reply_in_the_holding_pen_is_shown_as_text(client, auth, listener, name):
    [hostile] = [v for v in values(listener.port, 900) if v.name == name]
    raw = message(
        [
            text_part(
                f"<p>{hostile.text}</p><img src='http://127.0.0.1:{listener.port}/track'>", subtype="html"
            ),
            file_part(b"data", f'"{encoded_word(hostile.text[:200], "utf-8")}"'),
        ],
        Subject=encoded_word(hostile.text[:200], "utf-8"),
        To="nobody@undersigned.local",
    )
    inbound = filed(raw)
    assert inbound.status == InboundStatus.HELD
    auth.login("editor")
    page = client.get("/staff/inbound")
    assert page.status_code == 200
    assert injected_markup(page.get_data(as_text=True), listener.port) == []
    assert listener.connections == []


@pytest.fixture
def reply(sent, db):  # noqa: F811 (the fixture imported above)
    """A reply filed to `sent` with files: a PDF with JavaScript, HTML named .pdf, a photo, a plain PDF."""
    exif = Image.Exif()
    exif[0x010E] = "Taken at 37.56 N 126.97 E"
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(photo, format="JPEG", exif=exif.tobytes())
    raw = message(
        [
            text_part("See the attached files."),
            file_part(files.pdf_with_open_action_javascript(), '"answer.pdf"'),
            file_part(files.HTML, '"answer2.pdf"'),
            file_part(photo.getvalue(), '"stamp.jpg"', content_type="image/jpeg"),
            file_part(files.plain_pdf(), '"plain.pdf"'),
        ],
        To=reply_to(sent),
    )
    assert filed(raw).status == InboundStatus.FILED
    [response] = db.session.scalars(sa.select(Response)).all()
    response.is_public = True
    db.session.commit()
    return response


def _publish(client, response, attachment):
    show = f"/staff/responses/{response.id}"
    url = f"{show}/attachments/{attachment.id}/publish"
    return client.post(url, data={"csrf_token": csrf_token(client, show), "public": "1"})


def _files(db, response):
    db.session.expire_all()
    return {
        a.filename: a
        for a in db.session.scalars(
            sa.select(ResponseAttachment).where(ResponseAttachment.response_id == response.id)
        )
    }


@pytest.mark.parametrize("filename", ["answer.pdf", "answer2.pdf", "회신_ 청원.eml", "Re.eml"])
def test_a_file_from_an_email_that_fails_the_upload_checks_cannot_be_published(
    app, client, auth, db, reply, filename
):
    auth.login("editor")
    attachments = _files(db, reply)
    attachment = attachments.get(filename) or next(a for a in attachments.values() if a.is_original_email)
    answer = _publish(client, reply, attachment)
    assert answer.status_code == 302
    assert REFUSED in page_text(client.get(answer.headers["Location"]))
    assert not _files(db, reply)[attachment.filename].is_public
    assert app.test_client().get(f"/responses/{reply.id}/files/{attachment.id}").status_code == 404


def test_a_photo_from_an_email_is_published_re_encoded_without_its_metadata(app, client, auth, db, reply):
    auth.login("editor")
    photo = _files(db, reply)["stamp.jpg"]
    stored = Path(app.config["UPLOAD_FOLDER"]) / "responses" / photo.storage_path
    assert b"126.97" in stored.read_bytes()
    assert _publish(client, reply, photo).status_code == 302
    published = app.test_client().get(f"/responses/{reply.id}/files/{photo.id}")
    assert published.status_code == 200 and b"126.97" not in published.data
    with Image.open(io.BytesIO(published.data)) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert not stored.exists()


def test_a_plain_pdf_from_an_email_is_published_as_it_came(app, client, auth, db, reply):
    auth.login("editor")
    plain = _files(db, reply)["plain.pdf"]
    kept = (Path(app.config["UPLOAD_FOLDER"]) / "responses" / plain.storage_path).read_bytes()
    assert _publish(client, reply, plain).status_code == 302
    published = app.test_client().get(f"/responses/{reply.id}/files/{plain.id}")
    assert published.status_code == 200 and published.data == kept and kept.startswith(b"%PDF-")
