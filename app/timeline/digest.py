"""The daily digest to staff (admins and editors) of the deliveries whose answer is overdue."""

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.auth.models import Membership, Role, User
from app.auth.permissions import can
from app.core.i18n import localized
from app.core.links import public_url
from app.extensions import db
from app.mail.services import queue_mail
from app.timeline.chasers import pending_chasers
from app.timeline.labels import STATE_LABELS, explain_clock, kind_label_text
from app.timeline.overview import overdue_answers


def _staff():
    """Admins, and the staff who are editors of at least one campaign."""
    editors = sa.select(Membership.user_id).where(Membership.role == Role.EDITOR)
    return db.session.scalars(
        sa.select(User)
        .where(User.is_enabled.is_(True), sa.or_(User.role == Role.ADMIN, User.id.in_(editors)))
        .order_by(User.id)
    ).all()


def digest_text(rows, lang, chasers=0):
    """The digest's subject and plain text in `lang`; `chasers`: how many wait for approval."""
    with force_locale(lang):
        subject = _("Overdue answers: %(num)d deliveries", num=len(rows))
        lines = [_("These deliveries have not been answered in time:"), ""]
        for row in rows:
            delivery, clock = row["delivery"], row["clock"]
            lines.append(
                f"- {delivery.recipient.name(lang)} · {localized(delivery.letter, 'title', lang)}"
                f" · {kind_label_text(STATE_LABELS[clock['state']], lang)}"
            )
            lines.append("  " + _("waited %(num)d working days", num=clock["waited"]))
            lines.append("  " + explain_clock(clock, lang))
            lines.append("  " + public_url("deliveries.show", delivery_id=delivery.id))
        if chasers:
            lines += ["", _("Chasers prepared for your approval: %(num)d", num=chasers)]
        lines += ["", _("All deliveries awaiting an answer:"), public_url("timeline.awaiting")]
    return subject, "\n".join(lines) + "\n"


def queue_overdue_digest(today=None):
    """Queue one digest per staff member when something is overdue; the message ids. Flushes."""
    rows = overdue_answers(today)
    if not rows:
        return []
    ids, chasers = [], pending_chasers()
    for user in _staff():
        theirs = [r for r in rows if can(user, "edit", r["delivery"].letter.campaign_id)]
        if not theirs:
            continue
        lang = user.locale if user.locale in ("en", "ko") else "en"
        waiting = sum(1 for c in chasers if can(user, "edit", c.letter.campaign_id))
        subject, body = digest_text(theirs, lang, waiting)
        ids.append(queue_mail(user.email, subject, body).id)
    return ids
