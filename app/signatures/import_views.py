"""Staff pages for moving signatures in and out: the CSV import (run as a staff job) and the exports."""

from flask import flash, render_template, request
from flask_login import current_user

from app.auth.access import campaign_access, role_required
from app.core import audit
from app.core.downloads import CSV, JSON, attachment
from app.core.errors import DomainError
from app.extensions import db
from app.jobs.views import started
from app.letters.models import Letter
from app.signatures import bulk as bulk_work
from app.signatures import exporting, importing
from app.signatures import staff_forms as forms
from app.signatures.staff_views import LIST, bp


def _import_page(letter, form, preview=None, status=200):
    return render_template(
        "signatures/staff_import.html",
        letter=letter,
        form=form,
        preview=preview,
        columns=importing.COLUMNS,
    ), status


@bp.route(LIST + "/import", methods=["GET", "POST"])
@campaign_access("editor")
def import_csv(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = forms.ImportForm()
    if not form.validate_on_submit():
        return _import_page(letter, form, status=400 if request.method == "POST" else 200)
    try:
        if not form.token.data:
            return _import_page(letter, form, preview=importing.preview_upload(letter, form.file.data))
        job = bulk_work.start_import(letter, form.token.data, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _import_page(letter, form, status=422)
    return started(job)


@bp.get("/staff/signatures/import-template.csv")
@role_required("editor")
def import_template():
    return attachment(importing.template_csv(), CSV, "signatures-template.csv")


@bp.get(LIST + "/export.<any(csv, json):fmt>")
@campaign_access("editor")
def export(letter_id, fmt):
    letter = db.get_or_404(Letter, letter_id)
    records = exporting.export_records(letter)
    audit.record("signature.export", letter, actor=current_user, format=fmt, count=len(records))
    db.session.commit()
    if fmt == "csv":
        return attachment(exporting.to_csv(records), CSV, exporting.export_filename(letter, fmt))
    return attachment(exporting.to_json(records), JSON, exporting.export_filename(letter, fmt))
