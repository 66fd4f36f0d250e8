"""The right-of-reply link every delivery email carries: signed for its delivery, valid REPLY_LINK_DAYS."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from app.core.errors import DomainError, NotFound
from app.core.links import public_url
from app.core.tokens import check_token, make_token
from app.deliveries.models import Delivery
from app.extensions import db

PURPOSE = "right-of-reply"
#: What every delivery email says before its right-of-reply link.
OFFER = _l(
    "To answer on the record, in your own words and publicly or not as you choose, use this private link:"
)


class ReplyLinkGone(DomainError):
    code = "link_gone"
    status = 410


def reply_url(delivery):
    """The private link on PUBLIC_URL; the token names the delivery by its own random reply token."""
    return public_url("right_of_reply.show", token=make_token(PURPOSE, {"d": delivery.reply_token}))


def _langs(delivery):
    return ("en", "ko") if str(delivery.language) == "both" else (str(delivery.language),)


def with_reply_link(cover, delivery):
    """The cover (subject, text, html) ended with the paragraph offering the link, in its languages."""
    subject, text, html = cover
    url = reply_url(delivery)
    lines = []
    for lang in _langs(delivery):
        with force_locale(lang):
            lines.append(str(OFFER))
    text = f"{text.rstrip()}\n\n" + "\n".join(lines) + f"\n{url}\n"
    shown = "<br>\n".join(str(escape(line)) for line in lines)
    html = f'{html}\n<p class="right-of-reply">{shown}<br>\n<a href="{escape(url)}">{escape(url)}</a></p>'
    return subject, text, html


def read_reply_token(token):
    """The delivery a right-of-reply token names; NotFound when forged, ReplyLinkGone when expired."""
    max_age = current_app.config["REPLY_LINK_DAYS"] * 86400
    data, problem = check_token(PURPOSE, token, max_age)
    if problem == "expired":
        raise ReplyLinkGone(_("This link has expired. Answer by replying to the email instead."))
    reply_token = data.get("d") if isinstance(data, dict) else None
    delivery = None
    if isinstance(reply_token, str):
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.reply_token == reply_token))
    if delivery is None:
        raise NotFound(_("This link is not known. Check that it was copied whole."))
    return delivery
