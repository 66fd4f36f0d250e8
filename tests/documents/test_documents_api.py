"""The documents API: a letter's PDF (202 while it renders, then 200), a document's state, verify."""

import pytest

from app.documents.services import current_document
from app.documents.tasks import render
from tests.documents.conftest import pdf_text, xmp_metadata
from tests.factories import RecipientFactory


def test_letter_pdf_answers_202_with_location_while_queued_then_200_with_the_pdf(api, db, letter):
    api.as_role("viewer")
    document, _ = current_document(letter, "en")
    db.session.commit()
    pending = api.get(f"/letters/{letter.id}/pdf?lang=en")
    assert pending.status_code == 202
    assert pending.headers["Location"] == f"/api/v1/documents/{document.token}"
    assert pending.headers["Retry-After"] == "5"
    assert pending.get_json()["status"] == "queued"
    polled = api.get(f"/documents/{document.token}")
    assert polled.get_json()["status"] == "queued" and polled.get_json()["pdf_url"] is None

    render(document.id)  # what the pdf worker does

    ready = api.get(f"/documents/{document.token}").get_json()
    assert ready["status"] == "ready" and ready["page_count"] == 1
    assert ready["pdf_url"].endswith(f"/documents/{document.token}.pdf")
    response = api.get(f"/letters/{letter.id}/pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Do not send them back" in pdf_text(response.data)
    assert response.headers["Cache-Control"] == "no-store"  # an answer to a token: no cache keeps it


def test_letter_pdf_for_one_recipient_in_pdfa_renders_inline_in_eager_mode(api, db, letter):
    recipient = RecipientFactory(name_en="Embassy of Ukraine in Seoul", address_en="Itaewon-ro\nSeoul")
    response = api.get(f"/letters/{letter.id}/pdf?lang=en&recipient={recipient.id}&variant=pdfa")
    assert response.status_code == 200
    assert "Embassy of Ukraine in Seoul Itaewon-ro Seoul" in " ".join(pdf_text(response.data).split())
    generic = api.get(f"/letters/{letter.id}/pdf?lang=en")
    assert generic.status_code == 200 and "Itaewon-ro" not in pdf_text(generic.data)  # no address block
    assert 'pdfaid:part="3"' in xmp_metadata(response.data) or "<pdfaid:part>3" in xmp_metadata(response.data)


@pytest.mark.parametrize(
    ("query", "status"),
    [("lang=fr", 422), ("variant=tiff", 422), ("recipient=999999", 422), ("recipient=x", 422)],
)
def test_letter_pdf_refuses_bad_parameters(api, letter, query, status):
    assert api.get(f"/letters/{letter.id}/pdf?{query}").status_code == status


def test_letter_pdf_needs_a_token_and_a_letter(api, letter):
    assert api.get(f"/letters/{letter.id}/pdf", token=None).status_code == 401
    assert api.get("/letters/999999/pdf").status_code == 404
    assert api.get("/documents/nosuchdocumenttoken0000").status_code == 404
