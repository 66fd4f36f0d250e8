"""Hangul files: an HWPX attachment's text is read for the response page, safely; an HWP is kept as it is."""

import io
import zipfile

import pytest

from app.inbound.models import InboundStatus
from app.responses.hangul import MAX_ENTRIES, UnreadableHangul, hwpx_text
from tests.helpers import page_text
from tests.inbound.mime import file_part, message, text_part
from tests.inbound.test_filing import filed
from tests.responses.conftest import attachments, responses

NS = 'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section"'
SECTION0 = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<hs:sec {NS}>
  <hp:p><hp:run><hp:t>외교부 회신</hp:t></hp:run></hp:p>
  <hp:p><hp:run><hp:t>귀 단체의 서한을 잘 받았습니다.<hp:lineBreak/>억류자 문제를 검토하겠습니다.</hp:t>
  </hp:run></hp:p>
</hs:sec>"""
SECTION1 = f"""<?xml version="1.0" encoding="UTF-8"?>
<hs:sec {NS}><hp:p><hp:run><hp:t>담당: 인권외교과</hp:t></hp:run></hp:p></hs:sec>"""


def hwpx(sections=(SECTION0, SECTION1), mimetype="application/hwp+zip", extra=()):
    """A small HWPX file: the mimetype entry first and stored, then the sections (numbered as given)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("version.xml", '<?xml version="1.0"?><hv:HCFVersion xmlns:hv="urn:x"/>')
        for number, section in enumerate(sections):
            archive.writestr(f"Contents/section{number}.xml", section)
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


#: The start of an OLE compound file, as a legacy .hwp begins.
HWP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"HWP Document File" + b"\x00" * 512


def _upload(client, post_form, response, data, name):
    page = f"/staff/responses/{response.id}"
    return post_form(page, f"{page}/attachments", {}, files={"file": (data, name)})


@pytest.fixture
def response(client, auth, db, post_form, letter, ministry):
    auth.login("editor")
    url = f"/staff/letters/{letter.id}/responses/new"
    fields = {
        "recipient_id": str(ministry.id),
        "received_on": "2025-11-20",
        "channel": "email",
        "classification": "substantive",
        "summary_ko": "외교부 회신",
    }
    assert post_form(url, url, fields).status_code == 302
    return responses(db)[0]


def test_the_text_of_an_uploaded_hwpx_is_shown_on_the_response_page(client, db, post_form, response):
    data = hwpx()
    assert _upload(client, post_form, response, data, "회신문.hwpx").status_code == 302
    [attachment] = attachments(db)
    assert (attachment.filename, attachment.content_type) == ("회신문.hwpx", "application/hwp+zip")
    assert attachment.extracted_text == (
        "외교부 회신\n귀 단체의 서한을 잘 받았습니다.\n억류자 문제를 검토하겠습니다.\n담당: 인권외교과"
    )
    shown = page_text(client.get(f"/staff/responses/{response.id}"))
    assert "The text of 회신문.hwpx" in shown and "억류자 문제를 검토하겠습니다." in shown
    assert client.get(f"/staff/responses/{response.id}/attachments/{attachment.id}").data == data


def test_an_hwpx_in_a_filed_email_is_read_whatever_type_the_mail_program_gave(db, sent_delivery):
    raw = message(
        [text_part("회신을 첨부합니다."), file_part(hwpx(), '"reply.hwpx"', "application/octet-stream")],
        In_Reply_To=sent_delivery.message_id,
    )
    assert filed(raw).status == InboundStatus.FILED
    [response] = responses(db)
    document, _eml = response.attachments
    assert document.content_type == "application/hwp+zip"
    assert "귀 단체의 서한을 잘 받았습니다." in document.extracted_text


def test_a_legacy_hwp_is_kept_and_marked_to_open_in_hangul(client, db, post_form, response):
    assert _upload(client, post_form, response, HWP, "회신.hwp").status_code == 302
    [attachment] = attachments(db)
    assert (attachment.content_type, attachment.extracted_text) == ("application/x-hwp", "")
    shown = page_text(client.get(f"/staff/responses/{response.id}"))
    assert "there is no preview here; download it and open it in Hangul" in shown
    korean = page_text(client.get(f"/staff/responses/{response.id}", headers={"Accept-Language": "ko"}))
    assert "한글에서 여십시오" in korean
    assert client.get(f"/staff/responses/{response.id}/attachments/{attachment.id}").data == HWP


def test_an_ole_file_not_named_hwp_and_a_zip_that_is_no_hwpx_are_refused(client, db, post_form, response):
    for data, name in ((HWP, "memo.doc"), (hwpx(mimetype="application/epub+zip"), "book.hwpx")):
        answer = _upload(client, post_form, response, data, name)
        assert answer.status_code == 422
        assert "Only PDF, JPEG and PNG files are accepted." in page_text(answer)
    assert attachments(db) == []


def test_a_zip_bomb_is_not_unpacked_and_the_page_says_so(client, db, post_form, response):
    bomb = hwpx(
        sections=[f"<hs:sec {NS}><hp:p><hp:t>" + " " * (25 * 1024 * 1024) + "</hp:t></hp:p></hs:sec>"]
    )
    assert len(bomb) < 100_000
    with pytest.raises(UnreadableHangul, match="bytes unpacked"):
        hwpx_text(bomb)
    assert _upload(client, post_form, response, bomb, "bomb.hwpx").status_code == 302
    [attachment] = attachments(db)
    assert attachment.extracted_text == ""
    shown = page_text(client.get(f"/staff/responses/{response.id}"))
    assert "The text of this HWPX file could not be read" in shown


def test_entities_a_dtd_and_too_many_entries_are_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        f"<hs:sec {NS}><hp:p><hp:t>&lol2;</hp:t></hp:p></hs:sec>"
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "http://127.0.0.1:9/secret">]>'
        f"<hs:sec {NS}><hp:p><hp:t>&ext;</hp:t></hp:p></hs:sec>"
    )
    for section in (laughs, external):
        with pytest.raises(UnreadableHangul):
            hwpx_text(hwpx(sections=[section]))
    crowded = hwpx(extra=[(f"BinData/{n}.bin", b"") for n in range(MAX_ENTRIES)])
    with pytest.raises(UnreadableHangul, match="entries"):
        hwpx_text(crowded)
    with pytest.raises(UnreadableHangul):
        hwpx_text(hwpx(sections=["<hs:sec>not closed"]))


@pytest.fixture
def sent_delivery(db, letter, ministry):
    import secrets

    from app.deliveries.models import Channel, Delivery, DeliveryStatus

    token = secrets.token_hex(16)
    delivery = Delivery(
        letter=letter,
        recipient=ministry,
        channel=Channel.EMAIL,
        status=DeliveryStatus.SENT,
        reply_token=token,
        message_id=f"<delivery.{token}@undersigned.local>",
    )
    db.session.add(delivery)
    db.session.commit()
    return delivery
