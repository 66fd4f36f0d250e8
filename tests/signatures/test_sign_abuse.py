"""Duplicates, bots and bursts: one person counts once, and the page never says who signed."""

import hashlib
import re
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.signatures import abuse
from app.signatures.models import SignatureStatus
from tests.helpers import page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import (
    followed,
    inputs,
    link,
    mails,
    make_open_letter,
    open_form,
    press_button,
    public_count,
    sign,
    signatures,
)

ALREADY = "You have already signed “An open letter”"
CONFIRM = "Please confirm your signature on “An open letter”"


def confirm_last_mail(client):
    assert "confirmed" in page_text(press_button(client, link(mails()[-1], "confirm")))


def test_the_same_person_signing_twice_counts_once_and_is_told_by_email(client, letter):
    first = sign(client, letter, email="Jane.Doe+x@GMail.com")
    first_page = followed(client, first)
    confirm_last_mail(client)

    second = sign(client, letter, email="janedoe@gmail.com", name_en="J. Doe")

    assert second.headers["Location"] == first.headers["Location"]
    assert followed(client, second) == first_page
    [signature] = signatures(letter)
    assert signature.status == SignatureStatus.CONFIRMED and signature.signatory.name_en == "Jane Doe"
    assert public_count(client, letter) == 1
    [already] = mails(to="janedoe@gmail.com")
    assert already.subject == ALREADY
    assert "has already signed" in already.body_text
    assert link(already, "withdraw") and link(already, "confirm") is None  # the signer's own address


def test_signing_again_before_confirming_sends_a_fresh_confirmation(client, letter):
    first = sign(client, letter, email="jane.doe@gmail.com")
    second = sign(client, letter, email="JaneDoe+petitions@gmail.com")

    assert followed(client, first) == followed(client, second)
    [signature] = signatures(letter)
    assert signature.status == SignatureStatus.PENDING
    assert [m.subject for m in mails(to="jane.doe@gmail.com")] == [CONFIRM, CONFIRM]
    confirm_last_mail(client)
    assert signatures(letter)[0].status == SignatureStatus.CONFIRMED
    assert public_count(client, letter) == 1


@pytest.mark.parametrize(
    ("first", "second", "lang", "subject"),
    [
        (
            {"name_en": "Transitional Justice Working Group (TJWG)"},
            {"name_en": "transitional  justice-working group, TJWG"},
            "en",
            CONFIRM,
        ),
        (
            {"name_en": "Citizens' Alliance for North Korean Human Rights", "name_ko": "북한인권시민연합"},
            {"name_en": "", "name_ko": "북한 인권 시민연합"},
            "ko",
            "“공개 서한”에 대한 서명을 확인해 주세요",
        ),
    ],
    ids=["english-name", "korean-name"],
)
@pytest.mark.parametrize(("display", "confirmed"), [("full", True), ("counted", True), ("counted", False)])
def test_an_organization_name_that_signed_before_is_never_revealed_to_another_address(
    client, auth, letter, first, second, lang, subject, display, confirmed
):
    sign(client, letter, kind="organization", email="office@tjwg.example.org", display=display, **first)
    if confirmed:
        confirm_last_mail(client)
    fresh = sign(
        client, letter, lang=lang, kind="organization", email="new@fresh.example.com", name_en="Fresh"
    )
    counted = public_count(client, letter)

    response = sign(
        client, letter, lang=lang, kind="organization", email="someone@other.example.com", **second
    )

    assert response.headers["Location"] == fresh.headers["Location"]
    [message] = mails(to="someone@other.example.com")
    [ordinary] = mails(to="new@fresh.example.com")
    assert message.subject == ordinary.subject == subject  # the ordinary confirmation, nothing more
    assert "이미" not in message.body_text and "already" not in message.body_text
    # The page is in the language the person signed in.
    confirmed_words = "서명이 확인되었습니다" if lang == "ko" else "confirmed"
    assert confirmed_words in page_text(press_button(client, link(message, "confirm")))
    original, _fresh, possible = signatures(letter)
    assert (possible.status, possible.hold_reason) == (SignatureStatus.HELD, "same_name")
    assert possible.possible_duplicate_of_id == original.id and possible.confirmed_at is not None
    assert public_count(client, letter) == counted

    auth.login("editor")
    listing = page_text(client.get(f"/staff/letters/{letter.id}/signatures"))
    assert f"Same organization name as #{original.id}: merge it into that one, or approve it." in listing
    assert "Possible duplicate: an organization of the same name signed before" in listing
    action, fields = form_on(client.get(f"/staff/letters/{letter.id}/signatures"), class_="merge")
    action = f"/staff/letters/{letter.id}/signatures/{possible.id}/merge"
    assert client.post(action, data={**fields, "into": original.id}).status_code == 302
    assert [s.status for s in signatures(letter)][2] == SignatureStatus.MERGED
    assert public_count(client, letter) == counted


def test_only_an_address_that_signed_is_told_it_signed_already(client, letter):
    sign(client, letter, kind="organization", name_en="NK Watch", email="office@nkwatch.example.org")
    confirm_last_mail(client)

    sign(client, letter, kind="organization", name_en="NK Watch", email="Office@NKWatch.example.org")
    sign(client, letter, kind="organization", name_en="NK Watch", email="intern@nkwatch.example.org")

    later = [(m.to.lower(), m.subject) for m in mails()[1:]]
    assert later == [("office@nkwatch.example.org", ALREADY), ("intern@nkwatch.example.org", CONFIRM)]
    assert len(signatures(letter)) == 2


def test_a_filled_honeypot_is_held_without_email_and_the_page_says_the_same(client, letter):
    human = sign(client, letter, email="person@example.org")
    bot = sign(client, letter, name_en="Buy Now", email="victim@example.org", homepage="https://spam.example")

    assert followed(client, bot) == followed(client, human)
    person, held = signatures(letter)
    assert (held.status, held.hold_reason) == (SignatureStatus.HELD, "honeypot")
    assert mails(to="victim@example.org") == []
    confirm_last_mail(client)
    assert public_count(client, letter) == 1


@pytest.mark.parametrize("trap", ["honeypot", "too_fast"])
def test_a_bot_using_a_signers_address_gets_no_email_sent_to_them(client, app, monkeypatch, letter, trap):
    sign(client, letter, email="jane@example.org")
    confirm_last_mail(client)
    before = len(mails())
    monkeypatch.setitem(app.config, "SIGN_ON_MIN_SECONDS", 3 if trap == "too_fast" else 0)

    response = sign(client, letter, email="jane@example.org", homepage="x" if trap == "honeypot" else "")

    assert response.status_code == 302
    assert len(mails()) == before
    assert len(signatures(letter)) == 1


def test_sending_a_signers_address_again_and_again_mails_them_once(client, letter):
    sign(client, letter, email="jane@example.org")
    confirm_last_mail(client)
    before = len(mails())

    responses = [sign(client, letter, ip="203.0.113.66", email="jane@example.org") for _n in range(5)]

    assert {r.headers["Location"] for r in responses} == {responses[0].headers["Location"]}
    assert [m.subject for m in mails()[before:]] == [ALREADY]  # the others were over the rate limit
    assert len(signatures(letter)) == 1


def test_a_form_sent_too_fast_is_held_without_email(client, app, monkeypatch, letter):
    monkeypatch.setitem(app.config, "SIGN_ON_MIN_SECONDS", 3)

    fast = sign(client, letter, email="fast@example.org")
    forged = sign(client, letter, email="forged@example.org", started="1700000000.0")
    shown_earlier = time.time() - 10
    with monkeypatch.context() as earlier:
        earlier.setattr(abuse, "time", SimpleNamespace(time=lambda: shown_earlier))
        form = inputs(open_form(client, letter))
    human = sign(client, letter, form=form, email="human@example.org")

    assert followed(client, fast) == followed(client, forged) == followed(client, human)
    statuses = [(s.signatory.email, s.status, s.hold_reason) for s in signatures(letter)]
    assert statuses == [
        ("fast@example.org", SignatureStatus.HELD, "too_fast"),
        ("forged@example.org", SignatureStatus.HELD, "too_fast"),
        ("human@example.org", SignatureStatus.PENDING, ""),
    ]
    assert [m.to for m in mails()] == ["human@example.org"]


def test_a_second_sign_on_from_one_address_within_a_minute_is_held(client, letter):
    other_letter = make_open_letter()
    ip = "203.0.113.7"

    responses = [
        sign(client, letter, ip=ip, name_en="First Person", email="first@example.org"),
        sign(client, letter, ip=ip, name_en="Second Person", email="second@example.org"),
        sign(client, letter, ip="203.0.113.8", name_en="Third Person", email="third@example.org"),
        sign(client, other_letter, ip=ip, name_en="Second Person", email="second@example.org"),
    ]

    assert len({followed(client, r) for r in responses[:3]}) == 1
    statuses = [(s.signatory.email, s.status, s.hold_reason) for s in signatures(letter)]
    assert statuses == [
        ("first@example.org", SignatureStatus.PENDING, ""),
        ("second@example.org", SignatureStatus.HELD, "rate_limit"),
        ("third@example.org", SignatureStatus.PENDING, ""),
    ]
    assert signatures(other_letter)[0].status == SignatureStatus.PENDING  # limits are per letter
    # The held signer was told to check their email, so they get it; confirming does not release them.
    for message in mails()[:3]:
        assert "confirmed" in page_text(press_button(client, link(message, "confirm")))
    assert [s.status for s in signatures(letter)] == ["confirmed", "held", "confirmed"]
    assert public_count(client, letter) == 2


def test_a_letters_own_sign_on_limits_are_honoured(client, db):
    letter = make_open_letter(sign_on_limits="3 per 60 seconds")

    for n in range(4):
        sign(client, letter, ip="203.0.113.20", name_en=f"Person {n}", email=f"p{n}@example.org")

    assert [(s.status, s.hold_reason) for s in signatures(letter)] == [
        (SignatureStatus.PENDING, ""),
        (SignatureStatus.PENDING, ""),
        (SignatureStatus.PENDING, ""),
        (SignatureStatus.HELD, "rate_limit"),
    ]


def test_ip_addresses_are_stored_only_as_a_keyed_hash(client, db, letter):
    ip, other_letter = "198.51.100.23", make_open_letter()
    sign(client, letter, ip=ip, email="first@example.org")
    sign(client, other_letter, ip=ip, email="second@example.org")

    [first], [second] = signatures(letter), signatures(other_letter)
    ip_hash = first.ip_hash
    assert ip_hash == second.ip_hash  # the same address compares equal
    assert re.fullmatch(r"[0-9a-f]{64}", ip_hash)
    assert ip_hash != hashlib.sha256(ip.encode()).hexdigest()  # keyed: not a plain digest
    # Nothing stored anywhere holds the address itself.
    for table in db.metadata.sorted_tables:
        values = [str(value) for found in db.session.execute(sa.select(table)) for value in found]
        assert not any(ip in value for value in values), table.name
