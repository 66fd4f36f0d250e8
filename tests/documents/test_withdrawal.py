"""Documents that list an erased person are withdrawn: never rendered, stored or served again."""

from datetime import timedelta

from app.core.timeutil import utcnow
from app.documents import storage
from app.documents.models import DocumentStatus
from app.documents.services import claim_document, current_document, render_document
from app.documents.snapshot import signatory_snapshot
from app.documents.tasks import render, sweep
from app.signatures.normalize import email_key
from app.signatures.privacy import erase_person, find_signatories
from tests.documents.conftest import documents, pdf_text, sign

ADDRESS = "choi.erased@example.org"


def sign_person(letter):
    return sign(letter, name_en="Choi Erased", name_ko="최지움", email=ADDRESS, email_key=email_key(ADDRESS))


def erase(db):
    erase_person(find_signatories(ADDRESS), None)
    db.session.commit()


def test_a_document_without_the_person_stays_public_and_one_with_them_answers_410(client, db, letter):
    before = client.get(f"/letters/{letter.id}/en.pdf").data
    sign_person(letter)
    assert "Choi Erased" in pdf_text(client.get(f"/letters/{letter.id}/en.pdf").data)
    older, listing = documents(db)

    erase(db)

    assert client.get(f"/documents/{older.token}.pdf").data == before
    assert not storage.has_file(listing.token)
    withdrawn = client.get(f"/documents/{listing.token}.pdf")
    assert withdrawn.status_code == 410
    assert "This document was withdrawn" in withdrawn.get_data(as_text=True)
    current = client.get(f"/letters/{letter.id}/en.pdf")
    assert current.status_code == 200 and current.data == before  # the list is as it was before


def test_a_document_queued_before_the_erasure_is_never_rendered_nor_sent_again(client, db, letter):
    sign_person(letter)
    queued, _created = current_document(letter, "ko")
    db.session.commit()

    erase(db)
    queued.updated_at = utcnow() - timedelta(hours=1)  # long lost by the broker, as far as the sweep knows
    db.session.commit()

    assert sweep() == {"requeued": 0, "failed": 0}
    render(queued.id)
    db.session.expire_all()
    assert queued.status == DocumentStatus.QUEUED and not storage.has_file(queued.token)
    assert client.get(f"/documents/{queued.token}").status_code == 410
    fresh = client.get(f"/letters/{letter.id}/ko.pdf")
    assert fresh.status_code == 200
    assert "최지움" not in pdf_text(fresh.data) and "전환기정의워킹그룹" in pdf_text(fresh.data)


def test_a_render_that_finishes_after_the_erasure_stores_nothing(db, letter):
    sign_person(letter)
    rendering, _created = current_document(letter, "en")
    db.session.commit()
    assert claim_document(rendering.id)
    db.session.commit()

    erase(db)

    assert render_document(rendering) is None
    db.session.commit()
    assert not storage.has_file(rendering.token)
    assert documents(db)[0].status == DocumentStatus.RENDERING
    rendering.started_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert sweep() == {"requeued": 0, "failed": 0}  # nothing failed: it was withdrawn


def test_a_withdrawn_failed_document_cannot_be_rendered_again(runner, db, letter):
    sign_person(letter)
    failed, _created = current_document(letter, "en")
    failed.fail("render_error", "a test")
    db.session.commit()

    erase(db)

    result = runner.invoke(args=["documents", "retry", str(failed.id)])
    assert result.exit_code != 0 and "This document was withdrawn" in result.output


def test_a_document_asked_for_while_the_erasure_ran_is_withdrawn_instead_of_stored(client, db, letter):
    sign_person(letter)
    listing = signatory_snapshot(letter)  # a download read the list just before the erasure committed
    erase(db)
    racing, _created = current_document(letter, "en")
    racing.signatories = listing  # ... and queued its document just after
    db.session.commit()

    render(racing.id)

    db.session.expire_all()
    assert racing.is_withdrawn and not storage.has_file(racing.token)
    assert racing.signatories["signatories"] == []
    assert client.get(f"/documents/{racing.token}").status_code == 410
    fresh = client.get(f"/letters/{letter.id}/en.pdf")
    assert fresh.status_code == 200 and "Choi Erased" not in pdf_text(fresh.data)
