"""The recipient's right-of-reply page, reached by the link in its delivery email: GET only shows."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.campaigns.public import forget_letter
from app.core.errors import DomainError
from app.core.i18n import page_language
from app.deliveries.reply_link import read_reply_token
from app.extensions import db, limiter
from app.responses.attachments import check_attachment
from app.responses.models import Response, ResponseSource
from app.responses.reply_forms import ReplyForm
from app.responses.right_of_reply import post_reply
from app.timeline.feed import forget_feed

bp = Blueprint("right_of_reply", __name__, url_prefix="/reply")


def _posted(delivery):
    return db.session.scalars(
        sa.select(Response)
        .where(Response.delivery_id == delivery.id, Response.source == ResponseSource.RECIPIENT)
        .order_by(Response.id)
    ).all()


def _page(token, delivery, lang, form, error=None, status=200):
    with force_locale(lang):
        page = render_template(
            "responses/reply.html",
            token=token,
            delivery=delivery,
            posted=_posted(delivery),
            form=form,
            error=error,
            lang=lang,
        )
    return page, status


def _files(form):
    limit = current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"]
    uploads = [f for f in form.files.data or [] if getattr(f, "filename", "")]
    return [check_attachment(f.stream.read(limit + 1), f.filename, field="files") for f in uploads]


@bp.get("/<token>")
def show(token):
    delivery = read_reply_token(token)
    return _page(token, delivery, page_language(delivery.language), ReplyForm(formdata=None))


@bp.post("/<token>")
@limiter.limit("20 per hour")
def post(token):
    delivery = read_reply_token(token)
    lang = page_language(delivery.language)
    form = ReplyForm()
    with force_locale(lang):
        try:
            data = {
                key: form[key].data for key in ("text", "responder_name", "responder_title", "visibility")
            }
            post_reply(delivery, data, files=_files(form), lang=lang)
        except DomainError as error:
            db.session.rollback()
            delivery = read_reply_token(token)
            for key, message in error.fields.items():
                if key in form:
                    form[key].errors = [*form[key].errors, str(message)]
            return _page(token, delivery, lang, form, str(error.message), error.status)
        letter = delivery.letter
        db.session.commit()
        forget_letter(letter)
        forget_feed(letter.campaign)
        flash(_("Thank you. Your response is on the record."), "info")
    return redirect(url_for(".show", token=token, lang=lang))
