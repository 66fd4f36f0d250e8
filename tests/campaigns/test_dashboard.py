"""A campaign's staff page as a dashboard, and the staff home page's count of what waits for a person."""

import re
from datetime import timedelta

from app.core.timeutil import utcnow
from app.deliveries.models import DeliveryBatch, DeliveryStatus
from app.extensions import db
from app.inbound.models import InboundMessage, InboundStatus
from app.signatures.models import SignatoryKind, SignatureStatus
from tests.factories import PASSWORD, RecipientFactory
from tests.helpers import log_in, page_text
from tests.signatures.conftest import make_open_letter
from tests.signatures.test_staff_moderation import signed
from tests.timeline.conftest import make_delivery

S = SignatureStatus


def days_ago(n):
    return utcnow() - timedelta(days=n)


def campaign_with_work():
    """An open letter with sign-ons in every state over three days, a late delivery and a held reply."""
    letter = make_open_letter()
    for status, kind, age in (
        (S.HELD, SignatoryKind.INDIVIDUAL, 0),
        (S.HELD, SignatoryKind.ORGANIZATION, 0),
        (S.CONFIRMED, SignatoryKind.INDIVIDUAL, 1),
        (S.APPROVED, SignatoryKind.ORGANIZATION, 2),
        (S.APPROVED, SignatoryKind.INDIVIDUAL, 2),
        (S.APPROVED, SignatoryKind.INDIVIDUAL, 2),
        (S.PENDING, SignatoryKind.INDIVIDUAL, 1),
    ):
        signed(letter, status, signature={"created_at": days_ago(age)}, kind=kind)
    ministry = RecipientFactory(name_en="Ministry of Unification", name_ko="통일부")
    delivery = make_delivery(
        letter, ministry, (utcnow() - timedelta(days=120)).date(), DeliveryStatus.DELIVERED
    )
    batch = DeliveryBatch(letter_id=letter.id, note="First round")
    db.session.add(batch)
    db.session.flush()
    delivery.batch_id = batch.id
    db.session.add(
        InboundMessage(sha256="a" * 64, raw=b"x", size=1, status=InboundStatus.HELD, subject="Re: letter")
    )
    db.session.commit()
    return letter, batch


def test_the_campaign_page_shows_what_waits_for_a_person_with_links_to_it(client, auth):
    letter, _batch = campaign_with_work()
    auth.login("editor")  # the holding pen is for editors

    page = client.get(f"/staff/campaigns/{letter.campaign_id}")

    assert page.status_code == 200
    text = page_text(page)
    html = page.get_data(as_text=True)
    assert "3 sign-ons to moderate" in text and "2 held for review" in text
    assert f'href="/staff/letters/{letter.id}/signatures?status=needs_you"' in html
    assert f'href="/staff/letters/{letter.id}/signatures?status=held"' in html
    assert "1 answer overdue" in text and 'href="/staff/awaiting"' in html
    assert "1 reply in the holding pen" in text and 'href="/staff/inbound"' in html


def test_signatures_by_kind_and_state_and_the_letters_workflow_state(client, auth):
    letter, _batch = campaign_with_work()
    auth.login("viewer")

    html = client.get(f"/staff/campaigns/{letter.campaign_id}").get_data(as_text=True)

    table = re.search(r'<table class="counts">.*?</table>', html, re.S).group(0)
    rows = {
        re.sub(r"<[^>]+>", "", row[0]).strip(): re.findall(r"<td>(\d+)</td>", row[1])
        for row in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    }
    # Columns: organizations, individuals, all.
    assert rows["Listed"] == ["1", "2", "3"]
    assert rows["Held for review"] == ["1", "1", "2"]
    assert rows["Awaiting approval"] == ["0", "1", "1"]
    assert rows["Awaiting email confirmation"] == ["0", "1", "1"]
    assert "Rejected" not in rows  # a state nobody is in stays out of the table
    assert "open for signatures" in page_text(client.get(f"/staff/campaigns/{letter.campaign_id}"))


def test_sign_ons_over_time_are_an_accessible_svg_chart_with_a_table(client, auth):
    letter, _batch = campaign_with_work()
    auth.login("viewer")

    html = client.get(f"/staff/campaigns/{letter.campaign_id}").get_data(as_text=True)

    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and '<title id="chart-title">Sign-ons per day</title>' in svg
    assert "7 sign-ons in all" in svg
    bars = re.findall(r"<rect [^>]*><title>([0-9-]+): (\d+)</title>", svg)
    table = re.search(r'<details class="chart-table">.*?</details>', html, re.S).group(0)
    cells = re.findall(r"<tr><td>([0-9-]+)</td><td>(\d+)</td></tr>", table)
    today = utcnow().date()
    assert cells == [
        ((today - timedelta(days=2)).isoformat(), "3"),
        ((today - timedelta(days=1)).isoformat(), "2"),
        (today.isoformat(), "2"),
    ]
    assert bars == cells


def test_deliveries_by_state_batches_and_answers_awaited(client, auth):
    letter, batch = campaign_with_work()
    auth.login("viewer")

    page = client.get(f"/staff/campaigns/{letter.campaign_id}")

    text = page_text(page)
    assert "Delivered 1" in text
    assert f'href="/staff/delivery-batches/{batch.id}"' in page.get_data(as_text=True)
    assert "First round" in text
    assert "1 delivery awaits an answer; 1 is overdue." in text
    assert "Ministry of Unification" in text


def test_the_staff_home_page_and_navigation_count_what_waits(client, auth):
    letter, _batch = campaign_with_work()
    auth.login("editor")

    page = client.get("/staff/")

    text = page_text(page)
    html = page.get_data(as_text=True)
    assert "3 sign-ons to moderate" in text
    assert f'href="/staff/letters/{letter.id}/signatures?status=needs_you"' in html
    assert "1 reply in the holding pen" in text and "1 answer overdue" in text
    nav = re.search(r'<header class="site">.*?</header>', html, re.S).group(0)
    assert re.search(r'href="/staff/inbound">Holding pen <span class="badge">1</span>', nav)
    assert re.search(r'href="/staff/">Staff <span class="badge"[^>]*>5</span>', nav)


def test_staff_of_another_campaign_are_counted_none_of_its_work(client, make_user):
    campaign_with_work()
    elsewhere = make_open_letter()
    user = make_user(role="editor", campaigns={elsewhere.campaign: "editor"})
    db.session.commit()
    assert log_in(client, user.email, PASSWORD).status_code == 302

    text = page_text(client.get("/staff/"))
    assert "sign-ons to moderate" not in text and "answer overdue" not in text
    # The holding pen is no campaign's: its reply still waits for any editor.
    assert "1 reply in the holding pen" in text


def test_an_empty_campaign_says_nothing_waits(client, auth):
    letter = make_open_letter()
    auth.login("viewer")

    text = page_text(client.get(f"/staff/campaigns/{letter.campaign_id}"))

    assert "Nothing is waiting for you." in text and "No sign-ons yet." in text
    assert "No deliveries planned yet." in text and "No delivery is awaiting an answer." in text
