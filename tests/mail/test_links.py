"""Links in emails are on PUBLIC_URL whatever Host a request claimed; production answers only its hosts."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import ConfigError, create_app
from app.core.timeutil import utcnow
from app.extensions import db
from app.signatures.models import Signature
from app.signatures.tasks import remind_unconfirmed
from tests.conftest import REDIS_URL
from tests.mail.conftest import sign_with_host, urls
from tests.signatures.conftest import press_button

PUBLIC = "https://letters.example.org"
SECRET = "0123456789abcdef" * 4


@pytest.fixture
def public_url(app, monkeypatch):
    """The app on PUBLIC_URL, with no SERVER_NAME: as in production, requests bring their own Host."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    return PUBLIC


def test_a_sign_on_with_a_forged_host_mails_links_on_public_url(client, letter, inbox, public_url):
    response = sign_with_host(client, letter, "evil.example", email="jane@example.org")

    assert response.status_code == 302
    [(recipients, message)] = inbox.wait_for(1)
    assert recipients == ["jane@example.org"]
    links = urls(message)
    assert len(links) == 2  # confirm and withdraw
    assert all(link.startswith(f"{PUBLIC}/s/") for link in links), links
    assert "evil.example" not in message.as_string()
    # The link works on the real site.
    confirm = next(link for link in links if "/s/confirm/" in link)
    assert press_button(client, confirm.removeprefix(PUBLIC)).status_code == 200


def test_a_reminder_sent_by_the_worker_links_to_public_url(client, letter, inbox, public_url):
    assert sign_with_host(client, letter, "evil.example", email="late@example.org").status_code == 302
    inbox.wait_for(1)
    db.session.execute(sa.update(Signature).values(created_at=utcnow() - timedelta(days=2)))
    db.session.commit()

    assert remind_unconfirmed() == 1  # a beat task: no request, no Host at all

    [_confirmation, (_recipients, reminder)] = inbox.wait_for(2)
    assert reminder["Subject"].startswith("Reminder:")
    [confirm] = urls(reminder)
    assert confirm.startswith(f"{PUBLIC}/s/confirm/")


@pytest.fixture
def production(monkeypatch, tmp_path, app, database_url):
    """A production app on PUBLIC_URL with one extra allowed host."""
    for name, value in {
        "APP_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": REDIS_URL,
        "PUBLIC_URL": PUBLIC,
        "ALLOWED_HOSTS": "health.internal, 127.0.0.1",
    }.items():
        monkeypatch.setenv(name, value)
    production = create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    try:
        with production.app_context():
            yield production
            production.extensions["sqlalchemy"].engine.dispose()
    finally:
        # Creating an app makes its Celery the current one; give the tasks back the session app's.
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


@pytest.mark.parametrize("path", ["/login", "/api/v1/campaigns"])
def test_production_answers_a_forged_host_with_400(production, path):
    response = production.test_client().get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["letters.example.org", "health.internal", "127.0.0.1:8000"])
def test_production_answers_its_public_host_and_the_allowed_ones(production, host):
    response = production.test_client().get("/login", headers={"Host": host})
    assert response.status_code == 200
    assert "Staff login" in response.get_data(as_text=True)


def test_production_without_public_url_says_which_setting_is_missing(monkeypatch, database_url):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    settings = {"APP_ENV": "production", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url}
    settings["CELERY_BROKER_URL"] = REDIS_URL
    with pytest.raises(ConfigError) as error:
        create_app(settings)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("PUBLIC_URL is not set.") and "https://letters.example.org" in message


def test_a_public_url_that_is_not_a_web_address_is_refused(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "letters.example.org")
    with pytest.raises(ConfigError, match="PUBLIC_URL='letters.example.org' is not a web address"):
        create_app({"APP_ENV": "testing"})


def test_a_public_url_with_a_path_keeps_it_in_every_link(client, letter, inbox, monkeypatch, app):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://example.org/letters")
    monkeypatch.setitem(app.config, "SERVER_NAME", None)

    assert sign_with_host(client, letter, "evil.example", email="path@example.org").status_code == 302

    [(_recipients, message)] = inbox.wait_for(1)
    assert all(link.startswith("https://example.org/letters/s/") for link in urls(message)), urls(message)
