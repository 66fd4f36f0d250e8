"""`flask users create` and `flask users token`."""

import sqlalchemy as sa

from app.auth.passwords import verify_password
from app.models import ApiToken, Role, User
from tests.factories import UserFactory


def test_create_admin_with_password_from_stdin(runner, db):
    result = runner.invoke(
        args=["users", "create", "Chair@Example.org", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "chair@example.org"))
    assert user.role == Role.ADMIN
    assert user.password_hash.startswith("$argon2")
    assert verify_password(user.password_hash, "a long enough password")


def test_create_with_prompted_password(runner, db):
    result = runner.invoke(
        args=["users", "create", "editor@example.org"], input="prompted password\nprompted password\n"
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User.role).where(User.email == "editor@example.org")) == Role.VIEWER


def test_short_password_and_duplicate_email_are_refused(runner, db):
    short = runner.invoke(args=["users", "create", "a@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    UserFactory(email="taken@example.org")
    again = runner.invoke(
        args=["users", "create", "taken@example.org", "--password-stdin"], input="x" * 12 + "\n"
    )
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_token_is_printed_once_stored_hashed_and_opens_the_api(runner, client, db):
    user = UserFactory(email="robot@example.org", role="viewer")
    result = runner.invoke(args=["users", "token", "robot@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert token not in stored.token_hash
    assert token.startswith(stored.prefix)
    response = client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_token_for_unknown_user_is_refused(runner):
    result = runner.invoke(args=["users", "token", "ghost@example.org"])
    assert result.exit_code == 1
    assert "No user" in result.output
