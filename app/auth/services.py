"""Account services: create users, check logins with back-off, end sessions, issue and check API tokens."""

import hashlib
import logging
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth import throttle
from app.auth.models import ApiToken, Role, User
from app.auth.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from app.core import audit
from app.core.errors import Conflict, DomainError, ValidationError
from app.core.timeutil import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

#: Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = hash_password("not a real password")


class LoginThrottled(DomainError):
    code = "login_throttled"
    status = 429

    def __init__(self, seconds):
        super().__init__(
            _l(
                "Too many failed attempts from here. Wait %(seconds)d seconds, then try again.",
                seconds=seconds,
            )
        )
        self.seconds = seconds


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


def normalize_email(email):
    return (email or "").strip().lower()


def create_user(email, password, role=Role.VIEWER, name="", actor=None):
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
    after = {"email": user.email, "role": str(user.role)}
    audit.record("user.create", user, actor=actor, kind="staff", after=after)
    log.info("created user %s with role %s", user.email, user.role)
    return user


def set_account_role(user, role, actor=None):
    """The account's role: admin, or viewer/editor for what belongs to no campaign (flushed)."""
    before, user.role = user.role, Role(role)
    db.session.flush()
    audit.record("user.role", user, actor=actor, before={"role": str(before)}, after={"role": str(user.role)})


def set_enabled(user, enabled, actor=None):
    """Activate or deactivate an account; a deactivated one is logged out and its tokens stop working."""
    before = user.is_enabled
    user.is_enabled = enabled
    if not enabled:
        user.end_sessions()
    db.session.flush()
    audit.record(
        "user.activate" if enabled else "user.deactivate",
        user,
        actor=actor,
        before={"is_enabled": before},
        after={"is_enabled": enabled},
    )


def set_password(user, password):
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            _l("The password must have at least %(n)d characters.", n=MIN_LENGTH),
            fields={"password": "too_short"},
        )
    user.password_hash = hash_password(password)
    user.end_sessions()  # whoever knew the old password is logged out everywhere
    db.session.flush()


def authenticate(email, password, address):
    """Return the user for these credentials, or raise LoginFailed / LoginThrottled.

    A known and an unknown email take the same steps: the same keys are counted, a password hash is
    verified, and the same message is given.
    """
    email = normalize_email(email)
    now = utcnow()
    keys = throttle.throttle_keys(email, address)
    wait = throttle.seconds_to_wait(keys, now)
    if wait:
        raise LoginThrottled(wait)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    matches = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not matches or not user.is_enabled:
        if throttle.record_failure(keys, now) and user is not None:
            audit.record("user.login_backoff", user)
            log.warning("failed logins for user %s: the next attempts from there must wait", user.email)
        db.session.flush()
        raise LoginFailed(_l("The email or password is not correct."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    throttle.forget_account_failures(email, address)
    user.last_login_at = now
    audit.record("user.login", user, actor=user)
    db.session.flush()
    return user


def end_session(user):
    """Logout: the session cookie this user had, and any copy of it, no longer logs anyone in."""
    user.end_sessions()
    audit.record("user.logout", user, actor=user)
    db.session.flush()


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user):
    """Create an API token for `user`; the plain token is returned once and never stored."""
    token = "usg_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token), prefix=token[:12]))
    audit.record("token.issue", user, kind="staff")
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
