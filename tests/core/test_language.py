"""The interface speaks English and Korean: the user's choice first, then the browser's."""

from tests.helpers import csrf_token, page_text


def test_browser_language_picks_korean(client):
    text = page_text(client.get("/login", headers={"Accept-Language": "ko"}))
    assert "직원 로그인" in text


def test_english_is_the_fallback(client):
    assert "Staff login" in page_text(client.get("/login", headers={"Accept-Language": "fr"}))


def test_chosen_language_wins_over_the_browser(client):
    token = csrf_token(client, "/login")
    response = client.post("/language/ko", data={"csrf_token": token, "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "직원 로그인" in page_text(client.get("/login", headers={"Accept-Language": "en"}))


def test_language_switch_needs_csrf_and_a_known_language(client):
    assert client.post("/language/ko").status_code == 400
    token = csrf_token(client, "/login")
    assert client.post("/language/fr", data={"csrf_token": token}).status_code == 404


def test_language_switch_never_redirects_off_site(client):
    token = csrf_token(client, "/login")
    response = client.post("/language/en", data={"csrf_token": token, "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ko"})
    assert response.status_code == 404
    assert "존재하지 않는" in page_text(response)
