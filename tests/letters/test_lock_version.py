"""Every save of a letter says which saved text it changes (lock_version); without it, it is refused."""

import re

import pytest
import sqlalchemy as sa

from app.letters.models import Letter, LetterRevision
from app.letters.services import draft_texts
from tests.factories import LetterFactory
from tests.helpers import page_text
from tests.letters.pages import form_on, save, submit

MISSING = "This save does not say which saved text it changes: reload the letter and save again."
NOT_A_NUMBER = "The letter's edit number must be a whole number: reload the letter and save again."


def revisions(db, letter):
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count(LetterRevision.id)).where(LetterRevision.letter_id == letter.id)
    )


def body(db, letter):
    db.session.expire_all()
    return db.session.get(Letter, letter.id).body_en


def assert_refused(db, letter, response, status, message, unchanged):
    """The page answers `status` and says `message`; the body and the number of revisions are as they were."""
    assert response.status_code == status
    assert message in page_text(response)
    assert (body(db, letter), revisions(db, letter)) == unchanged


@pytest.fixture
def letter(db):
    """A draft with its first revision, as the editor leaves a new letter."""
    letter = LetterFactory(body_en="We ask you to act.")
    db.session.add(LetterRevision(letter_id=letter.id, number=1, **draft_texts(letter)))
    db.session.commit()
    return letter


@pytest.mark.parametrize(
    "lock_version, status, message",
    [
        pytest.param("", 422, MISSING, id="empty"),
        pytest.param("abc", 422, NOT_A_NUMBER, id="letters"),
        pytest.param("1.5", 422, NOT_A_NUMBER, id="fraction"),
        pytest.param("9" * 5000, 422, NOT_A_NUMBER, id="too-many-digits"),
        pytest.param("99", 409, "Someone else saved this letter after you opened it.", id="another-number"),
    ],
)
def test_editor_form_without_a_usable_lock_version_is_refused_and_saves_nothing(
    client, auth, db, letter, lock_version, status, message
):
    auth.login("editor")

    response = save(client, letter.id, body_en="Overwritten?", lock_version=lock_version)

    assert_refused(db, letter, response, status, message, unchanged=("We ask you to act.", 1))


def test_editor_form_with_no_lock_version_field_at_all_is_refused(client, auth, db, letter):
    auth.login("editor")
    page = client.get(f"/staff/letters/{letter.id}")
    action, fields = form_on(page, class_="editor")
    del fields["lock_version"]

    response = client.post(action, data={**fields, "body_en": "Overwritten?"})

    assert response.status_code == 422
    assert MISSING in page_text(response)
    assert body(db, letter) == "We ask you to act."


def restore_form(client, letter):
    page = client.get(f"/staff/letters/{letter.id}/revisions")
    assert page.status_code == 200
    return page


@pytest.mark.parametrize(
    "lock_version, status, message",
    [
        pytest.param(None, 422, MISSING, id="missing"),
        pytest.param("", 422, MISSING, id="empty"),
        pytest.param("two", 422, NOT_A_NUMBER, id="letters"),
        pytest.param("99", 409, "Someone else saved this letter after you opened this page", id="stale"),
    ],
)
def test_restore_without_a_usable_lock_version_is_refused_with_a_message(
    client, auth, db, letter, lock_version, status, message
):
    auth.login("editor")
    assert save(client, letter.id, body_en="We ask you to act today.").status_code == 302
    page = restore_form(client, letter)
    action, fields = form_on(page, id="restore-1")
    if lock_version is None:
        del fields["lock_version"]
    else:
        fields["lock_version"] = lock_version

    response = client.post(action, data=fields)

    assert_refused(db, letter, response, status, message, unchanged=("We ask you to act today.", 2))


def test_restore_with_the_pages_lock_version_works(client, auth, db, letter):
    auth.login("editor")
    assert save(client, letter.id, body_en="We ask you to act today.").status_code == 302

    response = submit(client, restore_form(client, letter), {"id": "restore-1"})

    assert response.status_code == 302
    assert body(db, letter) == "We ask you to act."


def test_api_patch_without_lock_version_is_refused_and_names_the_field(api, db, letter):
    response = api.patch(f"/letters/{letter.id}", json={"body": {"en": "Overwritten?"}})

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == {"lock_version"}
    assert "Send the lock_version you read with the letter" in error["fields"]["lock_version"]
    assert body(db, letter) == "We ask you to act."

    current = api.get(f"/letters/{letter.id}").get_json()["lock_version"]
    saved = api.patch(f"/letters/{letter.id}", json={"body": {"en": "Changed."}, "lock_version": current})
    assert saved.status_code == 200
    assert body(db, letter) == "Changed."
    assert re.fullmatch(r"\d+", str(saved.get_json()["lock_version"]))
