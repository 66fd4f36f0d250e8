"""The outbox as staff read it: states in their language, the links in a message clickable."""

from tests.factories import OutboxMessageFactory
from tests.helpers import page_text


def test_a_kept_message_is_described_in_korean(client, auth):
    OutboxMessageFactory(status="kept", subject="Confirm", body_text="Hello")
    auth.login("admin")
    text = page_text(client.get("/staff/outbox/?lang=ko"))
    assert "발신함에 보관됨" in text
    assert "kept" not in text.replace("발신함에 보관됨", "")


def test_the_links_in_a_message_are_links_and_its_text_stays_escaped(client, auth):
    body = "Confirm: https://example.org/s/confirm/abc?x=1&y=2\n<script>alert(1)</script>"
    message = OutboxMessageFactory(status="kept", subject="Confirm", body_text=body)
    auth.login("admin")
    html = client.get(f"/staff/outbox/{message.id}").get_data(as_text=True)
    assert '<a href="https://example.org/s/confirm/abc?x=1&amp;y=2"' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
