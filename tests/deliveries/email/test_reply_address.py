"""Each delivery's reply address leads back to it; a forged or altered one leads nowhere."""

import pytest

from app.deliveries.reply_address import reply_address, token_from_address


@pytest.fixture(autouse=True)
def reply_to(app, monkeypatch):
    monkeypatch.setitem(app.config, "REPLY_TO_ADDRESS", "replies@example.org")


def test_the_reply_address_carries_the_delivery_token_and_is_read_back():
    address = reply_address("4f2a9c")
    assert address.startswith("replies+4f2a9c-") and address.endswith("@example.org")
    assert token_from_address(address) == "4f2a9c"
    assert token_from_address(f"Embassy of Ukraine <{address}>") == "4f2a9c"


def test_a_forged_hmac_is_refused():
    address = reply_address("4f2a9c")
    mac = address.split("-")[-1].split("@")[0]
    forged = address.replace(mac, "0" * len(mac))
    assert token_from_address(forged) is None
    # Another token under the first one's hmac.
    assert token_from_address(address.replace("4f2a9c", "4f2a9d")) is None


def test_addresses_of_another_domain_or_mailbox_or_without_a_tag_are_refused():
    address = reply_address("4f2a9c")
    assert token_from_address(address.replace("@example.org", "@example.net")) is None
    assert token_from_address(address.replace("replies+", "other+")) is None
    assert token_from_address("replies@example.org") is None
    assert token_from_address("") is None
    assert token_from_address("not an address") is None


def test_another_secret_key_makes_another_hmac(app, monkeypatch):
    address = reply_address("4f2a9c")
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret")
    assert token_from_address(address) is None
