"""Staff accounts and their API tokens."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import TimestampMixin, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


#: What each role may do; a role includes the rights of those below it.
ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: Name shown in the audit log and on revisions.
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    #: argon2 hash of the password.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: The account's role: admin (everything, everywhere), or viewer/editor for what belongs to no
    #: campaign. Rights on a campaign come from a Membership.
    role: Mapped[Role] = enum_column(Role, default=Role.VIEWER)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Preferred UI language; None follows the browser.
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    #: Part of every session's id: raising it (at logout, at a new password) ends every session saved before.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role}>"

    @property
    def is_active(self):
        return self.is_enabled

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def has_role(self, role):
        """The account's role, for what lies outside any campaign (the recipient registry, the
        holding pen, creating campaigns); inside a campaign see app.auth.permissions.can."""
        return ROLE_RANK[self.role] >= ROLE_RANK[Role(role)]

    def campaign_role(self, campaign_id):
        """The role this user holds on one campaign: admin everywhere for admins, else the membership's."""
        if self.is_admin:
            return Role.ADMIN
        for membership in self.memberships:
            if membership.campaign_id == campaign_id:
                return membership.role
        return None

    def get_id(self):
        """What Flask-Login keeps in the session: the id and the session version it was made with."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self):
        """Every session saved so far stops working, wherever its cookie is."""
        self.session_version += 1


#: The roles a membership may give; admin is global only.
CAMPAIGN_ROLES = (Role.VIEWER, Role.EDITOR)


class Membership(db.Model):
    """A staff member's role on one campaign; without one, a non-admin does not see the campaign."""

    __tablename__ = "campaign_members"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: viewer or editor (admins are admins of every campaign through their account's role).
    role: Mapped[Role] = enum_column(Role, name="membership_role")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    campaign = relationship("Campaign")

    def __repr__(self):
        return f"<Membership user={self.user_id} campaign={self.campaign_id} {self.role}>"


class LoginThrottle(db.Model):
    """Failed logins counted by one key: a client address, or an account at a client address."""

    __tablename__ = "login_throttles"

    #: A keyed hash of what is counted; neither the address nor the email can be read back.
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: No attempt counted by this key is considered before then.
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<LoginThrottle {self.key[:8]}… {self.failures} failures>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The token's first characters, so staff can tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self):
        return f"<ApiToken {self.id} {self.prefix}… user={self.user_id}>"
