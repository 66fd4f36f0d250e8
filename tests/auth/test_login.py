"""Staff login: passwords, CSRF, logout and access to staff pages."""

from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, log_in, page_text


def test_staff_member_logs_in_and_sees_the_staff_pages(client):
    user = UserFactory(role="editor")
    response = log_in(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/")
    assert "Campaigns" in page_text(client.get("/staff/"))


def test_wrong_password_shows_one_message_for_wrong_email_and_wrong_password(client):
    user = UserFactory()
    wrong_password = log_in(client, user.email, "not the password")
    unknown_email = log_in(client, "nobody@example.org", PASSWORD)
    for response in (wrong_password, unknown_email):
        assert response.status_code == 422
        assert "The email or password is not correct." in page_text(response)
    assert client.get("/staff/").status_code == 302


def test_login_without_csrf_token_is_refused(client):
    user = UserFactory()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in page_text(response)
    assert client.get("/staff/").status_code == 302


def test_disabled_account_cannot_log_in(client):
    user = UserFactory(is_enabled=False)
    assert log_in(client, user.email, PASSWORD).status_code == 422


def test_logout_needs_a_post_with_csrf_and_ends_the_session(client, auth):
    auth.login("viewer")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = csrf_token(client, "/staff/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_login_redirects_only_to_local_pages(client):
    user = UserFactory()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/staff/")


def test_anonymous_visitor_is_sent_to_login_from_staff_pages(client):
    response = client.get("/staff/outbox/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_outbox_is_for_admins_only(client, auth):
    auth.login("editor")
    assert client.get("/staff/outbox/").status_code == 403


def test_session_cookie_is_http_only_and_same_site(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_attempts_from_one_address_are_rate_limited(client):
    token = csrf_token(client, "/login")
    statuses = [
        client.post(
            "/login", data={"email": f"x{n}@example.org", "password": "x", "csrf_token": token}
        ).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [422] * 20
    assert statuses[20] == 429
