"""Staff pages for a letter's signatures: moderate, order, add, import, export."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import campaign_access, role_required
from app.auth.permissions import can
from app.campaigns.public import forget_letter
from app.core.errors import DomainError
from app.core.forms import choices
from app.core.i18n import current_language
from app.core.pagination import paginate
from app.extensions import db
from app.jobs.views import started
from app.letters.forms import ActionForm
from app.letters.models import Letter
from app.signatures import bulk as bulk_work
from app.signatures import exporting, importing, labels, logos
from app.signatures import staff_forms as forms
from app.signatures.models import Signatory, Signature, SignatureStatus
from app.signatures.moderation import STAFF_TRANSITIONS, check_decision, decide, merge
from app.signatures.services import add_by_staff, set_positions
from app.signatures.validation import clean_sign_on, country_choices

bp = Blueprint("signatures_staff", __name__)

PER_PAGE = 50
LIST = "/staff/letters/<int:letter_id>/signatures"
ONE = LIST + "/<int:signature_id>"
_STATUSES = {str(status) for status in SignatureStatus}
#: The filters besides one status: what waits for a person (the default), and everything.
NEEDS_YOU, ALL = "needs_you", "all"
#: Which buttons a row gets: {target: statuses it may come from}.
_TRANSITIONS = {str(to): {str(s) for s in sources} for to, sources in STAFF_TRANSITIONS.items()}
_BULK = (SignatureStatus.APPROVED, SignatureStatus.REJECTED)


def _filters():
    """The list's status filter and search: what needs a person, unless asked or searching everything;
    an unknown status shows all."""
    q = request.args.get("q", "").strip()[:200]
    status = request.args.get("status", ALL if q else NEEDS_YOU)
    if status not in _STATUSES and status != NEEDS_YOU:
        status = ALL
    return {"status": status, "q": q}


def _statuses(status):
    if status == NEEDS_YOU:
        return labels.NEEDS_YOU
    return () if status == ALL else (status,)


def _back(letter_id):
    """Back to the list as the staff member left it: same filter, search and page."""
    args = {key: request.args[key] for key in ("status", "q", "page") if request.args.get(key)}
    return redirect(url_for(".index", letter_id=letter_id, **args))


def _refused(letter_id, message):
    db.session.rollback()
    flash(str(message), "error")
    return _back(letter_id)


def _done(letter, message):
    db.session.commit()
    forget_letter(letter)
    flash(message, "info")
    return _back(letter.id)


def _signature(letter_id, signature_id):
    signature = db.get_or_404(Signature, signature_id)
    if signature.letter_id != letter_id:
        abort(404)
    return signature


def _add_form():
    form = forms.AddSignatureForm()
    form.country.choices = choices([("", "—"), *country_choices(current_language())])
    return form


def _sees_private():
    """Emails, contact persons and IP hashes are for editors and admins, never for viewers."""
    return can(current_user, "see_contacts", g.campaign_id)


def _tabs(counts):
    """[(filter, label, count)]: what needs a person first, then all, then each state."""
    needs_you = sum(counts[status] for status in labels.NEEDS_YOU)
    tabs = [(NEEDS_YOU, _("Needs you"), needs_you), (ALL, _("All"), sum(counts.values()))]
    return tabs + [(str(status), labels.STATUS_LABELS[status], count) for status, count in counts.items()]


def _listing(letter, filters):
    """The list as the staff member may search it: a viewer's search looks at names only.

    A viewer who could match on an email address could test whether that address signed.
    """
    statuses = _statuses(filters["status"])
    if _sees_private():
        return exporting.listing_query(letter, statuses, filters["q"])
    query = exporting.listing_query(letter, statuses)
    if q := filters["q"]:
        names = (Signatory.name_en, Signatory.name_ko)
        query = query.where(sa.or_(*(column.icontains(q, autoescape=True) for column in names)))
    return query


def _list_page(letter, add_form, status=200):
    filters = _filters()
    page = paginate(_listing(letter, filters), request.args.get("page"), PER_PAGE)
    return render_template(
        "signatures/staff_list.html",
        letter=letter,
        page=page,
        filters=filters,
        tabs=_tabs(exporting.status_counts(letter)),
        add_form=add_form,
        labels=forms.LABELS,
        state_label=labels.state_label,
        transitions=_TRANSITIONS,
        private=_sees_private(),
    ), status


def _invalid(letter, message, status=422):
    """The list again, with what was wrong with the form: ids from a form are input, not errors."""
    db.session.rollback()
    flash(str(message), "error")
    return _list_page(letter, _add_form(), status)


@bp.get(LIST)
@campaign_access("viewer")
def index(letter_id):
    return _list_page(db.get_or_404(Letter, letter_id), _add_form())


@bp.get(ONE)
@campaign_access("viewer")
def detail(letter_id, signature_id):
    signature = _signature(letter_id, signature_id)
    return render_template(
        "signatures/staff_detail.html",
        letter=signature.letter,
        s=signature,
        labels=forms.LABELS,
        state_label=labels.state_label,
        private=_sees_private(),
        lines_form=forms.LinesForm(obj=signature.signatory),
    )


@bp.get("/staff/signatories/<int:signatory_id>/logo.png")
@role_required("viewer")
def logo(signatory_id):
    """An organization's logo as it will appear in the PDF, for staff vetting the sign-on."""
    signatory = db.get_or_404(Signatory, signatory_id)
    campaigns = {signature.letter.campaign_id for signature in signatory.signatures}
    if not signatory.logo_path or not any(can(current_user, "view", c) for c in campaigns):
        abort(404)  # only staff of a campaign the organization signed in see its logo
    data = logos.read_logo(signatory.logo_path)
    if data is None:
        abort(404)
    return data, 200, {"Content-Type": "image/png"}


@bp.post(ONE + "/decide")
@campaign_access("editor")
def decide_one(letter_id, signature_id):
    signature = _signature(letter_id, signature_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide(signature, form.to.data, current_user, reason=form.reason.data)
    except DomainError as error:
        return _refused(letter_id, error.message)
    status = forms.STATUS_LABELS[signature.status]
    return _done(signature.letter, _("Signature #%(id)d is now: %(status)s.", id=signature.id, status=status))


@bp.post(ONE + "/merge")
@campaign_access("editor")
def merge_one(letter_id, signature_id):
    duplicate = _signature(letter_id, signature_id)
    form = forms.MergeForm()
    if not form.validate_on_submit():
        return _invalid(duplicate.letter, _("This form has expired. Please try again."), 400)
    wrong = _("Enter the number of a signature of this letter to keep.")
    try:
        [into] = forms.read_ids([form.into.data])
    except DomainError:
        return _invalid(duplicate.letter, wrong)
    keep = db.session.get(Signature, into)
    if keep is None or keep.letter_id != letter_id:
        return _invalid(duplicate.letter, wrong)
    try:
        merge(duplicate, keep, current_user)
    except DomainError as error:
        return _refused(letter_id, error.message)
    message = _("Signature #%(id)d is merged into #%(into)d.", id=duplicate.id, into=keep.id)
    return _done(duplicate.letter, message)


@bp.post(LIST + "/bulk")
@campaign_access("editor")
def bulk(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = forms.BulkForm()
    if not form.validate_on_submit():
        return _invalid(letter, _("This form has expired. Please try again."), 400)
    if form.to.data not in _BULK:
        return _invalid(letter, _("Choose to approve or to reject the ticked signatures."))
    try:
        ids = forms.read_ids(form.ids.data)
    except DomainError as error:
        return _invalid(letter, error.message)
    signatures = bulk_work.signatures_of(letter, ids)
    if not signatures:
        return _refused(letter.id, _("Tick the signatures to act on first."))
    many = len(signatures) > bulk_work.INLINE_LIMIT
    for signature in signatures:
        try:
            if many:
                check_decision(signature, form.to.data, reason=form.reason.data)
            else:
                decide(signature, form.to.data, current_user, reason=form.reason.data)
        except DomainError as error:
            message = _(
                "Signature #%(id)d: %(message)s Nothing was changed.", id=signature.id, message=error.message
            )
            return _refused(letter.id, message)
    if many:
        job = bulk_work.start_bulk(letter, signatures, form.to.data, form.reason.data, current_user)
        return started(job)
    status = forms.STATUS_LABELS[SignatureStatus(form.to.data)]
    count = len(signatures)
    message = ngettext(
        "%(num)d signature is now: %(status)s.",
        "%(num)d signatures are now: %(status)s.",
        count,
        status=status,
    )
    return _done(letter, message)


@bp.post(LIST + "/positions")
@campaign_access("editor")
def positions(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changed = set_positions(letter, forms.read_positions(request.form), current_user)
    except DomainError as error:
        return _refused(letter.id, error.message)
    return _done(letter, ngettext("%(num)d position saved.", "%(num)d positions saved.", changed))


@bp.post(LIST + "/add")
@campaign_access("editor")
def add(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = _add_form()
    if not form.validate_on_submit():
        abort(400)
    try:
        cleaned = clean_sign_on(form.sign_on_data(), require_email=False)
        signature = add_by_staff(letter, cleaned, current_user, language=importing.signer_language(cleaned))
    except DomainError as error:
        db.session.rollback()
        for key, message in error.fields.items():
            if key in form:
                form[key].errors = [str(message)]
        flash(str(error.message), "error")
        return _list_page(letter, form, 422)
    return _done(letter, _("Signature #%(id)d is added and approved.", id=signature.id))


# The imports and exports, the privacy requests (find, export, erase) and the lines' corrections
# live in their own modules, on this blueprint.
from app.signatures import import_views, line_views, privacy_views  # noqa: E402,F401
