"""Staff decisions that must be refused: approving an unconfirmed sign-on, ids that name nothing."""

import pytest

from app.signatures.models import SignatureStatus
from tests.helpers import page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import link, mails, press_button, public_count, sign, signatures
from tests.signatures.test_staff_moderation import flashes, follow, press, signed, url

S = SignatureStatus
UNCONFIRMED = "The email address of this signature was never confirmed, so it cannot be approved."


def test_a_held_sign_on_whose_email_was_never_confirmed_cannot_be_approved(client, auth, letter):
    ip = "203.0.113.40"
    sign(client, letter, ip=ip, name_en="First Person", email="first@example.org")
    sign(client, letter, ip=ip, name_en="Held Person", email="held@example.org")  # over the limit
    held = signatures(letter)[1]
    assert (held.status, held.confirmed_at) == (S.HELD, None)
    auth.login("editor")

    refused = follow(client, press(client, letter, held, "approved"))

    assert UNCONFIRMED in flashes(refused)
    assert signatures(letter)[1].status == S.HELD
    assert public_count(client, letter) == 0
    [message] = mails(to="held@example.org")
    assert "confirmed" in page_text(press_button(client, link(message, "confirm")))
    approved = follow(client, press(client, letter, held, "approved"))
    assert f"Signature #{held.id} is now: Listed." in flashes(approved)
    assert public_count(client, letter) == 1


def test_a_rejected_sign_on_whose_email_was_never_confirmed_cannot_be_approved(client, auth, letter):
    sign(client, letter, name_en="Never Confirmed", email="never@example.org")
    [pending] = signatures(letter)
    auth.login("editor")
    follow(client, press(client, letter, pending, "rejected", reason="looks like spam"))
    assert signatures(letter)[0].status == S.REJECTED

    refused = follow(client, press(client, letter, pending, "approved"))

    assert UNCONFIRMED in flashes(refused)
    assert signatures(letter)[0].status == S.REJECTED
    assert "Never Confirmed" not in page_text(client.get(f"/c/{letter.campaign.slug}"))


def test_bulk_approval_refuses_an_unconfirmed_sign_on_and_changes_nothing(client, auth, letter):
    confirmed = signed(letter, S.HELD)
    unconfirmed = signed(letter, S.HELD, signature={"confirmed_at": None})
    auth.login("editor")
    action, fields = form_on(client.get(url(letter)), id="bulk")

    page = follow(
        client, client.post(action, data={**fields, "ids": [confirmed.id, unconfirmed.id], "to": "approved"})
    )

    assert f"Signature #{unconfirmed.id}: {UNCONFIRMED} Nothing was changed." in flashes(page)
    assert [s.status for s in signatures(letter)] == [S.HELD, S.HELD]


def test_an_unconfirmed_sign_on_cannot_take_the_standing_of_the_duplicate_merged_into_it(
    client, auth, letter
):
    keep = signed(letter, S.PENDING, name_en="Same Person")
    duplicate = signed(letter, S.APPROVED, name_en="Same Person")
    auth.login("editor")
    action, fields = form_on(
        client.get(url(letter, status="all")), action=url(letter, f"/{duplicate.id}/merge", status="all")
    )

    refused = follow(client, client.post(action, data={**fields, "into": keep.id}))

    message = "The signature to keep was never confirmed by email: merge it into the other one instead."
    assert message in flashes(refused)
    assert [s.status for s in signatures(letter)] == [S.PENDING, S.APPROVED]
    other_way = url(letter, f"/{keep.id}/merge")
    assert client.post(other_way, data={**fields, "into": duplicate.id}).status_code == 302
    assert [s.status for s in signatures(letter)] == [S.MERGED, S.APPROVED]


@pytest.mark.parametrize("into", ["abc", "99999999999", "2147483648", "-1", "0", "1e3", "", "9" * 5000])
def test_a_merge_into_a_number_that_names_no_signature_is_a_clear_4xx(client, auth, letter, into):
    duplicate = signed(letter, S.HELD)
    auth.login("editor")
    action, fields = form_on(
        client.get(url(letter, status="all")), action=url(letter, f"/{duplicate.id}/merge", status="all")
    )

    response = client.post(action, data={**fields, "into": into})

    assert response.status_code == 422
    assert "Enter the number of a signature of this letter to keep." in flashes(response)
    assert signatures(letter)[0].status == S.HELD


@pytest.mark.parametrize("bad", ["abc", "99999999999", "2147483648", "-5", "1.5", "9" * 5000])
def test_bulk_ids_that_are_not_signature_numbers_are_a_clear_4xx(client, auth, letter, bad):
    held = signed(letter, S.HELD)
    auth.login("editor")
    action, fields = form_on(client.get(url(letter)), id="bulk")

    response = client.post(action, data={**fields, "ids": [str(held.id), bad], "to": "approved"})

    assert response.status_code == 422
    assert f"“{bad[:20]}” is not a signature number." in flashes(response)
    assert signatures(letter)[0].status == S.HELD


def test_a_bulk_action_that_is_neither_approve_nor_reject_is_a_clear_4xx(client, auth, letter):
    held = signed(letter, S.HELD)
    auth.login("editor")
    action, fields = form_on(client.get(url(letter)), id="bulk")

    response = client.post(action, data={**fields, "ids": [held.id], "to": "withdrawn"})

    assert response.status_code == 422
    assert "Choose to approve or to reject the ticked signatures." in flashes(response)
    assert signatures(letter)[0].status == S.HELD
