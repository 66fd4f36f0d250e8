"""The letters API: drafting, optimistic locking, the workflow and versions."""

import sqlalchemy as sa

from app.models import AuditLog, Letter, LetterRevision, LetterVersion, SignatureStatus
from tests.factories import CampaignFactory, LetterFactory, RecipientFactory, SignatureFactory

FULL = {
    "title": {"en": "Joint letter", "ko": "공동 서한"},
    "salutation": {"en": "Dear President", "ko": "대통령님께"},
    "body": {"en": "We **urge** you to act.", "ko": "행동을 **촉구**합니다."},
    "closing": {"en": "Sincerely,", "ko": "감사합니다."},
    "template": "formal",
}


def _create(api, campaign=None, **changes):
    campaign = campaign or CampaignFactory()
    response = api.post(f"/campaigns/{campaign.id}/letters", json={**FULL, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _lock_version(api, letter):
    """The lock_version as it is now (each transition saves the letter too)."""
    return api.get(f"/letters/{letter['id']}").get_json()["lock_version"]


def test_created_letter_reads_back_with_both_languages_and_one_revision(api, db):
    recipient = RecipientFactory()
    letter = _create(api, recipient_ids=[recipient.id], letter_date="2025-03-11")
    assert letter["status"] == "draft"
    assert letter["title"] == {"en": "Joint letter", "ko": "공동 서한"}
    assert letter["recipient_ids"] == [recipient.id]
    assert api.get(f"/letters/{letter['id']}").get_json()["body"]["ko"] == "행동을 **촉구**합니다."
    assert db.session.scalar(sa.select(sa.func.count(LetterRevision.id))) == 1


def test_patch_saves_a_revision_and_a_stale_lock_version_is_a_conflict(api, db):
    letter = _create(api)
    saved = api.patch(
        f"/letters/{letter['id']}", json={"body": {"en": "Changed."}, "lock_version": letter["lock_version"]}
    )
    assert saved.status_code == 200
    assert saved.get_json()["body"] == {"en": "Changed.", "ko": "행동을 **촉구**합니다."}
    stale = api.patch(
        f"/letters/{letter['id']}", json={"body": {"en": "Lost?"}, "lock_version": letter["lock_version"]}
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "edit_conflict"
    assert db.session.get(Letter, letter["id"]).body_en == "Changed."
    assert db.session.scalar(sa.select(sa.func.count(LetterRevision.id))) == 2


def test_review_must_be_approved_by_another_editor(api, db):
    letter = _create(api)
    author = api.user
    assert api.post(f"/letters/{letter['id']}/transitions", json={"to": "in_review"}).status_code == 200
    refused = api.post(f"/letters/{letter['id']}/transitions", json={"to": "open"})
    assert refused.status_code == 403
    api.as_role("editor")
    opened = api.post(f"/letters/{letter['id']}/transitions", json={"to": "open"})
    assert opened.status_code == 200
    assert opened.get_json()["status"] == "open"
    versions = api.get(f"/letters/{letter['id']}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1]
    assert versions[0]["body"]["en"] == "We **urge** you to act."
    approval = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "letter.approve"))
    assert approval.actor_id == api.user.id != author.id


def test_admin_may_approve_their_own_letter_and_it_is_audited(api, db):
    api.as_role("admin")
    letter = _create(api)
    api.post(f"/letters/{letter['id']}/transitions", json={"to": "in_review"})
    assert api.post(f"/letters/{letter['id']}/transitions", json={"to": "open"}).status_code == 200
    assert db.session.scalar(sa.select(AuditLog.id).where(AuditLog.action == "letter.approve_alone"))


def test_forbidden_transition_is_refused_with_a_clear_json_error(api, db):
    letter = _create(api)
    response = api.post(f"/letters/{letter['id']}/transitions", json={"to": "delivered"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "transition_refused"
    assert "draft" in error["message"] and "delivered" in error["message"]
    unknown = api.post(f"/letters/{letter['id']}/transitions", json={"to": "flying"})
    assert unknown.status_code == 422 and "to" in unknown.get_json()["error"]["fields"]
    assert db.session.get(Letter, letter["id"]).status == "draft"


def test_opening_needs_both_languages_unless_single_language(api, db):
    letter = _create(api, body={"en": "English only so far."})
    author_token = api.token
    api.post(f"/letters/{letter['id']}/transitions", json={"to": "in_review"})
    api.as_role("editor")
    refused = api.post(f"/letters/{letter['id']}/transitions", json={"to": "open"})
    assert refused.status_code == 409
    assert "body.ko" in refused.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(LetterVersion.id))) == 0
    changes = {"single_language": "en", "lock_version": _lock_version(api, letter)}
    assert api.patch(f"/letters/{letter['id']}", json=changes, token=author_token).status_code == 200
    assert api.post(f"/letters/{letter['id']}/transitions", json={"to": "open"}).status_code == 200


def test_editing_an_open_letter_makes_a_new_version_and_signatures_keep_theirs(api, db):
    api.as_role("admin")
    letter = _create(api)
    api.post(f"/letters/{letter['id']}/transitions", json={"to": "in_review"})
    api.post(f"/letters/{letter['id']}/transitions", json={"to": "open"})
    first = db.session.scalar(sa.select(LetterVersion).where(LetterVersion.letter_id == letter["id"]))
    signature = SignatureFactory(
        letter_id=letter["id"], version_id=first.id, status=SignatureStatus.CONFIRMED
    )
    body = {"en": "We urge you, again.", "ko": "다시 촉구합니다."}
    saved = api.patch(
        f"/letters/{letter['id']}", json={"body": body, "lock_version": _lock_version(api, letter)}
    )
    assert saved.status_code == 200
    versions = api.get(f"/letters/{letter['id']}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1], "a saved change waits for approval"
    approved = api.as_role("editor").post(
        f"/letters/{letter['id']}/approval", json={"lock_version": _lock_version(api, letter)}
    )
    assert approved.status_code == 200, approved.get_json()
    versions = api.get(f"/letters/{letter['id']}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["content_hash"] != versions[1]["content_hash"]
    db.session.expire_all()
    assert signature.version_id == first.id


def test_open_letter_cannot_lose_a_language(api):
    api.as_role("admin")
    letter = _create(api)
    api.post(f"/letters/{letter['id']}/transitions", json={"to": "in_review"})
    api.post(f"/letters/{letter['id']}/transitions", json={"to": "open"})
    response = api.patch(
        f"/letters/{letter['id']}", json={"body": {"ko": ""}, "lock_version": _lock_version(api, letter)}
    )
    assert response.status_code == 422
    assert "body.ko" in response.get_json()["error"]["fields"]


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(api, db):
    campaign = CampaignFactory()
    cases = {
        "body.en": {"body": {"en": "Hello <script>alert(1)</script>"}},
        "body.ko": {"body": {"ko": "![x](http://evil.example/x.png)"}},
        "title.en": {"title": {"en": "x" * 301}},
        "template": {"template": "no-such-design"},
        "salutation.en": {"salutation": {"en": "Dear\x07 sir"}},
        "letter_date": {"letter_date": "11/03/2025"},
        "surprise": {"surprise": 1},
    }
    for field, change in cases.items():
        response = api.post(f"/campaigns/{campaign.id}/letters", json={**FULL, **change})
        assert response.status_code == 422, field
        assert field in response.get_json()["error"]["fields"], field
    empty = api.post(f"/campaigns/{campaign.id}/letters", json={"title": {"en": " ", "ko": "\u200b"}})
    assert "title.en" in empty.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_errors_are_in_korean_for_a_korean_caller(api):
    campaign = CampaignFactory()
    response = api.post(
        f"/campaigns/{campaign.id}/letters",
        json={**FULL, "body": {"en": "<b>bold</b>"}},
        headers={"Accept-Language": "ko"},
    )
    assert "HTML" in response.get_json()["error"]["fields"]["body.en"]
    assert "사용할 수 없습니다" in response.get_json()["error"]["fields"]["body.en"]


def test_unknown_campaign_and_letter_are_404(api):
    assert api.post("/campaigns/999999/letters", json=FULL).status_code == 404
    assert api.get("/letters/999999").status_code == 404


def test_viewer_cannot_change_a_letter(api, db):
    letter = LetterFactory()
    api.as_role("viewer")
    assert api.get(f"/letters/{letter.id}").status_code == 200
    assert api.patch(f"/letters/{letter.id}", json={"body": {"en": "no"}}).status_code == 403
    assert api.post(f"/letters/{letter.id}/transitions", json={"to": "in_review"}).status_code == 403


def test_patch_without_lock_version_is_refused_and_saves_nothing(api, db):
    letter = _create(api)
    response = api.patch(f"/letters/{letter['id']}", json={"body": {"en": "Unlocked change."}})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == {"lock_version"}
    assert "Send the lock_version you read" in error["fields"]["lock_version"]
    db.session.expire_all()
    assert db.session.get(Letter, letter["id"]).body_en == "We **urge** you to act."
    assert db.session.scalar(sa.select(sa.func.count(LetterRevision.id))) == 1
