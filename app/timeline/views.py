"""Staff pages: a letter's timeline (add, edit, accept, publish) and the deliveries awaiting an answer."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import campaign_access, staff_required
from app.auth.permissions import can
from app.campaigns.public import forget_letter
from app.core.errors import DomainError
from app.deliveries.models import Delivery, DeliveryStatus
from app.deliveries.planning import cancel_delivery, queue_delivery
from app.deliveries.queueing import hand_over, work_after_commit
from app.extensions import db
from app.letters.models import Letter
from app.timeline.chasers import pending_chasers
from app.timeline.deadlines import due_working_days
from app.timeline.evidence import check_upload, content_type, evidence_file, store_evidence
from app.timeline.feed import forget_feed
from app.timeline.forms import AcceptForm, EventForm, TermForm
from app.timeline.labels import KIND_LABELS, STATE_LABELS, explain_clock
from app.timeline.overview import awaiting_answers
from app.timeline.services import (
    accept_event,
    add_event,
    event_or_not_found,
    letter_events,
    set_response_term,
    update_event,
)

bp = Blueprint("timeline", __name__, url_prefix="/staff")


def _forget(letter):
    """The public page and the feed show the change at once."""
    forget_letter(letter)
    forget_feed(letter.campaign)


def _event_of(letter_id, event_id):
    try:
        event = event_or_not_found(event_id)
    except DomainError:
        abort(404)
    if event.letter_id != letter_id:
        abort(404)
    return event


@bp.get("/letters/<int:letter_id>/timeline")
@campaign_access("viewer")
def index(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    events = letter_events(letter)
    forms = {e.id: EventForm(obj=e, prefix=f"e{e.id}") for e in events}
    return render_template(
        "timeline/index.html",
        letter=letter,
        events=events,
        forms=forms,
        accept_form=AcceptForm(),
        new_form=EventForm(prefix="new"),
        term_form=TermForm(obj=letter),
        default_term=due_working_days(),
        kind_labels=KIND_LABELS,
    )


@bp.post("/letters/<int:letter_id>/timeline")
@campaign_access("editor")
def add(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = EventForm(prefix="new")
    if not form.validate_on_submit():
        flash(_("The event was not added: please check the date and the lengths."), "error")
        return redirect(url_for(".index", letter_id=letter.id))
    try:
        checked = check_upload(form.evidence.data)
        event = add_event(letter, form.data_for_service(), actor=current_user)
        if checked is not None:
            store_evidence(event, checked)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for(".index", letter_id=letter.id))
    db.session.commit()
    _forget(letter)
    flash(_("The event was added."), "success")
    return redirect(url_for(".index", letter_id=letter.id))


@bp.post("/letters/<int:letter_id>/timeline/<int:event_id>")
@campaign_access("editor")
def edit(letter_id, event_id):
    event = _event_of(letter_id, event_id)
    form = EventForm(prefix=f"e{event.id}")
    if not form.validate_on_submit():
        flash(_("The event was not saved: please check the date and the lengths."), "error")
        return redirect(url_for(".index", letter_id=letter_id))
    try:
        checked = check_upload(form.evidence.data)
        update_event(event, form.data_for_service(), accept=form.accept.data, actor=current_user)
        if checked is not None:
            store_evidence(event, checked)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for(".index", letter_id=letter_id))
    db.session.commit()
    _forget(event.letter)
    flash(_("The event was saved."), "success")
    return redirect(url_for(".index", letter_id=letter_id))


@bp.post("/letters/<int:letter_id>/timeline/term")
@campaign_access("editor")
def term(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = TermForm()
    if not form.validate_on_submit():
        flash(_("Enter 1 to 400 working days."), "error")
        return redirect(url_for(".index", letter_id=letter.id))
    set_response_term(letter, form.response_due_working_days.data, actor=current_user)
    db.session.commit()
    _forget(letter)
    flash(_("The term to answer was saved."), "success")
    return redirect(url_for(".index", letter_id=letter.id))


@bp.post("/letters/<int:letter_id>/timeline/<int:event_id>/accept")
@campaign_access("editor")
def accept(letter_id, event_id):
    event = _event_of(letter_id, event_id)
    if not AcceptForm().validate_on_submit():
        abort(400)
    accept_event(event, actor=current_user)
    db.session.commit()
    _forget(event.letter)
    flash(_("The event was accepted and published."), "success")
    return redirect(url_for(".index", letter_id=letter_id))


@bp.get("/letters/<int:letter_id>/timeline/<int:event_id>/evidence")
@campaign_access("viewer")
def evidence(letter_id, event_id):
    event = _event_of(letter_id, event_id)
    path = evidence_file(event)
    if path is None:
        abort(404)
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=content_type(event),
        as_attachment=True,
        download_name=event.evidence_filename,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/awaiting")
@staff_required
def awaiting():
    return render_template(
        "timeline/awaiting.html",
        rows=[r for r in awaiting_answers() if can(current_user, "view", r["delivery"].letter.campaign_id)],
        chasers=[c for c in pending_chasers() if can(current_user, "view", c.letter.campaign_id)],
        chaser_form=AcceptForm(),
        state_labels=STATE_LABELS,
        explain_clock=explain_clock,
    )


def _planned_chaser(delivery_id):
    chaser = db.get_or_404(Delivery, delivery_id)
    if chaser.chaser_of_id is None or chaser.status != DeliveryStatus.PLANNED:
        abort(404)
    if not AcceptForm().validate_on_submit():
        abort(400)
    return chaser


@bp.post("/chasers/<int:delivery_id>/approve")
@campaign_access("editor")
def approve_chaser(delivery_id):
    chaser = _planned_chaser(delivery_id)
    try:
        queue_delivery(chaser, current_user, detail="Chaser approved by staff.")
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("deliveries.show", delivery_id=chaser.chaser_of_id))
    work = work_after_commit([chaser])
    db.session.commit()
    hand_over(work)
    flash(_("The chaser was approved and is on its way."), "success")
    return redirect(url_for("deliveries.show", delivery_id=chaser.id))


@bp.post("/chasers/<int:delivery_id>/discard")
@campaign_access("editor")
def discard_chaser(delivery_id):
    chaser = _planned_chaser(delivery_id)
    cancel_delivery(chaser, current_user, detail="Chaser discarded by staff.")
    db.session.commit()
    flash(_("The chaser was discarded."), "success")
    return redirect(url_for("deliveries.show", delivery_id=chaser.chaser_of_id))
