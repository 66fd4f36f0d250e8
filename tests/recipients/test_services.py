"""The service functions views and the API call: they flush, never commit, and name each bad field."""

import pytest
import sqlalchemy as sa

from app.core.audit import AuditLog
from app.core.errors import ValidationError
from app.models import Recipient, RecipientKind
from app.recipients.services import create_recipient, search_recipients, update_recipient
from tests.recipients.conftest import FULL


def _audit(db, action):
    return db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)).all()


def test_create_takes_lists_as_an_api_sends_them_and_flushes_without_committing(db, make_user):
    editor = make_user(role="editor")
    recipient = create_recipient(
        {
            "name_en": "ICRC",
            "emails": ["Press@ICRC.example", "press@icrc.example"],
            "tags": ["UN", "un", "Geneva"],
        },
        editor,
    )
    assert recipient.id is not None
    assert recipient.emails == ["Press@icrc.example"]  # one address, its domain normalized
    assert recipient.tags == ["Geneva", "UN"]
    assert recipient.kind == RecipientKind.OTHER and recipient.preferred_language == "en"
    assert [entry.actor_id for entry in _audit(db, "recipient.create")] == [editor.id]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recipient)) == 0


def test_wrong_types_and_bad_values_are_reported_per_field(db):
    with pytest.raises(ValidationError) as raised:
        create_recipient(
            {
                "name_en": 12,
                "emails": "a@example.org, nope",
                "tags": [1],
                "country": "Korea",
                "notes": "\x07",
            },
            None,
        )
    fields = {key: str(message) for key, message in raised.value.fields.items()}
    assert fields == {
        "name_en": "Wrong type.",
        "emails": "Not a valid email address: nope",
        "tags": "Wrong type.",
        "country": "Choose a country from the list.",
        "notes": "Remove the control characters from this text.",
    }


def test_update_keeps_the_fields_it_is_not_given_and_logs_only_real_changes(db):
    recipient = create_recipient(FULL, None)
    update_recipient(recipient, {"notes": "Moved to a new building."}, None)
    assert recipient.notes == "Moved to a new building."
    assert recipient.emails == ["consular@embassy.example", "emb_kr@embassy.example"]
    assert [entry.details for entry in _audit(db, "recipient.update")] == [{"fields": ["notes"]}]
    update_recipient(
        recipient, {"notes": "  Moved to a new building.  ", "tags": "Ukraine,delivery in Seoul"}, None
    )
    assert len(_audit(db, "recipient.update")) == 1


def test_update_refuses_a_name_another_recipient_has(db):
    create_recipient({"name_en": "UNHCR", "name_ko": "유엔난민기구"}, None)
    other = create_recipient({"name_en": "ICRC"}, None)
    with pytest.raises(ValidationError) as raised:
        update_recipient(other, {"name_ko": "유엔 난민기구"}, None)
    assert str(raised.value.fields["name_ko"]) == "Another recipient already has this name: UNHCR."


def test_search_pages_by_name_in_the_readers_language(db):
    for n in range(5):
        create_recipient({"name_en": f"Body {n}", "name_ko": f"기관 {4 - n}", "country": "UA"}, None)
    page = search_recipients(q="기관", country="ua", lang="ko", page=2, per_page=2)
    assert page.total == 5 and page.pages == 3
    assert [r.name("ko") for r in page.items] == ["기관 2", "기관 3"]
    assert search_recipients(q="Body", kind="embassy").total == 0
