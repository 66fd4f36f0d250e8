"""Staff pages of the delivery records: enter a record or a proof, download a proof."""

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from app.auth.access import campaign_access
from app.auth.permissions import can
from app.core.errors import DomainError, ValidationError
from app.deliveries.labels import CHANNEL_LABELS, DELIVERY_STATUS_LABELS
from app.deliveries.models import Delivery, DeliveryProof
from app.deliveries.proofs import check_proof, proof_file, store_proof
from app.deliveries.record_forms import (
    PROOF_KIND_LABELS,
    RECORD_TITLES,
    SHOWN_COLUMNS,
    ProofForm,
    record_form,
)
from app.deliveries.records import CONTACT_COLUMNS, RECORDS, enter_record, records_allowed
from app.extensions import db

bp = Blueprint("delivery_records", __name__, url_prefix="/staff/deliveries")


def _rows(delivery, editor):
    """(label, value, is_date) of the delivery's records that are filled in; contact data for editors."""
    rows = []
    for column, label in SHOWN_COLUMNS.items():
        value = getattr(delivery, column)
        if value and (editor or column not in CONTACT_COLUMNS):
            rows.append((label, value, column.endswith("_at")))
    return rows


def _fresh_form(delivery, name):
    form = record_form(name)
    if name == "fax":  # the number it goes to, as the registry has it (editors only see the form)
        form.fax_number.data = delivery.destination or delivery.recipient.fax
    return form


def records_panel(delivery, bound=None, error=None):
    """What _records.html shows for `delivery`: the records, the proofs and the forms this user may use."""
    editor = can(current_user, "edit", delivery.letter.campaign_id)
    forms = []
    if editor:
        for name in records_allowed(delivery):
            same = bound is not None and getattr(bound, "record_name", None) == name
            forms.append(bound if same else _fresh_form(delivery, name))
    proof_form = bound if isinstance(bound, ProofForm) else ProofForm(formdata=None)
    return {
        "editor": editor,
        "rows": _rows(delivery, editor),
        "has_contact": any(getattr(delivery, column) for column in CONTACT_COLUMNS),
        "proofs": list(delivery.proofs),
        "forms": forms,
        "proof_form": proof_form if editor else None,
        "error": error,
        "titles": RECORD_TITLES,
        "kind_labels": PROOF_KIND_LABELS,
    }


@bp.app_context_processor
def _records_helpers():
    return {"records_panel": records_panel}


def _delivery_or_404(delivery_id):
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None:
        abort(404)
    return delivery


def _delivery_page(delivery):
    """The delivery's own page where there is one, else the records page."""
    try:
        return url_for("deliveries.show", delivery_id=delivery.id)
    except BuildError:
        return url_for(".show", delivery_id=delivery.id)


def _refused(delivery, form, error):
    """The records page again, the message on top and on the form's fields; nothing was stored."""
    db.session.rollback()
    for key, message in error.fields.items():
        field = getattr(form, key, None)
        if field is not None and key != "csrf_token":
            field.errors = [*field.errors, message]
    delivery = _delivery_or_404(delivery.id)
    page = render_template(
        "deliveries/records.html",
        delivery=delivery,
        records_bound=form,
        records_error=error.message,
        labels=_labels(),
    )
    return page, error.status


def _labels():
    return {"channel": CHANNEL_LABELS, "status": DELIVERY_STATUS_LABELS}


def _upload(form, key):
    upload = getattr(form, key).data
    if not upload or not getattr(upload, "filename", ""):
        return None
    limit = current_app.config["PROOF_MAX_BYTES"]
    return check_proof(upload.stream.read(limit + 1), upload.filename, field=key)


@bp.get("/<int:delivery_id>/records")
@campaign_access("viewer")
def show(delivery_id):
    delivery = _delivery_or_404(delivery_id)
    return render_template("deliveries/records.html", delivery=delivery, labels=_labels())


@bp.post("/<int:delivery_id>/records/<name>")
@campaign_access("editor")
def enter(delivery_id, name):
    if name not in RECORDS:
        abort(404)
    delivery = _delivery_or_404(delivery_id)
    form = record_form(name, bind=True)
    try:
        data = {key: getattr(form, key).data for key in ("day", *form.text_keys)}
        enter_record(delivery, name, data, current_user, proof=_upload(form, "proof"))
    except DomainError as error:
        return _refused(delivery, form, error)
    db.session.commit()
    flash(_("The record is saved."), "info")
    return redirect(_delivery_page(delivery))


@bp.post("/<int:delivery_id>/proofs")
@campaign_access("editor")
def add_proof(delivery_id):
    delivery = _delivery_or_404(delivery_id)
    form = ProofForm()
    try:
        if not form.validate():
            raise ValidationError(_("Some fields need attention."))
        checked = _upload(form, "file")
        if checked is None:
            checked = check_proof(b"", "", field="file")  # refused: no file
        store_proof(delivery, checked, form.kind.data, current_user, note=(form.note.data or "")[:2000])
    except DomainError as error:
        return _refused(delivery, form, error)
    db.session.commit()
    flash(_("The proof is saved."), "info")
    return redirect(_delivery_page(delivery))


@bp.get("/<int:delivery_id>/proofs/<int:proof_id>")
@campaign_access("viewer")
def download_proof(delivery_id, proof_id):
    proof = db.session.get(DeliveryProof, proof_id)
    if proof is None or proof.delivery_id != delivery_id:
        abort(404)
    path = proof_file(proof)
    if path is None:
        abort(404)
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=proof.content_type,
        as_attachment=True,
        download_name=proof.filename,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
