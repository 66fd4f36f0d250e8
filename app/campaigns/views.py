"""Public campaign pages and the staff campaign list."""

import sqlalchemy as sa
from flask import abort, render_template

from app.auth.access import staff_required
from app.campaigns import bp
from app.campaigns.models import Campaign, CampaignStatus
from app.core.i18n import current_language
from app.core.sanitizing import render_markdown
from app.extensions import db
from app.letters.models import LetterStatus
from app.signatures.public import public_list

#: Letters the public may read.
PUBLIC_LETTER_STATUSES = (
    LetterStatus.OPEN,
    LetterStatus.CLOSED,
    LetterStatus.DELIVERED,
)


@bp.route("/")
def index():
    campaigns = db.session.scalars(
        sa.select(Campaign).where(Campaign.status != CampaignStatus.ARCHIVED).order_by(Campaign.id.desc())
    ).all()
    return render_template("campaigns/index.html", campaigns=campaigns)


@bp.route("/c/<slug>")
def show(slug):
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    if campaign is None or campaign.status == CampaignStatus.ARCHIVED:
        abort(404)
    lang = current_language()
    letters = []
    for letter in campaign.letters:
        version = letter.current_version
        if letter.status not in PUBLIC_LETTER_STATUSES or version is None:
            continue
        texts = (
            version.texts(lang)
            if version.text("body", lang)
            else version.texts("ko" if lang == "en" else "en")
        )
        letters.append(
            {
                "letter": letter,
                "version": version,
                "texts": texts,
                "body_html": render_markdown(texts["body"]),
                "signatures": public_list(letter, lang),
            }
        )
    return render_template("campaigns/show.html", campaign=campaign, letters=letters)


@bp.route("/staff/")
@staff_required
def staff_index():
    campaigns = db.session.scalars(sa.select(Campaign).order_by(Campaign.id.desc())).all()
    return render_template("campaigns/staff_index.html", campaigns=campaigns)
