"""Raw test messages, CRLF line endings as IMAP stores them: plain ones and a Korean reply with a PDF."""

import base64
from email.header import Header
from email.utils import encode_rfc2231

#: A small but real PDF: one page with one line of text.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 20 60 Td (Reply received) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def plain(number, body="Thank you for your letter."):
    """A short reply in ASCII with its own Message-ID."""
    return "\r\n".join(
        [
            "From: Ministry <desk@ministry.example.org>",
            "To: replies+token@undersigned.test",
            f"Subject: Re: Open letter {number}",
            f"Message-ID: <reply-{number}@ministry.example.org>",
            "Date: Tue, 01 Dec 2026 09:00:00 +0900",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            body,
            "",
        ]
    ).encode("ascii")


def korean_reply_with_pdf():
    """A reply the way Korean government mail sends it: EUC-KR 8-bit text, a PDF with a Korean file name."""
    name = "답변서_외교부.pdf"
    subject = Header("Re: 억류자 가족 공개서한에 대한 답변", "euc-kr").encode()
    sender = Header("외교부 민원실", "euc-kr").encode()
    encoded_name = Header(name, "euc-kr").encode()
    pdf_lines = base64.encodebytes(PDF).decode("ascii").splitlines()
    head = [
        f"From: {sender} <minwon@mofa.example.kr>",
        "To: replies+abc123-def456@undersigned.test",
        f"Subject: {subject}",
        "Message-ID: <20261201.0901.mofa@mofa.example.kr>",
        "Date: Tue, 01 Dec 2026 09:01:00 +0900",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="=_mofa_boundary"',
        "",
        "--=_mofa_boundary",
        'Content-Type: text/plain; charset="euc-kr"',
        "Content-Transfer-Encoding: 8bit",
        "",
    ]
    lines = ["귀하의 서한을 잘 받았습니다.", "헌법상 대한민국 국민으로 간주됩니다.", "외교부 드림", ""]
    text = "\r\n".join(lines).encode("euc-kr")
    tail = [
        "--=_mofa_boundary",
        f'Content-Type: application/pdf; name="{encoded_name}"',
        "Content-Transfer-Encoding: base64",
        f"Content-Disposition: attachment; filename*={encode_rfc2231(name, 'euc-kr')}",
        "",
        *pdf_lines,
        "--=_mofa_boundary--",
        "",
    ]
    return ("\r\n".join(head) + "\r\n").encode("ascii") + text + "\r\n".join(tail).encode("ascii")
