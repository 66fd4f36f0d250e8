"""Readers of the public campaign page are served the kept page, with ETag, Last-Modified and 304s."""

import time
from email.utils import formatdate

import pytest
from celery import current_app as current_celery

from app import create_app
from app.campaigns.public import forget_letter
from app.core import page_cache
from app.extensions import db as _db
from tests.conftest import REDIS_URL, FreshContextClient
from tests.conftest import test_settings as app_settings
from tests.documents.conftest import sign


def _page(client, letter, **headers):
    return client.get(f"/c/{letter.campaign.slug}", headers={"Accept-Language": "en", **headers})


def test_a_reader_gets_the_kept_page(client, letter, db):
    first = _page(client, letter)
    assert first.status_code == 200 and "Signed Later" not in first.get_data(as_text=True)
    sign(letter, name_en="Signed Later")  # written without telling the page: the kept one is served
    db.session.commit()
    again = _page(client, letter)
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"] and "Age" in again.headers
    assert "public" in again.headers["Cache-Control"] and "max-age=" in again.headers["Cache-Control"]
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in again.headers["Vary"].split(",")}


def test_if_none_match_and_if_modified_since_answer_304_without_a_body(client, letter):
    first = _page(client, letter)
    etag = first.headers["ETag"]
    not_modified = _page(client, letter, **{"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert _page(client, letter, **{"If-None-Match": '"something-else"'}).status_code == 200
    later = formatdate(time.time() + 60, usegmt=True)
    assert _page(client, letter, **{"If-Modified-Since": later}).status_code == 304
    assert _page(client, letter, **{"If-Modified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"}).status_code == 200
    assert _page(client, letter, **{"If-Modified-Since": "not a date"}).status_code == 200
    head = client.head(f"/c/{letter.campaign.slug}", headers={"Accept-Language": "en"})
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag


def test_each_language_is_kept_apart_by_url_and_by_accept_language(client, letter):
    english = _page(client, letter).get_data(as_text=True)
    korean = _page(client, letter, **{"Accept-Language": "ko-KR,ko"}).get_data(as_text=True)
    by_url = client.get(f"/c/{letter.campaign.slug}?lang=ko").get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="ko"' in korean and 'lang="ko"' in by_url
    assert english != korean
    assert 'lang="en"' in _page(client, letter).get_data(as_text=True)  # English still kept as English


def test_a_staff_change_shows_at_once(client, letter, db):
    _page(client, letter)
    sign(letter, name_en="Approved Just Now")
    db.session.commit()
    forget_letter(letter)  # what every staff change to the page calls
    assert "Approved Just Now" in _page(client, letter).get_data(as_text=True)


def test_a_logged_in_reader_is_never_given_the_kept_page(client, auth, letter):
    _page(client, letter)
    auth.login("viewer")
    mine = _page(client, letter)
    assert mine.status_code == 200 and "Age" not in mine.headers
    assert mine.headers["Cache-Control"] == "no-store"
    assert "Log out" in mine.get_data(as_text=True)


@pytest.mark.committed
def test_other_processes_drop_their_pages_within_a_second(database_url, tmp_path, monkeypatch, letter, db):
    """Two app instances (two gunicorn processes) sharing Redis: a change in one reaches the other."""
    db.session.commit()
    settings = app_settings(database_url, CACHE_URL=REDIS_URL, INSTANCE_PATH=str(tmp_path))
    previous = current_celery._get_current_object()
    first, second = create_app(settings), create_app(settings)
    slug = letter.campaign.slug
    try:
        for app in (first, second):
            app.test_client_class = FreshContextClient
            answer = app.test_client().get(f"/c/{slug}?lang=en")
            assert answer.status_code == 200 and "Age" in app.test_client().get(f"/c/{slug}?lang=en").headers
        kept = second.extensions["page_cache"]
        assert len(kept._pages) == 1
        first.extensions["page_cache"].forget()  # a staff change served by the first process
        monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 0)
        again = second.test_client().get(f"/c/{slug}?lang=en")
        assert "Age" not in again.headers  # built again, not the kept page
        assert kept._generation == first.extensions["page_cache"]._generation
    finally:
        for app in (first, second):
            with app.app_context():
                _db.session.remove()
                _db.engine.dispose()
            app.extensions["celery"].close()
        previous.set_current()  # creating an app made its Celery the process-wide one
        previous.set_default()


def test_a_shared_lang_link_is_kept_and_still_remembers_the_readers_choice(app, letter):
    url = f"/c/{letter.campaign.slug}?lang=ko"
    first, second = app.test_client(), app.test_client()
    first.get(url)
    kept = second.get(url)  # a new reader following the same shared link
    assert "Age" in kept.headers and 'lang="ko"' in kept.get_data(as_text=True)
    assert kept.headers["Set-Cookie"].startswith("lang=ko;")
    later = second.get(f"/c/{letter.campaign.slug}", headers={"Accept-Language": "en"})
    assert 'lang="ko"' in later.get_data(as_text=True)  # the choice stays, the browser asks English
    assert "Set-Cookie" not in second.get(url).headers  # the reader has it already
