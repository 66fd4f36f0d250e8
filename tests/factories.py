"""factory_boy factories bound to the app's session."""

import secrets
from datetime import date

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import event

from app.auth.passwords import hash_password
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import (
    Campaign,
    Channel,
    Delivery,
    DeliveryBatch,
    DeliveryStatus,
    Document,
    DocumentLanguage,
    DocumentStatus,
    InboundMessage,
    InboundStatus,
    Letter,
    LetterStatus,
    Membership,
    OutboxMessage,
    Recipient,
    Response,
    Role,
    Signatory,
    SignatoryKind,
    Signature,
    SignatureStatus,
    StatusEvent,
    StatusKind,
    User,
)
from app.responses.models import ResponseChannel, ResponseClassification
from app.signatures.normalize import stored_name_key

#: Every factory-made staff account has this password.
PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)


#: Ids of the factory-made staff who are members of every campaign made after them too.
_EVERYWHERE = set()


@event.listens_for(Campaign, "after_insert")
def _members_of_every_campaign(mapper, connection, campaign):
    """Tests written before roles per campaign act as staff of every campaign, however it is made
    (a factory, a page, the API, the demo loader), as migration 0025 made existing staff."""
    rows = connection.execute(
        sa.select(User.id, User.role).where(User.id.in_(_EVERYWHERE), User.role != Role.ADMIN)
    ).all()
    for user_id, role in rows:
        connection.execute(
            sa.insert(Membership).values(
                user_id=user_id, campaign_id=campaign.id, role=role, created_at=utcnow()
            )
        )


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    name = factory.Faker("name")
    password_hash = _PASSWORD_HASH
    role = Role.EDITOR

    @factory.post_generation
    def campaigns(user, create, extracted, **kwargs):
        """`campaigns={campaign: "viewer", ...}` gives exactly those roles; by default a viewer or
        editor gets their role on every campaign there is (as migration 0025 did for existing staff)."""
        if not create or user.role == Role.ADMIN:
            return
        if extracted is None:
            extracted = {c: user.role for c in db.session.scalars(sa.select(Campaign)).all()}
            _EVERYWHERE.add(user.id)
        else:
            _EVERYWHERE.discard(user.id)
        for campaign, role in extracted.items():
            user.memberships.append(Membership(campaign_id=campaign.id, role=Role(role)))
        db.session.commit()


class CampaignFactory(Base):
    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title_en = factory.Sequence(lambda n: f"Campaign {n}")
    title_ko = factory.Sequence(lambda n: f"캠페인 {n}")

    @factory.post_generation
    def staff(campaign, create, extracted, **kwargs):
        """`staff={user: "viewer", ...}` gives exactly those roles; by default the staff made by
        UserFactory without `campaigns=` are members already (see _members_of_every_campaign)."""
        if not create or extracted is None:
            return
        db.session.execute(sa.delete(Membership).where(Membership.campaign_id == campaign.id))
        for user, role in extracted.items():
            db.session.add(Membership(user_id=user.id, campaign_id=campaign.id, role=Role(role)))
        db.session.commit()
        db.session.expire_all()


class LetterFactory(Base):
    class Meta:
        model = Letter

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"letter-{n}")
    title_en = "An open letter"
    title_ko = "공개 서한"
    body_en = "We ask you to act."
    body_ko = "행동을 촉구합니다."
    status = LetterStatus.DRAFT


class RecipientFactory(Base):
    class Meta:
        model = Recipient

    name_en = factory.Sequence(lambda n: f"Ministry {n}")
    name_ko = factory.Sequence(lambda n: f"부처 {n}")
    #: As app.recipients.services keeps it, so that a factory-made recipient is found by name.
    name_key = factory.LazyAttribute(lambda o: stored_name_key(o.name_en, o.name_ko))


class SignatoryFactory(Base):
    class Meta:
        model = Signatory

    kind = SignatoryKind.INDIVIDUAL
    name_en = factory.Faker("name")
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    has_consented = True


class SignatureFactory(Base):
    class Meta:
        model = Signature

    signatory = factory.SubFactory(SignatoryFactory)
    status = SignatureStatus.APPROVED


class OutboxMessageFactory(Base):
    class Meta:
        model = OutboxMessage

    sender = "Undersigned <no-reply@undersigned.local>"
    to = factory.Sequence(lambda n: f"reader{n}@example.org")
    subject = "Please confirm your signature"
    body_text = "Thank you for signing."


class DeliveryBatchFactory(Base):
    class Meta:
        model = DeliveryBatch


class DeliveryFactory(Base):
    class Meta:
        model = Delivery

    recipient = factory.SubFactory(RecipientFactory)
    channel = Channel.EMAIL
    status = DeliveryStatus.DELIVERED
    destination = factory.Sequence(lambda n: f"office{n}@ministry.example")
    reply_token = factory.LazyFunction(lambda: secrets.token_hex(16))


class DocumentFactory(Base):
    """A ready document of a letter's current version (its PDF file is the test's to write)."""

    class Meta:
        model = Document

    key = factory.LazyFunction(lambda: secrets.token_hex(32))
    language = DocumentLanguage.EN
    template = "plain"
    template_hash = "0" * 64
    status = DocumentStatus.READY
    sha256 = factory.LazyFunction(lambda: secrets.token_hex(32))


class ResponseFactory(Base):
    class Meta:
        model = Response

    channel = ResponseChannel.EMAIL
    classification = ResponseClassification.SUBSTANTIVE
    received_on = factory.LazyFunction(date.today)
    subject = "Re: An open letter"
    sender = "desk@ministry.example"


class StatusEventFactory(Base):
    class Meta:
        model = StatusEvent

    kind = StatusKind.RECEIVED
    occurred_on = factory.LazyFunction(date.today)
    title_en = "Received"


class InboundMessageFactory(Base):
    class Meta:
        model = InboundMessage

    raw = b"From: desk@ministry.example\r\nSubject: About your letter\r\n\r\nWe will reply.\r\n"
    size = factory.LazyAttribute(lambda o: len(o.raw))
    sha256 = factory.LazyFunction(lambda: secrets.token_hex(32))
    sender = "desk@ministry.example"
    subject = "About your letter"
    status = InboundStatus.HELD
