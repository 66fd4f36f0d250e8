"""The interface speaks English and Korean: the user's choice first, then the browser's."""

from tests.helpers import page_text


def test_browser_language_picks_korean(client):
    text = page_text(client.get("/login", headers={"Accept-Language": "ko"}))
    assert "직원 로그인" in text


def test_english_is_the_fallback(client):
    assert "Staff login" in page_text(client.get("/login", headers={"Accept-Language": "fr"}))


def test_chosen_language_wins_over_the_browser_and_is_remembered(client):
    assert "직원 로그인" in page_text(client.get("/login?lang=ko", headers={"Accept-Language": "en"}))
    assert "직원 로그인" in page_text(client.get("/login", headers={"Accept-Language": "en"}))
    assert "Staff login" in page_text(client.get("/login?lang=en", headers={"Accept-Language": "ko"}))


def test_unknown_language_choice_is_ignored(client):
    assert "Staff login" in page_text(client.get("/login?lang=fr", headers={"Accept-Language": "en"}))


def test_language_links_keep_the_page_and_its_query(client):
    html = client.get("/c/some-campaign?x=1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/c/some-campaign?x=1&amp;lang=ko"' in html


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ko"})
    assert response.status_code == 404
    assert "존재하지 않는" in page_text(response)
