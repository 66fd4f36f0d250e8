"""Every model, imported in one place so SQLAlchemy and Alembic see the whole schema."""

from app.auth.models import ApiToken, Membership, Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.core.audit import AuditLog
from app.deliveries.covers import CoverMessage
from app.deliveries.models import (
    Channel,
    Delivery,
    DeliveryBatch,
    DeliveryEvent,
    DeliveryProof,
    DeliveryStatus,
)
from app.deliveries.partner_models import PartnerLink, PartnerReport
from app.documents.models import Document, DocumentLanguage, DocumentStatus, DocumentVariant
from app.inbound.models import InboundMessage, InboundStatus, MailboxState
from app.jobs.models import JobState, StaffJob
from app.letters.models import (
    Letter,
    LetterRecipient,
    LetterRevision,
    LetterStatus,
    LetterVersion,
    LetterVersionRecipient,
)
from app.mail.models import MailStatus, OutboxMessage
from app.recipients.models import Recipient, RecipientKind, RecipientTag
from app.responses.models import Response, ResponseAttachment, ResponseDelivery, StatusEvent, StatusKind
from app.signatures.models import (
    Display,
    Signatory,
    SignatoryKind,
    Signature,
    SignatureStatus,
)

__all__ = [
    "ApiToken",
    "AuditLog",
    "Campaign",
    "CampaignStatus",
    "Channel",
    "CoverMessage",
    "Delivery",
    "DeliveryBatch",
    "DeliveryEvent",
    "DeliveryProof",
    "DeliveryStatus",
    "Display",
    "Document",
    "DocumentLanguage",
    "DocumentStatus",
    "DocumentVariant",
    "InboundMessage",
    "InboundStatus",
    "JobState",
    "Letter",
    "LetterRecipient",
    "LetterRevision",
    "LetterStatus",
    "LetterVersion",
    "LetterVersionRecipient",
    "MailStatus",
    "MailboxState",
    "Membership",
    "OutboxMessage",
    "PartnerLink",
    "PartnerReport",
    "Recipient",
    "RecipientKind",
    "RecipientTag",
    "Response",
    "ResponseAttachment",
    "ResponseDelivery",
    "Role",
    "Signatory",
    "SignatoryKind",
    "Signature",
    "SignatureStatus",
    "StaffJob",
    "StatusEvent",
    "StatusKind",
    "User",
]
