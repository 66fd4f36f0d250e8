"""Reading a raw email: RFC 2047 headers and names, Korean charsets, HTML as text, non-emails refused."""

from datetime import date

import pytest

from app.core.errors import ValidationError
from app.responses.eml import parse_eml
from tests.deliveries.records_support import pdf_bytes
from tests.responses.emails import PDF_NAME, SUBJECT, TEXT, html_only, korean_reply


def test_an_euc_kr_reply_gives_its_korean_subject_sender_date_text_and_pdf_by_its_korean_name(app):
    pdf = pdf_bytes()
    parsed = parse_eml(korean_reply(pdf))
    assert parsed["subject"] == SUBJECT
    assert parsed["sender"] == "외교부 영사과 <consular@mofa.example>"
    assert parsed["received_on"] == date(2025, 11, 18)
    assert parsed["text"] == TEXT
    assert parsed["attachments"] == [(PDF_NAME, "application/pdf", pdf)]


@pytest.mark.parametrize("label", ["ks_c_5601-1987", "EUC-KR", "CP949"])
def test_korean_mail_labels_are_read_as_cp949_with_its_extra_syllables(app, label):
    text = "똠방각하께서 회신하셨습니다."  # 똠 is in CP949 only, not in plain EUC-KR
    parsed = parse_eml(korean_reply(b"%PDF-1.4", charset="cp949", label=label, text=text, pdf_name="똠.pdf"))
    assert parsed["text"] == text and parsed["subject"] == SUBJECT
    assert parsed["attachments"][0][0] == "똠.pdf"


def test_an_html_only_reply_becomes_its_words_without_markup_or_script(app):
    html = (
        "<html><head><style>p{}</style></head><body><p>We received your <b>letter</b>.</p>"
        "<script>alert(1)</script><p>Regards</p></body></html>"
    )
    parsed = parse_eml(html_only(html))
    assert parsed["text"] == "We received your letter.\n\nRegards"
    assert "<" not in parsed["text"] and "alert" not in parsed["text"]
    assert parsed["subject"] == "Re: open letter" and parsed["received_on"] == date(2026, 1, 13)


@pytest.mark.parametrize("raw", [b"", pdf_bytes(), b"just some words\nand more", b"\x00\x01\x02binary"])
def test_a_file_that_is_not_an_email_is_refused_with_a_clear_message(app, raw):
    with app.test_request_context():
        with pytest.raises(ValidationError) as refused:
            parse_eml(raw)
        assert (
            str(refused.value.fields["file"]) == "This file is not an email. Upload a message saved as .eml."
        )
