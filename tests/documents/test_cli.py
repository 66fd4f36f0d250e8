"""`flask letters render` writes the same signed PDF the pdf queue makes, and records it."""

import io

from pyhanko.pdf_utils.reader import PdfFileReader

from app.documents.verify import verify_pdf
from tests.documents.conftest import documents, pdf_text, xmp_metadata


def test_render_writes_a_signed_pdf_that_verifies_as_authentic(runner, db, letter, tmp_path):
    out = tmp_path / "letter-ko.pdf"
    result = runner.invoke(args=["letters", "render", str(letter.id), "--lang", "ko", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert "1 pages" in result.output and "signed" in result.output
    assert "송환하지 마십시오" in pdf_text(data)
    [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert signature.field_name == "UndersignedSignature"
    assert verify_pdf(data).is_authentic
    [document] = documents(db)
    assert document.sha256 in result.output


def test_render_by_slug_in_pdfa_and_again_from_storage(runner, db, letter, tmp_path):
    reference = f"{letter.campaign.slug}/{letter.slug}"
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    for out in (first, second):
        args = ["letters", "render", reference, "--lang", "both", "--pdfa", "--out", str(out)]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert "pdfaid" in xmp_metadata(first.read_bytes())
    assert len(documents(db)) == 1


def test_render_names_what_is_wrong(runner, letter, tmp_path):
    out = str(tmp_path / "x.pdf")
    assert "No letter 'nope'" in runner.invoke(args=["letters", "render", "nope", "--out", out]).output
    result = runner.invoke(args=["letters", "render", str(letter.id), "--recipient", "999999", "--out", out])
    assert "No recipient 999999" in result.output


def test_documents_list_shows_states(runner, letter, tmp_path):
    runner.invoke(args=["letters", "render", str(letter.id), "--out", str(tmp_path / "a.pdf")])
    result = runner.invoke(args=["documents", "list", str(letter.id)])
    assert "\ten\tstandard\tv1\t1 signatories\tready" in result.output
