"""What a delivery needs before it is planned: a deliverable letter, its language, an address."""

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.core.errors import Conflict, ValidationError
from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.documents.models import DocumentLanguage
from app.extensions import db
from app.letters.models import LetterStatus

S = DeliveryStatus
#: Letters that may be delivered: signed on, or done with signing.
DELIVERABLE = (LetterStatus.OPEN, LetterStatus.CLOSED, LetterStatus.DELIVERED)
#: A delivery in one of these reached, may reach or may have reached the recipient: a second one
#: to the same recipient is sent only when staff confirm a re-send.
STANDING = (S.PLANNED, S.QUEUED, S.SENDING, S.SENT, S.DELIVERED, S.UNCONFIRMED)


def check_letter(letter):
    if letter.status not in DELIVERABLE or letter.current_version is None:
        raise Conflict(
            _l("Only an open, closed or delivered letter can be delivered."),
            fields={"letter": _l("This letter is not ready to be delivered.")},
            code="letter_not_deliverable",
        )


def check_language(letter, language):
    only = letter.current_version.single_language
    if only is not None and DocumentLanguage(language) != DocumentLanguage(only):
        raise ValidationError(
            _l("This letter exists in one language only: %(lang)s.", lang=str(only)),
            fields={"language": _l("The letter has no text in this language.")},
        )


def _first_email(recipient):
    emails = [e for e in (recipient.emails or []) if isinstance(e, str) and e.strip()]
    if not emails:
        raise ValidationError(
            _l("This recipient has no email address."),
            fields={"channel": _l("Add an email address to the recipient, or choose another channel.")},
        )
    try:
        return validate_email(emails[0].strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError(
            _l("The recipient's email address is not valid."),
            fields={"channel": _l("Correct the recipient's email address first.")},
        ) from None


def _required(value, message, hint):
    if not (value or "").strip():
        raise ValidationError(message, fields={"channel": hint})
    return value.strip()


def check_destination(recipient, channel):
    """Where the delivery goes over `channel` (an email address, a fax number, a portal), or refuse."""
    channel = Channel(channel)
    if channel == Channel.EMAIL:
        return _first_email(recipient)
    if channel == Channel.FAX:
        return _required(
            recipient.fax,
            _l("This recipient has no fax number."),
            _l("Add a fax number, or choose another channel."),
        )
    if channel in (Channel.POST, Channel.COURIER):
        _required(
            recipient.address_en or recipient.address_ko,
            _l("This recipient has no postal address."),
            _l("Add a postal address, or choose another channel."),
        )
        return ""  # the address block is printed on the letter itself
    if channel == Channel.PORTAL:
        return _required(
            recipient.portal_url,
            _l("This recipient has no web portal."),
            _l("Add the portal's address, or choose another channel."),
        )
    return ""  # by hand, or through a partner: staff record where it went


def check_not_reached(letter, recipient):
    """Refuse a second delivery to a recipient this letter is on its way to, or reached."""
    standing = db.session.scalar(
        sa.select(Delivery.status)
        .where(
            Delivery.letter_id == letter.id,
            Delivery.recipient_id == recipient.id,
            Delivery.status.in_(STANDING),
        )
        .limit(1)
    )
    if standing is not None:
        raise Conflict(
            _l(
                "This letter is already planned, on its way or delivered to this recipient. "
                "Confirm a re-send to deliver it again."
            ),
            fields={"resend": _l("Confirm the re-send.")},
            code="already_delivered",
        )
