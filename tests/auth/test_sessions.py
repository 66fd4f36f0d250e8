"""A session ends for real: a cookie saved before logout or a new password logs no one in afterwards."""

from app.auth.services import set_password
from tests.helpers import csrf_token


def _saved_session(client):
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, cookie_value):
    """A fresh browser presenting a copy of the cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", cookie_value, domain="localhost")
    return thief.get("/staff/")


def test_a_session_cookie_saved_before_logout_no_longer_works_afterwards(app, client, auth):
    auth.login("editor")
    saved = _saved_session(client)
    assert _replay(app, saved).status_code == 200  # the copy works while the session lives
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    response = _replay(app, saved)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_new_password_ends_every_session_saved_before(app, client, auth, db):
    user = auth.login("admin")
    saved = _saved_session(client)
    set_password(user, "a new and longer password")
    db.session.commit()
    assert _replay(app, saved).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_logging_in_again_after_logout_gives_a_working_session(app, client, auth):
    from tests.factories import PASSWORD
    from tests.helpers import log_in

    user = auth.login("viewer")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert log_in(client, user.email, PASSWORD).status_code == 302
    assert client.get("/staff/").status_code == 200
    assert _replay(app, _saved_session(client)).status_code == 200
