"""Account services: create users, check logins with lockout, issue and check API tokens."""

import hashlib
import logging
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.models import ApiToken, Role, User
from app.auth.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from app.core import audit
from app.core.errors import Conflict, DomainError, ValidationError
from app.core.timeutil import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

#: Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = hash_password("not a real password")


class LoginLocked(DomainError):
    code = "locked"
    status = 429


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


def normalize_email(email):
    return (email or "").strip().lower()


def create_user(email, password, role=Role.VIEWER, name=""):
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise ValidationError(_l("Enter a valid email address."), fields={"email": "invalid"})
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            _l("The password must have at least %(n)d characters.", n=MIN_LENGTH),
            fields={"password": "too_short"},
        )
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(
            _l("A user with the email %(email)s already exists.", email=email),
            fields={"email": "taken"},
        )
    user = User(email=email, password_hash=hash_password(password), role=Role(role), name=name)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, role=str(user.role))
    log.info("created user %s with role %s", user.email, user.role)
    return user


def set_password(user, password):
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            _l("The password must have at least %(n)d characters.", n=MIN_LENGTH),
            fields={"password": "too_short"},
        )
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def authenticate(email, password):
    """Return the user for these credentials, or raise LoginFailed / LoginLocked."""
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    now = utcnow()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise LoginFailed(_l("The email or password is not correct."))
    if user.is_locked(now):
        raise LoginLocked(
            _l("Too many failed attempts. This account is locked for a while; try again later.")
        )
    if not verify_password(user.password_hash, password) or not user.is_enabled:
        _count_failure(user, now)
        raise LoginFailed(_l("The email or password is not correct."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("user.login", user, actor=user)
    db.session.flush()
    return user


def _count_failure(user, now):
    user.failed_logins += 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
        user.failed_logins = 0
        audit.record("user.locked", user)
        log.warning("locked user %s after repeated failed logins", user.email)
    db.session.flush()


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user):
    """Create an API token for `user`; the plain token is returned once and never stored."""
    token = "usg_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token), prefix=token[:12]))
    audit.record("token.issue", user)
    db.session.flush()
    return token


def user_for_token(token):
    """The enabled user owning this unrevoked token, or None."""
    row = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.is_enabled:
        return None
    row.last_used_at = utcnow()
    return row.user
