"""The public campaign page offers each letter's PDFs and says what each is doing."""

from app.campaigns.public import forget_letter
from app.documents.models import DocumentStatus, FailureReason
from app.documents.services import current_document
from tests.documents.conftest import documents, pdf_text, sign, text_of


def _downloads(client, letter):
    forget_letter(letter)
    html = client.get(f"/c/{letter.campaign.slug}?lang=en").get_data(as_text=True)
    return html[html.index('<section class="downloads">') : html.index("</section>", html.index("downloads"))]


def test_page_links_english_korean_and_bilingual_pdfs_that_download(client, db, letter):
    section = _downloads(client, letter)
    for lang in ("en", "ko", "both"):
        assert f'href="/letters/{letter.id}/{lang}.pdf"' in section
    assert "not rendered yet" in section
    assert client.get(f"/letters/{letter.id}/ko.pdf").status_code == 200
    section = _downloads(client, letter)
    text = text_of(section)
    assert "Korean (PDF) ready" in text and text.count("not rendered yet") == 2
    [ready] = documents(db)
    assert f'href="/documents/{ready.token}.pdf"' in section  # the permanent link, once ready
    assert f'href="/letters/{letter.id}/ko.pdf"' not in section
    assert f'href="/letters/{letter.id}/en.pdf"' in section


def test_a_ready_link_is_the_pdf_of_the_list_the_page_shows(client, db, letter):
    client.get(f"/letters/{letter.id}/en.pdf")
    page = _downloads(client, letter)  # the page's list, cached for a few seconds
    sign(letter, name_en="Signed Since")  # not on the cached page yet
    [shown] = documents(db)
    assert f'href="/documents/{shown.token}.pdf"' in client.get(
        f"/c/{letter.campaign.slug}?lang=en"
    ).get_data(as_text=True)
    assert f'href="/documents/{shown.token}.pdf"' in page
    pdf = client.get(f"/documents/{shown.token}.pdf")
    assert pdf.status_code == 200 and "Signed Since" not in pdf_text(pdf.data)
    assert "Signed Since" in pdf_text(client.get(f"/letters/{letter.id}/en.pdf").data)  # the current list


def test_page_shows_queued_rendering_with_progress_and_failed(client, db, letter):
    queued, _ = current_document(letter, "en")
    rendering, _ = current_document(letter, "ko")
    rendering.status, rendering.progress = DocumentStatus.RENDERING, 40
    failed, _ = current_document(letter, "both")
    failed.fail(FailureReason.TEMPLATE, "UndefinedError: 'x' is undefined")
    db.session.commit()
    section = text_of(_downloads(client, letter))
    assert "English (PDF) queued" in section
    assert "Korean (PDF) rendering, 40% done" in section
    assert "English and Korean (PDF) failed" in section
    assert "UndefinedError" not in section


def test_page_keeps_offering_the_last_ready_pdf_while_a_new_one_renders(client, db, letter):
    client.get(f"/letters/{letter.id}/en.pdf")
    [old] = documents(db)
    sign(letter, name_en="A New Signer")
    current, _ = current_document(letter, "en")
    db.session.commit()
    section = _downloads(client, letter)
    assert f'href="/documents/{old.token}.pdf"' in section
    assert "last issued PDF" in section
    state = client.get(f"/letters/{letter.id}/en.pdf")
    assert state.status_code == 202
    assert f"/documents/{old.token}.pdf" in state.get_data(as_text=True)
    assert current.status == DocumentStatus.QUEUED
