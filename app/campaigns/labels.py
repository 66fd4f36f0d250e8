"""Words for a campaign's state, in the reader's language."""

from flask_babel import lazy_gettext as _l

from app.campaigns.models import CampaignStatus

STATUS_LABELS = {
    CampaignStatus.ACTIVE: _l("active"),
    CampaignStatus.RESOLVED: _l("resolved"),
    CampaignStatus.ARCHIVED: _l("archived"),
}
