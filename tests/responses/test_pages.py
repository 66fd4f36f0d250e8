"""Staff log responses by hand from any channel, edit and publish them and their files; bad input: nothing."""

import hashlib

import pytest

from app.extensions import db as _db
from tests.deliveries.records_support import image_bytes, pdf_bytes
from tests.factories import LetterFactory, RecipientFactory
from tests.helpers import page_text
from tests.responses.conftest import attachments, deliver, responses, stored_files


def _new_url(letter):
    return f"/staff/letters/{letter.id}/responses/new"


def _fields(recipient, delivery=None, **extra):
    return {
        "recipient_id": str(recipient.id),
        "delivery_id": str(delivery.id) if delivery else "",
        "received_on": "2025-11-20",
        "channel": "post",
        "classification": "substantive",
        "summary_en": "Detainees' relatives are South Korean citizens under the Constitution.",
        "summary_ko": "억류자 가족은 헌법상 대한민국 국민입니다.",
        "text": "Dear coalition, ...",
        "reference": "MOFA-2025-1187",
        **extra,
    }


def test_staff_log_a_letter_by_hand_with_a_pdf_and_see_it_on_its_page_and_the_letters_list(
    app, client, auth, db, post_form, letter, ministry, upload_folder
):
    auth.login("editor")
    pdf = pdf_bytes()
    answer = post_form(
        _new_url(letter), _new_url(letter), _fields(ministry), files={"file": (pdf, "../../etc/회신.pdf")}
    )
    assert answer.status_code == 302
    [response] = responses(db)
    assert (response.channel, response.classification, response.reference) == (
        "post",
        "substantive",
        "MOFA-2025-1187",
    )
    assert response.recipient_id == ministry.id and response.delivery_id is None and not response.is_public
    [attachment] = response.attachments
    assert attachment.filename == "회신.pdf" and attachment.sha256 == hashlib.sha256(pdf).hexdigest()
    assert stored_files(upload_folder) == [attachment.storage_path] and "/" not in attachment.storage_path
    shown = page_text(client.get(answer.headers["Location"]))
    assert "Response from Ministry of Foreign Affairs" in shown and "Substantive answer" in shown
    assert "MOFA-2025-1187" in shown and "South Korean citizens under the Constitution" in shown
    assert attachment.sha256 in shown and "Private: staff only" in shown
    listed = page_text(client.get(f"/staff/letters/{letter.id}/responses"))
    assert "Ministry of Foreign Affairs" in listed and "Letter" in listed and "Substantive answer" in listed
    download = client.get(f"/staff/responses/{response.id}/attachments/{attachment.id}")
    assert download.data == pdf and download.headers["Cache-Control"] == "no-store"


def test_the_delivery_page_offers_a_form_with_its_delivery_and_recipient_and_lists_the_answer(
    client, auth, db, post_form, letter, ministry, delivery
):
    auth.login("editor")
    page = client.get(f"/staff/deliveries/{delivery.id}")
    assert "No response is logged yet." in page_text(page)
    link = f"/staff/letters/{letter.id}/responses/new?delivery_id={delivery.id}"
    assert link in page.get_data(as_text=True).replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    assert (
        f'<option selected value="{delivery.id}">' in form
        and f'<option selected value="{ministry.id}">' in form
    )
    fields = _fields(ministry, delivery, channel="email", classification="acknowledgement")
    assert post_form(link, _new_url(letter), fields).status_code == 302
    [response] = responses(db)
    assert response.delivery_id == delivery.id
    shown = page_text(client.get(f"/staff/deliveries/{delivery.id}"))
    assert "Responses" in shown and "Acknowledgement" in shown and "November 20, 2025" in shown


def test_staff_edit_a_response_and_publish_it_and_each_file_on_its_own(
    app, client, auth, db, post_form, letter, ministry, delivery
):
    auth.login("editor")
    files = {"file": (pdf_bytes(), "reply.pdf")}
    post_form(_new_url(letter), _new_url(letter), _fields(ministry, delivery), files=files)
    [response] = responses(db)
    show = f"/staff/responses/{response.id}"
    assert (
        post_form(show, f"{show}/attachments", {}, files={"file": (image_bytes(), "stamp.png")}).status_code
        == 302
    )
    first, second = attachments(db)
    edited = _fields(
        ministry, delivery, classification="registration", reference="REG-42", summary_en="Registered."
    )
    assert post_form(f"{show}/edit", f"{show}/edit", edited).status_code == 302
    assert post_form(show, f"{show}/publish", {"public": "1"}).status_code == 302
    assert post_form(show, f"{show}/attachments/{second.id}/publish", {"public": "1"}).status_code == 302
    [response] = responses(db)
    assert (response.classification, response.reference, response.is_public) == (
        "registration",
        "REG-42",
        True,
    )
    public = app.test_client()
    assert public.get(f"/responses/{response.id}/files/{second.id}").status_code == 200
    assert public.get(f"/responses/{response.id}/files/{first.id}").status_code == 404  # not published
    assert post_form(show, f"{show}/publish", {"public": "0"}).status_code == 302
    assert public.get(f"/responses/{response.id}/files/{second.id}").status_code == 404  # response private
    assert public.get(show).status_code == 302  # staff pages ask for a login


def test_a_viewer_reads_responses_but_cannot_log_or_publish(client, auth, db, letter, ministry):
    auth.login("viewer")
    assert client.get(f"/staff/letters/{letter.id}/responses").status_code == 200
    assert client.get(_new_url(letter)).status_code == 403


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"received_on": "2999-01-01"}, "received_on", "The date it was received cannot be in the future."),
        ({"received_on": "20 Nov"}, "received_on", "Enter the date it was received, as YYYY-MM-DD."),
        (
            {"summary_en": "", "summary_ko": ""},
            "summary_en",
            "Summarize the response in English or Korean (or both).",
        ),
        ({"channel": "pigeon"}, "channel", "Choose one of:"),
        ({"classification": "shrug"}, "classification", "Choose one of:"),
        ({"recipient_id": ""}, "recipient_id", "Choose the recipient who answered."),
        ({"reference": "x" * 201}, "reference", "At most 200 characters"),
        ({"summary_ko": "<script>x</script>"}, "summary_ko", "HTML is not allowed here."),
    ],
)
def test_a_refused_field_is_named_on_the_form_and_nothing_is_stored(
    client, auth, db, post_form, letter, ministry, upload_folder, change, field, message
):
    auth.login("editor")
    files = {"file": (pdf_bytes(), "reply.pdf")}
    answer = post_form(_new_url(letter), _new_url(letter), _fields(ministry, **change), files=files)
    assert answer.status_code == 422
    assert message in page_text(answer) and "nothing was saved" in page_text(answer)
    assert responses(db) == [] and stored_files(upload_folder) == []


def test_a_delivery_of_another_letter_or_to_another_recipient_is_refused(
    client, auth, db, post_form, letter, ministry, delivery
):
    auth.login("editor")
    other_letter = deliver(LetterFactory(), ministry)
    other_recipient = deliver(letter, RecipientFactory())
    for wrong, message in [
        (other_letter, "This delivery is not one of this letter's."),
        (other_recipient, "This delivery went to another recipient."),
    ]:
        answer = post_form(_new_url(letter), _new_url(letter), _fields(ministry, wrong))
        assert answer.status_code == 422 and message in page_text(answer)
    assert responses(db) == []


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "reply.pdf",
            "Only PDF, JPEG and PNG files are accepted.",
        ),
        (b"PK\x03\x04" + b"\x00" * 64, "reply.docx", "Only PDF, JPEG and PNG files are accepted."),
        (pdf_bytes(javascript="app.alert(1)"), "reply.pdf", "holds scripts or attached files"),
        (pdf_bytes() + b"\x00" * 4096, "big.pdf", "The file is too large (at most 0 MB)."),
    ],
)
def test_an_attachment_of_the_wrong_type_or_too_large_is_refused_and_nothing_is_stored(
    app, client, auth, db, post_form, letter, ministry, upload_folder, monkeypatch, content, name, message
):
    monkeypatch.setitem(app.config, "RESPONSE_ATTACHMENT_MAX_BYTES", 4000)
    auth.login("editor")
    answer = post_form(_new_url(letter), _new_url(letter), _fields(ministry), files={"file": (content, name)})
    assert answer.status_code == 422 and message in page_text(answer)
    assert responses(db) == [] and stored_files(upload_folder) == []


def test_the_korean_page_names_a_refused_field_in_korean(client, auth, db, post_form, letter, ministry):
    auth.login("editor")
    url = _new_url(letter) + "?lang=ko"
    answer = post_form(url, url, _fields(ministry, received_on="2999-01-01"))
    assert answer.status_code == 422
    shown = page_text(answer)
    assert "수신일은 미래일 수 없습니다." in shown and "cannot be in the future" not in shown
    _db.session.rollback()
