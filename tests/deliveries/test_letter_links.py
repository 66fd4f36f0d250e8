"""The letter's staff page leads to its deliveries and, for editors, to its cover message."""

import re

import pytest


def _links(response):
    return set(re.findall(r'href="([^"]+)"', response.get_data(as_text=True)))


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_the_letter_page_links_its_deliveries_and_editors_its_cover_message(client, auth, letter, role):
    auth.login(role)
    page = client.get(f"/staff/letters/{letter.id}")
    assert page.status_code == 200

    links = _links(page)
    deliveries = f"/staff/letters/{letter.id}/deliveries"
    cover = f"/staff/letters/{letter.id}/cover-message"
    assert deliveries in links
    assert client.get(deliveries).status_code == 200
    assert (cover in links) is (role == "editor")
    if role == "editor":
        assert client.get(cover).status_code == 200
