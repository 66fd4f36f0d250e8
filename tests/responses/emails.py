"""Raw emails as Korean government offices send them, built for the tests."""

import base64
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText

SUBJECT = "귀하의 서한에 대한 회신"
TEXT = "억류자 가족은 헌법상 대한민국 국민으로 간주됩니다."
PDF_NAME = "회신문 2025.pdf"


def encoded_word(value, charset):
    return f"=?{charset}?B?{base64.b64encode(value.encode(charset)).decode()}?="


def korean_reply(pdf, charset="euc-kr", label="EUC-KR", pdf_name=PDF_NAME, text=TEXT, subject=SUBJECT):
    """A reply whose headers, text and PDF file name are in `charset`, named `label` in the message."""
    message = MIMEMultipart()
    message["From"] = (
        f"{encoded_word('외교부 영사과', charset).replace(charset, label)} <consular@mofa.example>"
    )
    message["To"] = "replies+abc@undersigned.local"
    message["Subject"] = encoded_word(subject, charset).replace(charset, label)
    message["Date"] = "Tue, 18 Nov 2025 09:30:00 +0900"
    body = MIMENonMultipart("text", "plain", charset=label)
    body.set_payload(base64.b64encode(text.encode(charset)).decode())
    body["Content-Transfer-Encoding"] = "base64"
    message.attach(body)
    part = MIMEApplication(pdf, "pdf")
    part["Content-Disposition"] = (
        f'attachment; filename="{encoded_word(pdf_name, charset).replace(charset, label)}"'
    )
    message.attach(part)
    return message.as_bytes()


def html_only(html):
    message = MIMEText(html, "html", "utf-8")
    message["From"] = "Embassy <office@embassy.example>"
    message["Subject"] = Header("Re: open letter", "utf-8").encode()
    message["Date"] = "Mon, 13 Jan 2026 10:00:00 +0200"
    return message.as_bytes()
