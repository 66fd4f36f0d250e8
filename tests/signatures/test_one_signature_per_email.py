"""One standing signature per email address and letter, held by PostgreSQL itself."""

import threading
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.signatures.models import SignatureStatus
from app.signatures.normalize import email_key
from tests.factories import SignatoryFactory, SignatureFactory
from tests.letters.pages import form_on
from tests.signatures.conftest import inputs, mails, make_open_letter, open_form, sign, signatures
from tests.signatures.test_staff_moderation import flashes, follow, press

S = SignatureStatus
CONFIRM = "Please confirm your signature on “An open letter”"

_WAITING = sa.text("SELECT count(*) FROM pg_locks WHERE relation = 'signatories'::regclass AND NOT granted")


def _wait_until(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the requests never reached their insert"
        time.sleep(0.02)


@pytest.mark.committed
def test_two_sign_ons_by_one_email_sent_at_the_same_moment_make_one_signature(app, db):
    letter = make_open_letter()
    target = SimpleNamespace(id=letter.id)  # the threads must not touch this session's objects
    clients = [app.test_client(), app.test_client()]
    forms = [inputs(open_form(client, letter)) for client in clients]
    responses = {}

    def send(n):
        email = ("Jane.Doe@example.org", "jane.doe@EXAMPLE.org")[n]
        responses[n] = sign(clients[n], target, form=forms[n], email=email)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    # The lock lets both requests find nobody signed yet, then holds each at its first insert
    # until both are there: two sign-ons that cross, however the scheduler runs them.
    with db.engine.connect() as locker, db.engine.connect() as watcher:
        locker.exec_driver_sql("LOCK TABLE signatories IN EXCLUSIVE MODE")
        for thread in threads:
            thread.start()
        _wait_until(lambda: watcher.scalar(_WAITING) == 2)
        locker.rollback()
    for thread in threads:
        thread.join(timeout=30)

    assert [responses[n].status_code for n in range(2)] == [302, 302]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    [signature] = signatures(letter)
    assert signature.status == S.PENDING and signature.email_key == "jane.doe@example.org"
    # The one that lost the race took the duplicate path: a fresh link to the same signature.
    assert [m.subject for m in mails()] == [CONFIRM, CONFIRM]


def signed(letter, status, email, **fields):
    return SignatureFactory(
        letter_id=letter.id,
        version_id=letter.current_version.id,
        status=status,
        signatory=SignatoryFactory(email=email, email_key=email_key(email)),
        **fields,
    )


def test_a_rejected_signature_cannot_be_approved_while_the_same_email_stands_again(client, auth, db):
    letter = make_open_letter()
    rejected = signed(letter, S.REJECTED, "kim@example.org", confirmed_at=utcnow(), rejection_reason="x")
    signed(letter, S.CONFIRMED, "Kim@Example.org", confirmed_at=utcnow())
    auth.login("editor")

    page = follow(client, press(client, letter, rejected, "approved"))

    message = (
        f"Signature #{rejected.id} cannot stand: the same email address has another standing"
        " signature on this letter. Merge the two instead."
    )
    assert message in flashes(page)
    assert [s.status for s in signatures(letter)] == [S.REJECTED, S.CONFIRMED]


def test_erasing_a_person_erases_the_copy_of_their_email_key_too(client, auth, db):
    letter = make_open_letter()
    signed(letter, S.APPROVED, "jane@example.org", confirmed_at=utcnow())
    assert signatures(letter)[0].email_key == "jane@example.org"
    auth.login("admin")
    lookup_form = form_on(client.get("/staff/privacy"), class_="stacked lookup")
    found = client.post(lookup_form[0], data={**lookup_form[1], "email": "jane@example.org"})
    action, fields = form_on(found, class_="stacked erase")

    assert client.post(action, data={**fields, "confirm": "y"}).status_code == 302

    [signature] = signatures(letter)
    assert signature.status == S.WITHDRAWN and signature.email_key == "" == signature.signatory.email_key
