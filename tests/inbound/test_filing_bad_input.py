"""Bad input filed safely: held where needed, the raw source kept, nothing written outside the folder."""

import os

import pytest

from app.inbound.models import InboundStatus
from tests.inbound.conftest import reply_to
from tests.inbound.mime import file_part, message, text_part
from tests.inbound.test_filing import filed, responses


def files_under(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _d, names in os.walk(folder)
        for name in names
    )


def test_message_bigger_than_the_limit_is_held_unread_with_its_raw_source(app, sent, monkeypatch):
    monkeypatch.setitem(app.config, "INBOUND_MAX_BYTES", 1000)
    raw = message(body="x" * 2000, To=reply_to(sent))
    inbound = filed(raw)
    assert (inbound.status, inbound.kind) == (InboundStatus.HELD, "too_large")
    assert "INBOUND_MAX_BYTES" in inbound.reason
    assert inbound.raw == raw
    assert responses() == []


def test_bytes_that_are_no_message_are_held_with_the_reason(sent):
    inbound = filed(b"\xff\x00\x01 garbage without headers")
    assert (inbound.status, inbound.kind) == (InboundStatus.HELD, "unparseable")
    assert inbound.reason
    assert inbound.raw == b"\xff\x00\x01 garbage without headers"


def test_message_without_message_id_is_filed(sent):
    inbound = filed(message(body="answer", To=reply_to(sent)))
    assert inbound.status == InboundStatus.FILED
    assert inbound.message_id == ""


def test_unknown_charset_reply_is_filed(sent):
    inbound = filed(message(body=text_part("회신합니다", "x-unheard-of", "utf-8"), To=reply_to(sent)))
    assert inbound.status == InboundStatus.FILED
    assert responses()[0].text == "회신합니다"


def test_broken_mime_reply_is_filed(sent):
    body = "Content-Type: multipart/mixed\r\n\r\n--nothing\r\nanswer\r\n"
    inbound = filed(message(body=body, To=reply_to(sent)))
    assert inbound.status == InboundStatus.FILED
    assert "answer" in responses()[0].text


@pytest.mark.parametrize(
    "name", ['"../../etc/passwd"', '"..%2F..%2Fx"', '"/tmp/evil"', '"a\x00b.pdf"', '"..\\\\..\\\\x"']
)
def test_hostile_attachment_names_write_nothing_outside_the_folder(sent, upload_folder, tmp_path, name):
    before = files_under(tmp_path)
    filed(message([text_part("see attached"), file_part(b"payload", name)], To=reply_to(sent)))
    attachment, _raw = responses()[0].attachments
    assert "/" not in attachment.filename and "\x00" not in attachment.filename
    new = sorted(set(files_under(tmp_path)) - set(before))
    assert len(new) == 2 and all(name.startswith("uploads/responses/") for name in new)
    assert (upload_folder / "responses" / attachment.storage_path).read_bytes() == b"payload"


def test_html_reply_with_script_keeps_no_script(sent):
    html = "<p>답변<script>document.location='https://evil.example'</script></p>"
    inbound = filed(message(body=text_part(html, "utf-8", subtype="html"), To=reply_to(sent)))
    assert inbound.status == InboundStatus.FILED
    assert responses()[0].text == "답변"


def test_attachment_over_the_response_limit_is_kept_in_the_raw_email_only(
    app, sent, monkeypatch, upload_folder
):
    monkeypatch.setitem(app.config, "RESPONSE_ATTACHMENT_MAX_BYTES", 100)
    raw = message([text_part("big file"), file_part(b"x" * 500, '"big.pdf"')], To=reply_to(sent))
    filed(raw)
    [eml] = responses()[0].attachments
    assert (upload_folder / "responses" / eml.storage_path).read_bytes() == raw
