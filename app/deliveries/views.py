"""Staff pages for deliveries: a letter's deliveries and plan, a batch's progress, one delivery."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.access import campaign_access
from app.auth.permissions import can
from app.core.downloads import attachment
from app.core.errors import DomainError
from app.core.i18n import current_language
from app.deliveries.checks import DELIVERABLE
from app.deliveries.display import actions, actor_name, redact
from app.deliveries.evidence import ZIP_TYPE, evidence_pack
from app.deliveries.forms import LANGUAGE_LABELS, DecisionForm, PlanForm, ReferenceForm, default_channel
from app.deliveries.labels import CHANNEL_LABELS, DELIVERY_STATUS_LABELS
from app.deliveries.models import Delivery, DeliveryBatch, DeliveryStatus
from app.deliveries.planning import plan_batch, transition
from app.deliveries.progress import batch_counts
from app.deliveries.queueing import hand_over, reply_address, work_after_commit
from app.deliveries.registration import set_reference
from app.extensions import db
from app.letters.models import Letter, LetterVersion
from app.recipients.models import Recipient
from app.responses.models import Response
from app.timeline.chasers import chasers_of

bp = Blueprint("deliveries", __name__, url_prefix="/staff")

LABELS = {"channel": CHANNEL_LABELS, "status": DELIVERY_STATUS_LABELS, "language": LANGUAGE_LABELS}


def _languages(letter):
    only = letter.current_version.single_language if letter.current_version else None
    return [str(only)] if only else ["en", "ko", "both"]


def _recipients():
    column = Recipient.name_ko if current_language() == "ko" else Recipient.name_en
    return db.session.scalars(sa.select(Recipient).order_by(column, Recipient.id)).all()


def _letter_page(letter, form, status=200):
    deliveries = db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.letter_id == letter.id)
        .options(selectinload(Delivery.recipient))
        .order_by(Delivery.id.desc())
    ).all()
    recipients = {r.id: r for r in _recipients()}
    page = render_template(
        "deliveries/index.html",
        letter=letter,
        deliveries=deliveries,
        form=form,
        recipients=recipients,
        can_plan=letter.status in DELIVERABLE and can(current_user, "edit", letter.campaign_id),
        languages=_languages(letter),
        labels=LABELS,
    )
    return page, status


@bp.get("/letters/<int:letter_id>/deliveries")
@campaign_access("viewer")
def index(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = PlanForm(formdata=None)
    if letter.status in DELIVERABLE and can(current_user, "edit", letter.campaign_id):
        form.fill(_recipients(), _languages(letter), default_channel)
    return _letter_page(letter, form)


def _plan_items(form, errors):
    """The ticked rows as plan_batch items; unreadable rows are named in `errors` by index."""
    items = []
    for index, row in enumerate(form.chosen_rows()):
        recipient_id = row.form.recipient_id.data or ""
        recipient = db.session.get(Recipient, int(recipient_id)) if recipient_id.isdigit() else None
        if recipient is None:
            errors[f"deliveries.{index}.recipient_id"] = _("This recipient is no longer in the registry.")
        try:
            send_at = row.form.send_time()
        except ValueError:
            errors[f"deliveries.{index}.send_at"] = _("Enter a date and time, e.g. 2026-03-11 09:30.")
            send_at = None
        items.append(
            {
                "recipient": recipient,
                "channel": row.form.channel.data,
                "language": row.form.language.data,
                "send_at": send_at,
                "resend": row.form.resend.data,
            }
        )
    return items


def _show_row_errors(form, fields):
    chosen = form.chosen_rows()
    for key, message in fields.items():
        _prefix, index, name = key.split(".", 2)
        row = chosen[int(index)].form
        field = getattr(row, name, row.recipient_id)
        field.errors = [*field.errors, str(message)] if isinstance(field.errors, list) else [str(message)]


@bp.post("/letters/<int:letter_id>/deliveries")
@campaign_access("editor")
def plan(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = PlanForm()
    if not form.validate_on_submit():
        return _letter_page(letter, form, 400)
    errors = {}
    items = _plan_items(form, errors)
    if not items:
        form.form_errors.append(_("Tick at least one recipient."))
        return _letter_page(letter, form, 422)
    if errors:
        _show_row_errors(form, errors)
        form.form_errors.append(_("Some deliveries cannot be planned; nothing was planned."))
        return _letter_page(letter, form, 422)
    try:
        batch = plan_batch(letter, items, current_user, note=form.note.data)
    except DomainError as error:
        db.session.rollback()
        _show_row_errors(form, {k: v for k, v in error.fields.items() if k.startswith("deliveries.")})
        form.form_errors.append(str(error.message))
        return _letter_page(letter, form, error.status)
    db.session.commit()
    flash(_("The deliveries are planned. Queue them to send them."), "info")
    return redirect(url_for(".batch", batch_id=batch.id))


@bp.get("/delivery-batches/<int:batch_id>")
@campaign_access("viewer")
def batch(batch_id):
    batch = db.get_or_404(DeliveryBatch, batch_id)
    deliveries = db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.batch_id == batch.id)
        .options(selectinload(Delivery.recipient))
        .order_by(Delivery.id)
    ).all()
    return render_template(
        "deliveries/batch.html",
        batch=batch,
        deliveries=deliveries,
        counts=batch_counts(batch),
        form=DecisionForm(),
        labels=LABELS,
    )


@bp.get("/delivery-batches/<int:batch_id>/progress.json")
@campaign_access("viewer")
def batch_progress(batch_id):
    return jsonify(batch_counts(db.get_or_404(DeliveryBatch, batch_id)))


@bp.post("/delivery-batches/<int:batch_id>/queue")
@campaign_access("editor")
def queue_batch(batch_id):
    """Queue every planned delivery of the batch: each one's document is fixed now."""
    batch = db.get_or_404(DeliveryBatch, batch_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    planned = [d for d in batch.deliveries if d.status == DeliveryStatus.PLANNED]
    try:
        for delivery in planned:
            transition(delivery, DeliveryStatus.QUEUED, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".batch", batch_id=batch_id))
    work = work_after_commit(planned)
    db.session.commit()
    hand_over(work)
    flash(ngettext("%(num)d delivery is queued.", "%(num)d deliveries are queued.", len(planned)), "info")
    return redirect(url_for(".batch", batch_id=batch_id))


@bp.get("/deliveries/<int:delivery_id>")
@campaign_access("viewer")
def show(delivery_id):
    delivery = db.get_or_404(Delivery, delivery_id)
    show_contact = can(current_user, "see_contacts", delivery.letter.campaign_id)
    return render_template(
        "deliveries/show.html",
        delivery=delivery,
        document=delivery.document,
        version=db.session.get(LetterVersion, delivery.version_id) if delivery.version_id else None,
        actions=actions(delivery) if show_contact else [],
        form=DecisionForm(),
        show_contact=show_contact,
        reply_address=reply_address(delivery),
        redact=lambda text: redact(text, delivery, show_contact),
        actor_name=actor_name,
        labels=LABELS,
        chasers=[c for c in chasers_of(delivery) if c.status == DeliveryStatus.PLANNED],
    )


@bp.get("/deliveries/<int:delivery_id>/evidence.zip")
@campaign_access("editor")
def evidence(delivery_id):
    """The delivery's evidence pack; a planned delivery (no PDF yet) answers 409 with why.

    Editors only: the proof carries the recipient's address, which viewers never see.
    """
    name, data = evidence_pack(db.get_or_404(Delivery, delivery_id))
    return attachment(data, ZIP_TYPE, name)


@bp.post("/deliveries/<int:delivery_id>/transition")
@campaign_access("editor")
def decide(delivery_id):
    delivery = db.get_or_404(Delivery, delivery_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        transition(delivery, form.to.data or "", current_user, detail=(form.detail.data or "").strip())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".show", delivery_id=delivery_id))
    work, state = work_after_commit([delivery]), DELIVERY_STATUS_LABELS[delivery.status]
    db.session.commit()
    hand_over(work)
    flash(_("The delivery is now: %(state)s.", state=state), "info")
    return redirect(url_for(".show", delivery_id=delivery_id))


@bp.post("/deliveries/<int:delivery_id>/reference")
@campaign_access("editor")
def set_reference_number(delivery_id):
    """Take a number found in a response as the delivery's reference; back to where it was clicked."""
    delivery = db.get_or_404(Delivery, delivery_id)
    form = ReferenceForm()
    if not form.validate_on_submit():
        abort(400)
    response_id = form.response_id.data or ""
    known = response_id.isascii() and response_id.isdigit() and len(response_id) < 10
    response = db.session.get(Response, int(response_id)) if known else None
    back = (
        url_for("responses.show", response_id=response.id)
        if response is not None
        else url_for(".show", delivery_id=delivery.id)
    )
    try:
        set_reference(delivery, form.reference.data, current_user, response=response)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("The delivery's reference is now %(number)s.", number=delivery.reference), "info")
    return redirect(back)
