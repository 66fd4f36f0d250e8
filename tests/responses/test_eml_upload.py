"""Staff upload a raw email to log it: Korean mail decoded, its PDF kept by name and hash, and the .eml."""

import hashlib
from datetime import date

from tests.deliveries.records_support import pdf_bytes
from tests.helpers import page_text
from tests.responses.conftest import responses, stored_files
from tests.responses.emails import PDF_NAME, SUBJECT, TEXT, korean_reply


def _upload(post_form, letter, raw, name="reply.eml", **fields):
    data = {
        "recipient_id": "",
        "delivery_id": "",
        "received_on": "",
        "classification": "substantive",
        **fields,
    }
    page = f"/staff/letters/{letter.id}/responses/new"
    return post_form(page, f"/staff/letters/{letter.id}/responses/email", data, files={"file": (raw, name)})


def test_an_euc_kr_email_with_a_korean_named_pdf_is_logged_with_its_text_date_and_both_files(
    client, auth, db, post_form, letter, ministry, delivery, upload_folder
):
    auth.login("editor")
    pdf = pdf_bytes()
    raw = korean_reply(pdf)
    answer = _upload(post_form, letter, raw, recipient_id=str(ministry.id), delivery_id=str(delivery.id))
    assert answer.status_code == 302
    [response] = responses(db)
    assert (response.channel, response.received_on, response.delivery_id) == (
        "email",
        date(2025, 11, 18),
        delivery.id,
    )
    assert response.subject == SUBJECT and response.text == TEXT and response.summary_ko == SUBJECT
    assert response.sender == "외교부 영사과 <consular@mofa.example>"
    kept_pdf, kept_email = response.attachments
    assert (kept_pdf.filename, kept_pdf.content_type) == (PDF_NAME, "application/pdf")
    assert kept_pdf.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (
        kept_email.content_type == "message/rfc822" and kept_email.sha256 == hashlib.sha256(raw).hexdigest()
    )
    assert kept_email.filename == f"{SUBJECT}.eml"
    assert stored_files(upload_folder) == sorted([kept_pdf.storage_path, kept_email.storage_path])
    shown = page_text(client.get(answer.headers["Location"]))
    assert (
        TEXT in shown and PDF_NAME in shown and "the original email" in shown and kept_email.sha256 in shown
    )
    original = client.get(f"/staff/responses/{response.id}/attachments/{kept_email.id}")
    assert original.data == raw


def test_an_attachment_that_fails_the_checks_stays_inside_the_kept_email_and_staff_are_told(
    client, auth, db, post_form, letter, ministry
):
    auth.login("editor")
    raw = korean_reply(b"MZ\x90\x00 not a pdf", pdf_name="../../etc/passwd")
    answer = _upload(post_form, letter, raw, recipient_id=str(ministry.id))
    assert answer.status_code == 302
    [response] = responses(db)
    assert [a.content_type for a in response.attachments] == ["message/rfc822"]
    shown = page_text(client.get(answer.headers["Location"]))
    assert "kept only inside the original email (passwd)" in shown  # named as the mailbox names it
    assert "../" not in shown


def test_a_file_that_is_not_an_email_is_refused_and_nothing_is_stored(
    client, auth, db, post_form, letter, ministry, upload_folder
):
    auth.login("editor")
    answer = _upload(post_form, letter, pdf_bytes(), name="reply.eml", recipient_id=str(ministry.id))
    assert answer.status_code == 422
    assert "This file is not an email. Upload a message saved as .eml." in page_text(answer)
    assert responses(db) == [] and stored_files(upload_folder) == []


def test_an_email_without_its_recipient_or_too_large_is_refused_and_nothing_is_stored(
    app, client, auth, db, post_form, letter, ministry, upload_folder, monkeypatch
):
    auth.login("editor")
    raw = korean_reply(pdf_bytes())
    answer = _upload(post_form, letter, raw)
    assert answer.status_code == 422 and "Choose the recipient who answered." in page_text(answer)
    monkeypatch.setitem(app.config, "RESPONSE_EML_MAX_BYTES", 1000)
    answer = _upload(post_form, letter, raw, recipient_id=str(ministry.id))
    assert answer.status_code == 422 and "The file is too large" in page_text(answer)
    assert responses(db) == [] and stored_files(upload_folder) == []


def test_an_html_only_email_is_shown_as_its_words_never_as_markup(
    client, auth, db, post_form, letter, ministry
):
    from tests.responses.emails import html_only

    auth.login("editor")
    raw = html_only(
        "<p>Thank you for your letter.</p><script>alert('x')</script><img src=x onerror=alert(2)>"
    )
    answer = _upload(post_form, letter, raw, recipient_id=str(ministry.id))
    assert answer.status_code == 302
    [response] = responses(db)
    assert response.text == "Thank you for your letter." and response.summary_en == "Re: open letter"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your letter." in page and "alert" not in page and "onerror" not in page
