"""What staff read for each delivery channel and state, in their language."""

from flask_babel import lazy_gettext as _l

from app.deliveries.models import Channel, DeliveryStatus

CHANNEL_LABELS = {
    Channel.EMAIL: _l("Email"),
    Channel.POST: _l("Post"),
    Channel.COURIER: _l("Courier"),
    Channel.FAX: _l("Fax"),
    Channel.HAND: _l("Hand delivery"),
    Channel.PORTAL: _l("Web portal"),
    Channel.PARTNER: _l("Through a partner organization"),
}
DELIVERY_STATUS_LABELS = {
    DeliveryStatus.PLANNED: _l("Planned"),
    DeliveryStatus.QUEUED: _l("Queued"),
    DeliveryStatus.SENDING: _l("Sending"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.FAILED: _l("Failed"),
    DeliveryStatus.BOUNCED: _l("Bounced"),
    DeliveryStatus.CANCELLED: _l("Cancelled"),
    DeliveryStatus.UNCONFIRMED: _l("Unconfirmed: may have arrived"),
}
