"""Staff pages for responses: a letter's list, log by hand or from an email, a response, its files."""

import io

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import campaign_access
from app.auth.permissions import can
from app.campaigns.public import forget_letter
from app.core.errors import ValidationError
from app.core.i18n import current_language
from app.deliveries.models import Delivery
from app.extensions import db
from app.letters.models import Letter
from app.recipients.models import Recipient
from app.responses.attachments import attachment_file, check_attachment
from app.responses.display import (
    delivery_replies,
    letter_responses,
    public_attachment,
    response_numbers,
    responses_to,
)
from app.responses.forms import AttachmentForm, EmailForm, LinkForm, PublishForm, ResponseForm
from app.responses.labels import CHANNEL_LABELS, CLASSIFICATION_LABELS
from app.responses.link_views import candidate_deliveries
from app.responses.linking import deliveries_answered
from app.responses.models import Response, ResponseAttachment
from app.responses.services import (
    add_attachment,
    edit_response,
    log_email,
    log_response,
    publish_attachment,
    publish_response,
)

bp = Blueprint("responses", __name__)

LABELS = {"channel": CHANNEL_LABELS, "classification": CLASSIFICATION_LABELS}


@bp.app_context_processor
def _delivery_helpers():
    return {
        "delivery_responses": responses_to,
        "delivery_replies": delivery_replies,
        "response_labels": LABELS,
    }


def _fill(form, letter):
    column = Recipient.name_ko if current_language() == "ko" else Recipient.name_en
    recipients = db.session.scalars(sa.select(Recipient).order_by(column, Recipient.id)).all()
    deliveries = db.session.scalars(
        sa.select(Delivery).where(Delivery.letter_id == letter.id).order_by(Delivery.id)
    ).all()
    form.fill_choices(recipients, deliveries, current_language())
    return form


def _show_errors(form, error):
    db.session.rollback()
    form.form_errors.append(str(error.message))
    for key, message in error.fields.items():
        if key in form and key != "csrf_token":
            form[key].errors = [*form[key].errors, str(message)]


def _read(upload, limit):
    if not upload or not getattr(upload, "filename", ""):
        return None
    return upload.stream.read(limit + 1)


@bp.get("/staff/letters/<int:letter_id>/responses")
@campaign_access("viewer")
def index(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    return render_template(
        "responses/index.html", letter=letter, responses=letter_responses(letter), labels=LABELS
    )


def _new_page(letter, form, email_form, status=200):
    page = render_template(
        "responses/new.html", letter=letter, form=form, email_form=email_form, labels=LABELS
    )
    return page, status


@bp.route("/staff/letters/<int:letter_id>/responses/new", methods=["GET", "POST"])
@campaign_access("editor")
def new(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form, email_form = _fill(ResponseForm(), letter), _fill(EmailForm(formdata=None), letter)
    if request.method == "GET":
        delivery = db.session.get(Delivery, request.args.get("delivery_id", type=int) or 0)
        if delivery is not None and delivery.letter_id == letter.id:
            form.delivery_id.data, form.recipient_id.data = str(delivery.id), str(delivery.recipient_id)
            email_form.delivery_id.data, email_form.recipient_id.data = (
                form.delivery_id.data,
                form.recipient_id.data,
            )
        return _new_page(letter, form, email_form)
    if not form.validate_on_submit():
        return _new_page(letter, form, email_form, 400)
    try:
        raw = _read(form.file.data, current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"])
        files = [check_attachment(raw, form.file.data.filename)] if raw is not None else []
        response = log_response(letter, form.service_data(), current_user, files=files)
    except ValidationError as error:
        _show_errors(form, error)
        return _new_page(letter, form, email_form, 422)
    db.session.commit()
    flash(_("The response is logged."), "info")
    return redirect(url_for(".show", response_id=response.id))


@bp.post("/staff/letters/<int:letter_id>/responses/email")
@campaign_access("editor")
def new_from_email(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form, email_form = _fill(ResponseForm(formdata=None), letter), _fill(EmailForm(), letter)
    if not email_form.validate_on_submit():
        return _new_page(letter, form, email_form, 400)
    try:
        raw = _read(email_form.file.data, current_app.config["RESPONSE_EML_MAX_BYTES"]) or b""
        response, left = log_email(letter, raw, email_form.service_data(), current_user)
    except ValidationError as error:
        _show_errors(email_form, error)
        return _new_page(letter, form, email_form, 422)
    db.session.commit()
    flash(_("The response is logged from the email, which is kept as an attachment."), "info")
    if left:
        names = ", ".join(left)
        message = ngettext(
            "%(num)d attachment of the email is not a PDF, JPEG or PNG file that passes the checks: "
            "it is kept only inside the original email (%(names)s).",
            "%(num)d attachments of the email are not PDF, JPEG or PNG files that pass the checks: "
            "they are kept only inside the original email (%(names)s).",
            len(left),
            names=names,
        )
        flash(message, "info")
    return redirect(url_for(".show", response_id=response.id))


def _response_or_404(response_id):
    return db.get_or_404(Response, response_id)


def _show_page(response, attachment_form=None, status=200):
    page = render_template(
        "responses/show.html",
        response=response,
        labels=LABELS,
        editor=can(current_user, "edit", response.letter.campaign_id),
        attachment_form=attachment_form or AttachmentForm(formdata=None),
        publish_form=PublishForm(formdata=None),
        numbers=[
            {"number": number, "response_id": response.id}
            for number in (response_numbers(response) if response.delivery_id else [])
        ],
        link_form=LinkForm(formdata=None),
        further=deliveries_answered(response),
        candidates=candidate_deliveries(response),
    )
    return page, status


@bp.get("/staff/responses/<int:response_id>")
@campaign_access("viewer")
def show(response_id):
    return _show_page(_response_or_404(response_id))


@bp.route("/staff/responses/<int:response_id>/edit", methods=["GET", "POST"])
@campaign_access("editor")
def edit(response_id):
    response = _response_or_404(response_id)
    form = _fill(ResponseForm(), response.letter)
    if request.method == "GET":
        form.fill(response)
    if request.method == "GET" or not form.validate_on_submit():
        page = render_template("responses/edit.html", response=response, form=form)
        return page, 200 if request.method == "GET" else 400
    try:
        edit_response(response, form.service_data(), current_user)
    except ValidationError as error:
        _show_errors(form, error)
        response = _response_or_404(response_id)
        return render_template("responses/edit.html", response=response, form=form), 422
    db.session.commit()
    flash(_("The response is saved."), "info")
    return redirect(url_for(".show", response_id=response_id))


def _public_flag():
    form = PublishForm()
    if not form.validate_on_submit() or form.public.data not in ("0", "1"):
        abort(400)
    return form.public.data == "1"


@bp.post("/staff/responses/<int:response_id>/publish")
@campaign_access("editor")
def publish(response_id):
    response = _response_or_404(response_id)
    is_public = _public_flag()
    publish_response(response, is_public, current_user)
    db.session.commit()
    _forget_public_pages(response)
    flash(_("The response is public.") if is_public else _("The response is private."), "info")
    return redirect(url_for(".show", response_id=response_id))


def _forget_public_pages(response):
    """The campaign pages that show the response on their board of answers awaited are built anew."""
    campaigns = {response.letter.campaign_id: response.letter}
    for link in response.also_answers:
        campaigns.setdefault(link.delivery.letter.campaign_id, link.delivery.letter)
    for letter in campaigns.values():
        forget_letter(letter)


def _attachment_or_404(response_id, attachment_id):
    attachment = db.session.get(ResponseAttachment, attachment_id)
    if attachment is None or attachment.response_id != response_id:
        abort(404)
    return attachment


@bp.post("/staff/responses/<int:response_id>/attachments")
@campaign_access("editor")
def attach(response_id):
    response = _response_or_404(response_id)
    form = AttachmentForm()
    try:
        if not form.validate():
            raise ValidationError(_("Some fields need attention; nothing was saved."))
        raw = _read(form.file.data, current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"])
        add_attachment(
            response, check_attachment(raw or b"", getattr(form.file.data, "filename", "")), current_user
        )
    except ValidationError as error:
        _show_errors(form, error)
        return _show_page(_response_or_404(response_id), form, 422)
    db.session.commit()
    flash(_("The file is attached."), "info")
    return redirect(url_for(".show", response_id=response_id))


@bp.post("/staff/responses/<int:response_id>/attachments/<int:attachment_id>/publish")
@campaign_access("editor")
def publish_file(response_id, attachment_id):
    attachment = _attachment_or_404(response_id, attachment_id)
    is_public = _public_flag()
    try:
        publish_attachment(attachment, is_public, current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".show", response_id=response_id))
    db.session.commit()
    _forget_public_pages(attachment.response)
    flash(_("The file is published.") if is_public else _("The file is private."), "info")
    return redirect(url_for(".show", response_id=response_id))


def _send(attachment):
    path = attachment_file(attachment)
    if path is None:
        abort(404)
    answer = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.get("/staff/responses/<int:response_id>/attachments/<int:attachment_id>")
@campaign_access("viewer")
def download(response_id, attachment_id):
    return _send(_attachment_or_404(response_id, attachment_id))


@bp.get("/responses/<int:response_id>/files/<int:attachment_id>")
def public_file(response_id, attachment_id):
    """A published file of a public response, for anyone; 404 for anything else."""
    attachment = public_attachment(response_id, attachment_id)
    if attachment is None:
        abort(404)
    return _send(attachment)
