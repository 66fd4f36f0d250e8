"""The staff moderation page of a letter's signatures, used as editors and viewers use it."""

import re
from datetime import timedelta
from html import unescape

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.core.timeutil import utcnow
from app.signatures import staff_views
from app.signatures.models import SignatoryKind, SignatureSource, SignatureStatus
from app.signatures.normalize import email_key
from tests.factories import SignatoryFactory, SignatureFactory
from tests.helpers import csrf_token, page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import make_open_letter, public_page, signatures

S = SignatureStatus


def signed(letter, status=S.HELD, signature=None, **signatory):
    """A signature of `letter` by a new signatory (email key set as a sign-on sets it), committed.

    Its email is confirmed, unless it is pending or `signature` says otherwise.
    """
    if "email" in signatory:
        signatory["email_key"] = email_key(signatory["email"])
    confirmed = {"confirmed_at": None if status == S.PENDING else utcnow()}
    return SignatureFactory(
        letter_id=letter.id,
        version_id=letter.current_version.id,
        status=status,
        signatory=SignatoryFactory(**signatory),
        **{**confirmed, **(signature or {})},
    )


def url(letter, tail="", **args):
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/staff/letters/{letter.id}/signatures{tail}" + (f"?{query}" if query else "")


def press(client, letter, signature, to, reason=""):
    """Press a row's decision button as shown on the moderation page (rejecting fills in the reason)."""
    page = client.get(url(letter, status="all"))
    action, fields = form_on(page, action=url(letter, f"/{signature.id}/decide", status="all"))
    return client.post(action, data={**fields, "to": to, "reason": reason})


def follow(client, response):
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"])


def flashes(page):
    html = page.get_data(as_text=True)
    return [
        re.sub(r"\s+", " ", m) for m in re.findall(r'<p class="flash (?:error|info)"[^>]*>([^<]*)</p>', html)
    ]


def audit_actions(user):
    """What `user` did to signatures, as the audit log recorded it."""
    from app.extensions import db

    return db.session.scalars(
        sa.select(AuditLog.action)
        .where(AuditLog.actor_id == user.id, AuditLog.action.startswith("signature."))
        .order_by(AuditLog.id)
    ).all()


def test_viewer_sees_every_field_staff_need_and_counts_but_no_buttons(client, auth, letter):
    held = signed(
        letter,
        S.HELD,
        signature={"hold_reason": "rate_limit", "source": SignatureSource.FORM},
        name_en="Kim Jeong-sam",
        name_ko="김정삼",
        line_en="elder brother of a detainee",
        country="KR",
        email="kim@example.org",
    )
    signed(letter, S.APPROVED, signature={"confirmed_at": utcnow()}, kind=SignatoryKind.ORGANIZATION)
    auth.login("viewer")

    page = client.get(url(letter, status="all"))

    assert page.status_code == 200
    text = page_text(page)
    for shown in ("Kim Jeong-sam", "김정삼", "elder brother of a detainee", "KR"):
        assert shown in text
    assert "Too many sign-ons from one address" in text
    assert "Held for review (Too many sign-ons from one address)" in text
    assert "Public form" in text and "Individual" in text and "Organization" in text
    assert "Needs you (1)" in text and "All (2)" in text and "Held for review (1)" in text
    assert "Listed (1)" in text and "Rejected (0)" in text
    assert held.created_at.strftime("%Y-%m-%d %H:%M") in text
    html = page.get_data(as_text=True)
    assert "/decide" not in html and 'id="bulk"' not in html and "/add" not in html
    assert "Export CSV" not in text


def test_viewer_posting_an_action_is_forbidden_and_nothing_changes(client, auth, letter):
    signature = signed(letter, S.HELD)
    auth.login("viewer")
    token = csrf_token(client, url(letter))
    for tail, data in (
        (f"/{signature.id}/decide", {"to": "approved"}),
        (f"/{signature.id}/merge", {"into": signature.id}),
        ("/bulk", {"ids": signature.id, "to": "approved"}),
        ("/positions", {f"position-{signature.id}": "1"}),
        ("/add", {"kind": "individual", "name_en": "X", "consent": "y"}),
        ("/import", {}),
    ):
        response = client.post(url(letter, tail), data={"csrf_token": token, **data})
        assert response.status_code == 403, tail
    assert client.get(url(letter, "/export.csv")).status_code == 403
    assert signatures(letter)[0].status == S.HELD


def test_editors_filter_by_status_search_by_name_or_email_and_page_through(client, auth, letter, monkeypatch):
    signed(letter, S.HELD, name_en="Held Person", email="held@example.org")
    signed(letter, S.APPROVED, name_en="Lee Approved", name_ko="이승인", email="Lee.Approved@Gmail.com")
    signed(letter, S.PENDING, name_en="Park 100%_Pending")
    auth.login("editor")

    held = page_text(client.get(url(letter, status="held")))
    assert "Held Person" in held and "Lee Approved" not in held

    for query in ("이승인", "lee.approved", "leeapproved@gmail.com"):
        found = page_text(client.get(url(letter, q=query)))
        assert "Lee Approved" in found and "Held Person" not in found, query
    assert "Park 100%_Pending" in page_text(client.get(url(letter, q="100%25_")))
    assert "No signatures here." in page_text(client.get(url(letter, q="nobody")))
    assert "Held Person" in page_text(client.get(url(letter, status="bogus")))

    monkeypatch.setattr(staff_views, "PER_PAGE", 2)
    first = client.get(url(letter, status="all"))
    assert "Page 1 of 2" in page_text(first)
    next_page = unescape(re.search(r'rel="next" href="([^"]+)"', first.get_data(as_text=True)).group(1))
    assert len(re.findall(r'<tr id="signature-', client.get(next_page).get_data(as_text=True))) == 1


def test_editor_approves_a_held_signature_and_the_public_list_shows_it(client, auth, letter):
    signature = signed(letter, S.HELD, signature={"hold_reason": "rate_limit"}, name_en="Choi Held")
    assert "Choi Held" not in page_text(public_page(client, letter))
    editor = auth.login("editor")

    page = follow(client, press(client, letter, signature, "approved"))

    assert f"Signature #{signature.id} is now: Listed." in flashes(page)
    assert signatures(letter)[0].status == S.APPROVED
    assert "Choi Held" in page_text(public_page(client, letter))
    assert audit_actions(editor) == ["signature.decide"]


def test_rejecting_needs_a_reason_which_staff_then_see(client, auth, letter):
    signature = signed(letter, S.CONFIRMED, name_en="Spam Bot")
    auth.login("editor")

    refused = follow(client, press(client, letter, signature, "rejected", reason="  "))
    assert "Give a reason for the rejection." in flashes(refused)
    assert signatures(letter)[0].status == S.CONFIRMED

    page = follow(client, press(client, letter, signature, "rejected", reason="Not a real organization"))
    assert signatures(letter)[0].status == S.REJECTED
    assert "Reason: Not a real organization" in page_text(page)


def test_a_forbidden_transition_is_refused_with_a_message_and_nothing_changes(client, auth, letter):
    signature = signed(letter, S.WITHDRAWN)
    auth.login("editor")
    page = client.get(url(letter, status="all"))
    assert f"/signatures/{signature.id}/decide" not in page.get_data(as_text=True)  # no button for it

    token = csrf_token(client, url(letter))
    response = client.post(
        url(letter, f"/{signature.id}/decide", status="withdrawn"),
        data={"csrf_token": token, "to": "approved"},
    )

    assert response.headers["Location"].endswith("?status=withdrawn")
    assert "A signature in “Withdrawn” cannot become “Listed”." in flashes(follow(client, response))
    assert signatures(letter)[0].status == S.WITHDRAWN


def test_staff_withdraw_a_signature_when_the_signer_asks(client, auth, letter):
    signature = signed(letter, S.APPROVED, name_en="Changed Mind")
    auth.login("editor")

    follow(client, press(client, letter, signature, "withdrawn"))

    stored = signatures(letter)[0]
    assert stored.status == S.WITHDRAWN and stored.withdrawn_at is not None
    assert "Changed Mind" not in page_text(public_page(client, letter))


def test_staff_merge_a_duplicate_into_the_signature_that_stays(client, auth, letter):
    keep = signed(letter, S.HELD, name_en="Same Person")
    duplicate = signed(letter, S.APPROVED, signature={"confirmed_at": utcnow()}, name_en="Same Person")
    editor = auth.login("editor")
    page = client.get(url(letter, status="all"))
    action = url(letter, f"/{duplicate.id}/merge", status="all")
    _action, fields = form_on(page, action=action)

    wrong = client.post(action, data={**fields, "into": 999999})
    assert wrong.status_code == 422
    assert "Enter the number of a signature of this letter to keep." in flashes(wrong)

    merged = follow(client, client.post(action, data={**fields, "into": keep.id}))
    assert f"Signature #{duplicate.id} is merged into #{keep.id}." in flashes(merged)
    by_id = {s.id: s for s in signatures(letter)}
    assert by_id[duplicate.id].status == S.MERGED and by_id[duplicate.id].merged_into_id == keep.id
    assert by_id[keep.id].status == S.APPROVED
    assert page_text(public_page(client, letter)).count("Same Person") == 1
    assert audit_actions(editor) == ["signature.merge"]


def test_bulk_approve_and_reject_the_ticked_rows(client, auth, letter):
    first, second, other = (signed(letter, S.HELD) for _ in range(3))
    editor = auth.login("editor")
    page = client.get(url(letter))
    action, fields = form_on(page, id="bulk")

    approved = follow(
        client, client.post(action, data={**fields, "ids": [first.id, second.id], "to": "approved"})
    )
    assert "2 signatures are now: Listed." in flashes(approved)
    assert [s.status for s in signatures(letter)] == [S.APPROVED, S.APPROVED, S.HELD]

    no_reason = follow(client, client.post(action, data={**fields, "ids": [other.id], "to": "rejected"}))
    assert f"Signature #{other.id}: Give a reason for the rejection. Nothing was changed." in flashes(
        no_reason
    )
    rejected = client.post(action, data={**fields, "ids": [other.id], "to": "rejected", "reason": "bot"})
    assert rejected.status_code == 302
    assert [s.status for s in signatures(letter)] == [S.APPROVED, S.APPROVED, S.REJECTED]
    assert audit_actions(editor).count("signature.decide") == 3


def test_a_bulk_action_with_one_refused_row_changes_nothing(client, auth, letter):
    held, withdrawn = signed(letter, S.HELD), signed(letter, S.WITHDRAWN)
    auth.login("editor")
    action, fields = form_on(client.get(url(letter)), id="bulk")

    page = follow(
        client, client.post(action, data={**fields, "ids": [held.id, withdrawn.id], "to": "approved"})
    )

    refusal = f"Signature #{withdrawn.id}: A signature in “Withdrawn” cannot become “Listed”."
    assert refusal in flashes(page)[0]
    assert [s.status for s in signatures(letter)] == [S.HELD, S.WITHDRAWN]


def test_positions_set_the_public_order_with_organizations_always_first(client, auth, letter):
    earlier = utcnow() - timedelta(days=1)
    ada = signed(letter, S.APPROVED, signature={"confirmed_at": earlier}, name_en="Ada First")
    bob = signed(letter, S.APPROVED, signature={"confirmed_at": utcnow()}, name_en="Bob Second")
    org = signed(
        letter,
        S.APPROVED,
        signature={"confirmed_at": utcnow()},
        kind=SignatoryKind.ORGANIZATION,
        name_en="NK Watch",
    )

    def order():
        text = page_text(public_page(client, letter))
        return sorted(("Ada First", "Bob Second", "NK Watch"), key=text.index)

    assert order() == ["NK Watch", "Ada First", "Bob Second"]
    editor = auth.login("editor")
    page = client.get(url(letter, status="all"))
    action, fields = form_on(page, id="positions")

    saved = client.post(
        action,
        data={**fields, f"position-{bob.id}": "1", f"position-{ada.id}": "2", f"position-{org.id}": "9"},
    )

    assert "3 positions saved." in flashes(follow(client, saved))
    assert order() == ["NK Watch", "Bob Second", "Ada First"]
    listed = client.get(url(letter, status="all")).get_data(as_text=True)
    assert f'name="position-{bob.id}" value="1"' in listed
    assert "signature.positions" in audit_actions(editor)

    bad = follow(client, client.post(action, data={**fields, f"position-{ada.id}": "-3"}))
    assert "Positions are whole numbers from 0 to 99999, or empty." in flashes(bad)
    cleared = client.post(action, data={**fields, f"position-{bob.id}": "", f"position-{ada.id}": ""})
    assert cleared.status_code == 302
    assert order() == ["NK Watch", "Ada First", "Bob Second"]


def test_the_letter_editor_and_the_campaign_page_link_to_the_signatures(client, auth, letter):
    auth.login("viewer")
    target = f'href="{url(letter)}"'
    assert target in client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert target in client.get(f"/staff/campaigns/{letter.campaign_id}").get_data(as_text=True)


def test_a_signature_of_another_letter_is_not_found_here(client, auth, letter):
    other = signed(make_open_letter(), S.HELD)
    auth.login("editor")
    token = csrf_token(client, url(letter))
    response = client.post(url(letter, f"/{other.id}/decide"), data={"csrf_token": token, "to": "approved"})
    assert response.status_code == 404
    assert client.get(url(letter).replace(str(letter.id), "999999")).status_code == 404
