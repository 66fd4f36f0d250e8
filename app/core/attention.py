"""What waits for a person, counted for the staff navigation and home page, in their campaigns.

Two COUNT queries on indexed columns per page; the overdue answers need a working-day clock per
delivery, so their campaigns are kept in the shared cache for a few minutes.
"""

import sqlalchemy as sa
from flask import g, has_request_context
from flask_login import current_user

from app.core.cache import get_cache
from app.extensions import db

#: How long the navigation may show an overdue count before it is counted again, in seconds.
OVERDUE_TTL = 300
_OVERDUE_KEY = "attention:overdue"


def letters_needing_you():
    """[(letter, n)] of the letters with sign-ons that wait for a person, the most first."""
    from app.letters.models import Letter
    from app.signatures.labels import NEEDS_YOU
    from app.signatures.models import Signature

    count = sa.func.count().label("n")
    rows = db.session.execute(
        sa.select(Signature.letter_id, count)
        .where(Signature.status.in_(NEEDS_YOU), _yours(Signature.letter_id))
        .group_by(Signature.letter_id)
        .order_by(count.desc(), Signature.letter_id)
    ).all()
    letters = {
        letter.id: letter
        for letter in db.session.scalars(sa.select(Letter).where(Letter.id.in_([r[0] for r in rows])))
    }
    return [(letters[letter_id], n) for letter_id, n in rows]


def moderation_count():
    from app.signatures.labels import NEEDS_YOU
    from app.signatures.models import Signature

    query = sa.select(sa.func.count()).where(Signature.status.in_(NEEDS_YOU), _yours(Signature.letter_id))
    return db.session.scalar(query)


def holding_pen_count():
    from app.inbound.models import InboundMessage, InboundStatus

    if not current_user.has_role("editor"):
        return 0  # the holding pen is for editors and admins
    query = sa.select(sa.func.count()).where(InboundMessage.status == InboundStatus.HELD)
    return db.session.scalar(query)


def overdue_count(fresh=False):
    from app.auth.permissions import can
    from app.timeline.overview import overdue_answers

    cache = get_cache()
    campaigns = None if fresh else cache.get(_OVERDUE_KEY)
    if campaigns is None:  # the campaign of each overdue answer
        campaigns = [row["delivery"].letter.campaign_id for row in overdue_answers()]
        cache.set(_OVERDUE_KEY, campaigns, OVERDUE_TTL)
    return sum(1 for campaign_id in campaigns if can(current_user, "view", campaign_id))


def _yours(letter_column):
    """Rows of the letters of the campaigns the person may see."""
    from app.auth.permissions import visible_to
    from app.letters.models import Letter

    return letter_column.in_(sa.select(Letter.id).where(visible_to(current_user, Letter.campaign_id)))


def attention(fresh=False):
    """{"signatures": n, "holding_pen": n, "overdue": n, "total": n}, once per request."""
    if not fresh and "attention" in g:
        return g.attention
    try:
        counts = {
            "signatures": moderation_count(),
            "holding_pen": holding_pen_count(),
            "overdue": overdue_count(fresh),
        }
    except sa.exc.SQLAlchemyError:  # an error page after a failed query still shows its navigation
        counts = dict.fromkeys(("signatures", "holding_pen", "overdue"), 0)
    counts["total"] = sum(counts.values())
    g.attention = counts
    return counts


def register(app):
    @app.context_processor
    def staff_attention():
        """`attention()` in templates: counted only when a staff page's navigation asks for it."""
        # Emails are rendered outside any request, where there is no user.
        if not has_request_context() or not getattr(current_user, "is_authenticated", False):
            return {}
        return {"attention": attention}
