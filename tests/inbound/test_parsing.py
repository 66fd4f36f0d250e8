"""Reading raw messages: Korean charsets, broken encoded words, HTML, attachments, hostile bytes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.inbound.parsing import parse_message
from tests.inbound.mime import encoded_word, file_part, message, text_part

OUTSIDE_EUC_KR = "똠방각하 펲"


@pytest.mark.parametrize(
    ("charset", "codec"),
    [
        ("euc-kr", "euc-kr"),
        ("cp949", "cp949"),
        ("iso-2022-kr", "iso-2022-kr"),
        ("utf-8", "utf-8"),
        ("ks_c_5601-1987", "euc-kr"),
    ],
)
def test_korean_text_in_each_charset_is_read(charset, codec):
    raw = message(
        body=text_part("외교부 회신입니다", charset, codec), Subject=encoded_word("회신", charset, codec)
    )
    parsed = parse_message(raw)
    assert parsed.text == "외교부 회신입니다"
    assert parsed.subject == "회신"


def test_ks_c_5601_is_read_as_cp949_with_syllables_outside_euc_kr():
    subject = encoded_word(OUTSIDE_EUC_KR, "ks_c_5601-1987", "cp949")
    parsed = parse_message(
        message(body=text_part(OUTSIDE_EUC_KR, "ks_c_5601-1987", "cp949"), Subject=subject)
    )
    assert parsed.text == OUTSIDE_EUC_KR
    assert parsed.subject == OUTSIDE_EUC_KR


def test_encoded_word_folded_in_its_middle_is_repaired():
    word = encoded_word("대한민국 외교부 회신", "euc-kr")
    folded = word[:20] + "\r\n " + word[20:]
    assert parse_message(message(body="x", Subject=folded)).subject == "대한민국 외교부 회신"


def test_character_split_across_two_encoded_words_is_joined():
    data = "회신입니다".encode("euc-kr")
    import base64

    first = base64.b64encode(data[:3]).decode()
    second = base64.b64encode(data[3:]).decode()
    subject = f"=?euc-kr?B?{first}?=\r\n =?euc-kr?B?{second}?="
    assert parse_message(message(body="x", Subject=subject)).subject == "회신입니다"


def test_wrong_charset_label_is_repaired_where_the_bytes_allow():
    wrong = encoded_word("회신입니다", "iso-8859-1", "euc-kr")
    parsed = parse_message(message(body=text_part("본문입니다", "us-ascii", "utf-8"), Subject=wrong))
    assert parsed.subject == "회신입니다"
    assert parsed.text == "본문입니다"


def test_unknown_charset_falls_back_without_crashing():
    parsed = parse_message(message(body=text_part("회신", "x-no-such-charset", "utf-8")))
    assert parsed.error == ""
    assert parsed.text == "회신"


def test_rfc2047_korean_file_name_is_decoded():
    raw = message(
        [
            text_part("첨부합니다", "euc-kr"),
            file_part(b"%PDF-1.4", f'"{encoded_word("회신문.pdf", "euc-kr")}"'),
        ]
    )
    [attachment] = parse_message(raw).attachments
    assert (attachment.filename, attachment.content_type, attachment.data) == (
        "회신문.pdf",
        "application/pdf",
        b"%PDF-1.4",
    )


def test_rfc2231_korean_file_name_is_decoded():
    name = "".join(f"%{byte:02X}" for byte in "회신문.pdf".encode("cp949"))
    part = file_part(b"%PDF-1.4", "x").replace("filename=x", f"filename*=ks_c_5601-1987''{name}")
    [attachment] = parse_message(message([part])).attachments
    assert attachment.filename == "회신문.pdf"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [('"../../etc/passwd"', "passwd"), ('"a\x00b.pdf"', "a_b.pdf"), ('"..\\\\..\\\\x.pdf"', "x.pdf")],
)
def test_attachment_names_are_never_paths(sent, kept):
    [attachment] = parse_message(message([file_part(b"data", sent)])).attachments
    assert attachment.filename == kept


def test_html_only_reply_is_sanitized_and_its_text_extracted():
    html = (
        "<p>검토 중입니다<script>alert(1)</script></p><img src='https://tracker.example/p.png'><p>Second</p>"
    )
    parsed = parse_message(message(body=text_part(html, "utf-8", subtype="html")))
    assert "script" not in parsed.html and "alert" not in parsed.html
    assert "<img" not in parsed.html and "tracker" not in parsed.html
    assert parsed.text == "검토 중입니다\nSecond"


def test_message_without_message_id_is_read():
    parsed = parse_message(message(body="plain\r\n"))
    assert parsed.message_id == ""
    assert parsed.text == "plain"


def test_broken_mime_is_read_as_far_as_it_goes():
    raw = b"From: a@b.kr\r\nContent-Type: multipart/mixed\r\n\r\n--nothing\r\nhello\r\n"
    parsed = parse_message(raw)
    assert parsed.error == ""
    assert "hello" in parsed.text


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted"),
        ({"X_Autoreply": "yes"}, "X-Autoreply"),
        ({"Precedence": "auto_reply"}, "Precedence"),
        ({"Subject": "Out of Office: Re: letter"}, "out-of-office"),
        ({"Subject": encoded_word("부재중 자동회신", "euc-kr")}, "out-of-office"),
    ],
)
def test_automatic_replies_are_recognized(headers, reason):
    parsed = parse_message(message(body="away", **headers))
    assert parsed.is_auto_reply
    assert reason in parsed.auto_reply


def test_auto_submitted_no_is_a_person():
    assert not parse_message(message(body="answer", Auto_Submitted="no")).is_auto_reply


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_message_never_raises(raw):
    parse_message(raw)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_parse_message_never_raises_on_mime_like_text(body):
    head = f"From: a@b\r\nSubject: =?euc-kr?B?{body}?=\r\nContent-Type: multipart/mixed; boundary=b\r\n"
    raw = f"{head}\r\n--b\r\n{body}"
    parse_message(raw.encode("utf-8", "surrogatepass"))


def test_utf8_text_labelled_euc_kr_is_read_as_utf8():
    parsed = parse_message(message(body=text_part("회신합니다", "euc-kr", "utf-8")))
    assert parsed.text == "회신합니다"


def test_latin1_text_stays_latin1():
    parsed = parse_message(message(body=text_part("Très bien, café", "iso-8859-1")))
    assert parsed.text == "Très bien, café"
