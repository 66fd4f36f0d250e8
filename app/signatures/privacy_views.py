"""Staff pages for a person's privacy requests: find their records, export them, erase them."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import role_required
from app.campaigns.public import forget_letter
from app.core.downloads import JSON, attachment
from app.core.timeutil import utcnow
from app.extensions import db
from app.signatures import privacy
from app.signatures import staff_forms as forms
from app.signatures.staff_views import bp


def _privacy_page(form, found=None, status=200):
    return render_template(
        "signatures/staff_privacy.html", form=form, found=found, labels=forms.LABELS
    ), status


@bp.route("/staff/privacy", methods=["GET", "POST"])
@role_required("admin")
def privacy_lookup():
    form = forms.LookupForm()
    found = privacy.find_signatories(form.email.data) if form.validate_on_submit() else None
    return _privacy_page(form, found)


@bp.post("/staff/privacy/export")
@role_required("admin")
def privacy_export():
    form = forms.LookupForm()
    if not form.validate_on_submit():
        abort(400)
    body = privacy.personal_data(privacy.find_signatories(form.email.data), current_user)
    db.session.commit()
    return attachment(body, JSON, f"personal-data-{utcnow():%Y-%m-%d}.json")


@bp.post("/staff/privacy/erase")
@role_required("admin")
def privacy_erase():
    form = forms.EraseForm()
    if not form.validate_on_submit():
        abort(400)
    signatories = privacy.find_signatories(form.email.data)
    if not form.confirm.data:
        flash(_("Tick the box to confirm that the person asked for erasure."), "error")
        return _privacy_page(form, signatories, 422)
    letters = privacy.erase_person(signatories, current_user)
    db.session.commit()
    for letter in letters:
        forget_letter(letter)
    count = len(signatories)
    flash(
        ngettext(
            "%(num)d record of this person is erased.", "%(num)d records of this person are erased.", count
        ),
        "info",
    )
    return redirect(url_for(".privacy_lookup"))
