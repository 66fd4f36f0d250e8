"""Staff pages for the recipient registry: list, record, create and edit, CSV import and export."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.core import audit
from app.core.downloads import CSV, attachment
from app.core.errors import DomainError, ValidationError
from app.core.i18n import current_language
from app.extensions import db
from app.recipients import exporting, importing
from app.recipients.forms import KIND_LABELS, ImportForm, RecipientForm
from app.recipients.history import (
    CHANNEL_LABELS,
    DELIVERY_STATUS_LABELS,
    RESPONSE_CHANNEL_LABELS,
    recipient_history,
)
from app.recipients.models import Recipient
from app.recipients.services import (
    countries_in_use,
    create_recipient,
    recipient_data,
    search_recipients,
    tags_in_use,
    update_recipient,
)
from app.signatures.validation import country_choices

bp = Blueprint("recipients", __name__, url_prefix="/staff/recipients")

LABELS = {
    "kind": KIND_LABELS,
    "channel": CHANNEL_LABELS,
    "delivery_status": DELIVERY_STATUS_LABELS,
    "response_channel": RESPONSE_CHANNEL_LABELS,
}


def _country_names():
    return dict(country_choices(current_language()))


@bp.get("/")
@role_required("viewer")
def index():
    filters = {key: request.args.get(key, "").strip() for key in ("q", "tag", "country", "kind")}
    page = search_recipients(**filters, lang=current_language(), page=request.args.get("page"))
    return render_template(
        "recipients/index.html",
        page=page,
        filters=filters,
        query_args={key: value for key, value in filters.items() if value},
        tags=tags_in_use(),
        countries=countries_in_use(),
        country_names=_country_names(),
        labels=LABELS,
    )


@bp.get("/<int:recipient_id>")
@role_required("viewer")
def show(recipient_id):
    recipient = db.get_or_404(Recipient, recipient_id)
    return render_template(
        "recipients/show.html",
        recipient=recipient,
        history=recipient_history(recipient, current_user),
        show_contact=current_user.has_role("editor"),
        country_names=_country_names(),
        labels=LABELS,
    )


def _form_page(form, recipient, status=200):
    return render_template("recipients/edit.html", form=form, recipient=recipient), status


def _show_errors(form, error):
    db.session.rollback()
    form.form_errors.append(str(error.message))
    for key, message in error.fields.items():
        if key in form:
            form[key].errors = [str(message)]


def _save(form, recipient, write):
    """The recipient form sent: validate, write(data) returns the saved recipient, commit, show it."""
    if not form.validate_on_submit():
        return _form_page(form, recipient, 400 if request.method == "POST" else 200)
    try:
        saved = write(form.service_data())
    except ValidationError as error:
        _show_errors(form, error)
        return _form_page(form, recipient, 422)
    db.session.commit()
    flash(_("The recipient is saved."), "info")
    return redirect(url_for(".show", recipient_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    form = RecipientForm()
    form.set_country_choices(current_language())
    return _save(form, None, lambda data: create_recipient(data, current_user))


@bp.route("/<int:recipient_id>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit(recipient_id):
    recipient = db.get_or_404(Recipient, recipient_id)
    form = RecipientForm()
    form.set_country_choices(current_language())
    if request.method == "GET":
        form.fill(recipient_data(recipient))
    return _save(form, recipient, lambda data: update_recipient(recipient, data, current_user))


def _import_page(form, preview=None, status=200):
    return render_template(
        "recipients/import.html",
        form=form,
        preview=preview,
        columns=exporting.COLUMNS,
        kinds=KIND_LABELS,
    ), status


@bp.route("/import", methods=["GET", "POST"])
@role_required("editor")
def import_csv():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, status=400 if request.method == "POST" else 200)
    try:
        if not form.token.data:
            return _import_page(form, preview=importing.preview_upload(form.file.data))
        added, updated = importing.import_staged(form.token.data, current_user, form.update_changed.data)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _import_page(form, status=422)
    db.session.commit()
    importing.discard(form.token.data)
    flash(_("Recipients added: %(added)d; updated: %(updated)d.", added=added, updated=updated), "info")
    return redirect(url_for(".index"))


@bp.get("/import-template.csv")
@role_required("editor")
def import_template():
    return attachment(exporting.to_csv([]), CSV, "recipients-template.csv")


@bp.get("/export.csv")
@role_required("editor")
def export():
    recipients = exporting.registry()
    # The file holds every recipient's contact data: who took it is on record.
    audit.record("recipient.export", actor=current_user, count=len(recipients))
    db.session.commit()
    return attachment(exporting.to_csv(recipients), CSV, exporting.export_filename())
