"""Failed logins slow down the address they come from, never the account for everyone, and tell nothing."""

import re
import statistics
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditLog
from tests.factories import PASSWORD, UserFactory
from tests.helpers import page_text

ATTACKER, COLLEAGUE = "127.0.0.2", "127.0.0.3"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def attempt(client, email, password, address):
    """One login from `address`, its form fetched first as a browser would."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=environ).get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, environ_base=environ)


def visible(response, email):
    """What the person sees, with the email they typed taken out (and the seconds, which tick)."""
    return re.sub(r"\d+ seconds", "N seconds", page_text(response).replace(email, "EMAIL"))


def test_an_attackers_failures_do_not_keep_a_colleague_out_from_another_address(app):
    user = UserFactory()
    attacker = app.test_client()
    statuses = [attempt(attacker, user.email, f"guess {n}", ATTACKER).status_code for n in range(8)]
    assert statuses[:6] == [422] * 6 and statuses[6:] == [429, 429]
    assert attempt(attacker, user.email, PASSWORD, ATTACKER).status_code == 429  # not even considered
    colleague = app.test_client()
    assert attempt(colleague, user.email, PASSWORD, COLLEAGUE).status_code == 302
    assert colleague.get("/staff/", environ_base={"REMOTE_ADDR": COLLEAGUE}).status_code == 200


def test_the_wait_is_announced_and_doubles_with_each_further_failure(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 1)
    user, client = UserFactory(), app.test_client()
    attempt(client, user.email, "wrong", ATTACKER)
    attempt(client, user.email, "wrong", ATTACKER)  # the first failure past the free one: 1 s
    waiting = attempt(client, user.email, "wrong", ATTACKER)
    assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) >= 1
    assert "Too many failed attempts from here. Wait 1 seconds, then try again." in page_text(waiting)
    time.sleep(1.1)
    assert attempt(client, user.email, "wrong", ATTACKER).status_code == 422
    assert "Wait 2 seconds" in page_text(attempt(client, user.email, PASSWORD, ATTACKER))


def test_failures_on_many_accounts_slow_down_that_address_only(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 3)
    user, attacker = UserFactory(), app.test_client()
    for n in range(4):
        assert attempt(attacker, f"guess{n}@example.org", "wrong", ATTACKER).status_code == 422
    assert attempt(attacker, user.email, PASSWORD, ATTACKER).status_code == 429
    assert attempt(app.test_client(), user.email, PASSWORD, COLLEAGUE).status_code == 302


def test_a_success_forgives_that_accounts_failures_from_that_address(app):
    user, client = UserFactory(), app.test_client()
    for _ in range(4):
        attempt(client, user.email, "wrong", COLLEAGUE)
    assert attempt(client, user.email, PASSWORD, COLLEAGUE).status_code == 302
    client = app.test_client()
    assert [attempt(client, user.email, "wrong", COLLEAGUE).status_code for _ in range(5)] == [422] * 5


def test_unknown_and_known_accounts_get_identical_answers_throughout(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_BACKOFF_START", timedelta(minutes=1))  # no wait ends mid-test
    user = UserFactory()
    unknown = "nobody-here@example.org"
    known_client, unknown_client = app.test_client(), app.test_client()
    for _ in range(8):
        known = attempt(known_client, user.email, "wrong", ATTACKER)
        other = attempt(unknown_client, unknown, "wrong", COLLEAGUE)
        assert known.status_code == other.status_code
        assert visible(known, user.email) == visible(other, unknown)
    assert known.status_code == 429  # the answers were compared while waiting too


def test_unknown_and_known_accounts_take_a_similar_time(app):
    user = UserFactory()

    def timed(email, address):
        client = app.test_client()
        started = time.perf_counter()
        assert attempt(client, email, "wrong", address).status_code == 422
        return time.perf_counter() - started

    known = statistics.median(timed(user.email, f"127.0.1.{n}") for n in range(5))
    unknown = statistics.median(timed(f"nobody{n}@example.org", f"127.0.2.{n}") for n in range(5))
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_staff_can_see_in_the_audit_log_that_an_account_was_slowed_down(app, db):
    user, client = UserFactory(), app.test_client()
    for n in range(6):
        attempt(client, user.email, f"guess {n}", ATTACKER)
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.object_id == user.id)).all()
    assert "user.login_backoff" in actions


@pytest.mark.parametrize("address", ["2001:db8::1", "2001:db8::ffff"])
def test_an_ipv6_client_is_counted_by_its_whole_64_network(app, monkeypatch, address):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 1)
    user, client = UserFactory(), app.test_client()
    attempt(client, user.email, "wrong", "2001:db8::2")
    attempt(client, user.email, "wrong", "2001:db8::3")
    assert attempt(client, user.email, PASSWORD, address).status_code == 429
    assert attempt(app.test_client(), user.email, PASSWORD, "2001:db8:1::1").status_code == 302
