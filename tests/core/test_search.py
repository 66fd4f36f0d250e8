"""The staff search box: matches of every kind with their links, and no contact data for viewers."""

from datetime import date

import pytest

from app.responses.models import Response, ResponseChannel
from app.signatures.models import SignatoryKind, SignatureStatus
from tests.factories import RecipientFactory
from tests.helpers import page_text
from tests.signatures.conftest import make_open_letter
from tests.signatures.test_staff_moderation import signed
from tests.timeline.conftest import make_delivery


@pytest.fixture
def world(db):
    """A letter signed by an organization, a recipient with a delivery, and a response."""
    letter = make_open_letter()
    signature = signed(
        letter,
        SignatureStatus.HELD,
        signature={"hold_reason": "rate_limit"},
        kind=SignatoryKind.ORGANIZATION,
        name_en="Transitional Justice Working Group",
        name_ko="전환기정의워킹그룹",
        email="tjwg.secret@example.org",
        contact_name="Hidden Contact",
    )
    recipient = RecipientFactory(
        name_en="Embassy of Ukraine in Seoul",
        name_ko="주한 우크라이나 대사관",
        emails=["emb_kr@mfa.example"],
        contact_name="Consul Kovalenko",
    )
    delivery = make_delivery(letter, recipient, date(2025, 3, 12))
    response = Response(
        letter_id=letter.id,
        recipient_id=recipient.id,
        delivery_id=delivery.id,
        channel=ResponseChannel.EMAIL,
        received_on=date(2025, 11, 20),
        subject="Reply of the Foreign Ministry",
        reference="MOFA-2025-1120",
        sender="desk.officer@mofa.example",
        summary_en="They are considered South Korean citizens under the Constitution.",
    )
    db.session.add(response)
    db.session.commit()
    return {
        "letter": letter,
        "signature": signature,
        "recipient": recipient,
        "delivery": delivery,
        "response": response,
    }


def search(client, q):
    response = client.get("/staff/search", query_string={"q": q})
    assert response.status_code == 200
    return response


def test_matches_are_grouped_by_kind_with_links(client, auth, world):
    auth.login("viewer")

    page = search(client, "ukraine")
    html, text = page.get_data(as_text=True), page_text(page)

    assert "Recipients (1)" in text and "Embassy of Ukraine in Seoul" in text
    assert f'href="/staff/recipients/{world["recipient"].id}"' in html
    assert "Deliveries (1)" in text and f'href="/staff/deliveries/{world["delivery"].id}"' in html
    assert "Signatories (0)" in text and "Responses (0)" in text

    found = search(client, "워킹그룹")
    assert "Signatories (1)" in page_text(found)
    assert "Held for review (Too many sign-ons from one address)" in page_text(found)
    signature = world["signature"]
    assert f'href="/staff/letters/{signature.letter_id}/signatures/{signature.id}"' in found.get_data(
        as_text=True
    )

    answer = search(client, "citizens under the constitution")
    assert "Responses (1)" in page_text(answer) and "Reply of the Foreign Ministry" in page_text(answer)
    assert f'href="/staff/responses/{world["response"].id}"' in answer.get_data(as_text=True)
    assert "Reply of the Foreign Ministry" in page_text(search(client, "MOFA-2025"))


@pytest.mark.parametrize(
    "contact", ["tjwg.secret", "Hidden Contact", "emb_kr@mfa", "Kovalenko", "desk.officer"]
)
def test_a_viewer_finds_nothing_by_contact_data(client, auth, world, contact):
    auth.login("viewer")

    text = page_text(search(client, contact))

    assert "0 matches for" in text


@pytest.mark.parametrize(
    ("contact", "group"),
    [
        ("tjwg.secret", "Signatories (1)"),
        ("Hidden Contact", "Signatories (1)"),
        ("emb_kr@mfa", "Recipients (1)"),
        ("Kovalenko", "Recipients (1)"),
        ("desk.officer", "Responses (1)"),
    ],
)
def test_an_editor_finds_by_contact_data_but_the_results_do_not_show_it(client, auth, world, contact, group):
    auth.login("editor")

    page = search(client, contact)

    text = page_text(page)
    assert group in text
    results = text.split("matches for", 1)[1] if "matches for" in text else text.split("match for", 1)[1]
    for private in (
        "tjwg.secret@example.org",
        "Hidden Contact",
        "emb_kr@mfa.example",
        "Consul",
        "desk.officer@",
    ):
        assert private not in results.split("”", 1)[1], private


def test_a_query_too_short_or_missing_searches_nothing(client, auth, world):
    auth.login("viewer")
    assert "Type at least two characters, or a number." in page_text(search(client, "u"))
    assert "matches for" not in page_text(search(client, ""))
    by_number = page_text(search(client, str(world["delivery"].id)))
    assert "Deliveries (1)" in by_number


def test_search_needs_a_staff_login(client, world):
    response = client.get("/staff/search?q=ukraine")
    assert response.status_code in (302, 401)
    assert "Embassy of Ukraine" not in response.get_data(as_text=True)


def test_a_query_with_like_wildcards_is_taken_literally(client, auth, world):
    auth.login("viewer")
    assert "0 matches for" in page_text(search(client, "%_%"))
