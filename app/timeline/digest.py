"""The daily digest to staff (admins and editors) of the deliveries whose answer is overdue."""

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.auth.models import Role, User
from app.core.i18n import localized
from app.core.links import public_url
from app.extensions import db
from app.mail.services import queue_mail
from app.timeline.chasers import pending_chasers
from app.timeline.labels import STATE_LABELS, explain_clock, kind_label_text
from app.timeline.overview import overdue_answers


def _staff():
    return db.session.scalars(
        sa.select(User)
        .where(User.is_enabled.is_(True), User.role.in_((Role.ADMIN, Role.EDITOR)))
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
    ids, chasers = [], len(pending_chasers())
    for user in _staff():
        lang = user.locale if user.locale in ("en", "ko") else "en"
        subject, body = digest_text(rows, lang, chasers)
        ids.append(queue_mail(user.email, subject, body).id)
    return ids
