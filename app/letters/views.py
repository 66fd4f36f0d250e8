"""Staff pages for writing a letter: the draft, its preview, its workflow and its revisions."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import campaign_access
from app.auth.permissions import can
from app.campaigns.models import Campaign
from app.campaigns.public import forget_letter
from app.core.errors import Conflict, DomainError, ValidationError
from app.core.forms import choices
from app.core.i18n import LANGUAGE_NAMES, current_language
from app.extensions import db
from app.letters.forms import PART_LABELS, PRINTED_LABELS, ActionForm, LetterForm
from app.letters.models import Letter, LetterRevision, LetterStatus
from app.letters.reconfirm import (
    older_signatures,
)
from app.letters.revisions import compare, unapproved_changes
from app.letters.services import (
    EditConflict,
    create_letter,
    has_unapproved_changes,
    restore_revision,
    save_letter,
)
from app.letters.workflow import STATUS_LABELS, allowed_transitions, approve_changes, transition
from app.recipients.models import Recipient
from app.rendering.context import letter_context
from app.rendering.environment import available_templates
from app.rendering.html import render_letter_html

bp = Blueprint("letters", __name__)


def letter_or_404(letter_id):
    return db.get_or_404(Letter, letter_id)


def _form_choices(form):
    lang = current_language()
    form.template.choices = choices(
        (name, meta["name"].get(lang) or meta["name"]["en"]) for name, meta in available_templates().items()
    )
    recipients = db.session.scalars(sa.select(Recipient).order_by(Recipient.name_en)).all()
    form.recipient_ids.choices = choices((r.id, r.name_en or r.name_ko) for r in recipients)
    return form


def _named(key, message):
    """A field's message as a flash, away from the form: it names the field ("Title, 한국어: ...")."""
    part, _sep, lang = key.rpartition("_")
    if part in PART_LABELS and lang in LANGUAGE_NAMES:
        return f"{PART_LABELS[part]}, {LANGUAGE_NAMES[lang]}: {message}"
    return str(message)


def _apply_errors(form, error):
    for key, message in error.fields.items():
        target = getattr(form, key, None)
        if target is not None and message:
            target.errors = (
                [*target.errors, str(message)] if isinstance(target.errors, list) else [str(message)]
            )
    form.form_errors.append(str(error.message))


@bp.route("/staff/campaigns/<int:campaign_id>/letters/new", methods=["GET", "POST"])
@campaign_access("editor")
def new(campaign_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _form_choices(LetterForm())
    if form.validate_on_submit():
        try:
            letter = create_letter(campaign, form.service_data(), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            _apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("The letter is saved as a draft."), "info")
            return redirect(url_for("letters.edit", letter_id=letter.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("letters/edit.html", form=form, campaign=campaign, letter=None), status


@bp.route("/staff/letters/<int:letter_id>", methods=["GET", "POST"])
@campaign_access("viewer")
def edit(letter_id):
    letter = letter_or_404(letter_id)
    form = _form_choices(LetterForm(obj=None if request.method == "POST" else letter))
    if request.method == "GET":
        form.recipient_ids.data = [link.recipient_id for link in letter.recipient_links]
        form.single_language.data = str(letter.single_language or "")
        form.kind.data = str(letter.kind)
        form.lock_version.data = letter.lock_version
    conflict = None
    if form.validate_on_submit():
        if not can(current_user, "edit", letter.campaign_id):
            abort(403)
        try:
            save_letter(letter, form.service_data(), actor=current_user, lock_version=form.lock_version.data)
        except EditConflict as error:
            db.session.rollback()
            conflict = compare(error.theirs, form.service_data())
            form.lock_version.data = error.lock_version
            form.form_errors.append(str(error.message))
        except ValidationError as error:
            db.session.rollback()
            _apply_errors(form, error)
        else:
            db.session.commit()
            forget_letter(letter)
            flash(_("Saved."), "info")
            return redirect(url_for("letters.edit", letter_id=letter.id))
    status = 409 if conflict is not None else (422 if form.errors or form.form_errors else 200)
    return render_template(
        "letters/edit.html",
        form=form,
        campaign=letter.campaign,
        letter=letter,
        conflict=conflict,
        unapproved=_unapproved(letter),
        printed_labels=PRINTED_LABELS,
        transitions=allowed_transitions(letter),
        status_labels=STATUS_LABELS,
        action_form=ActionForm(),
        older_count=len(older_signatures(letter)),
    ), status


def _unapproved(letter):
    """What an open letter's saved draft changes in its current version, or None."""
    if letter.status != LetterStatus.OPEN or not has_unapproved_changes(letter):
        return None
    return unapproved_changes(letter.current_version, letter)


def _flash_refusal(error):
    if isinstance(error, EditConflict):
        flash(
            _("Someone saved this letter after you loaded the page: look at it again, then decide."), "error"
        )
        return
    flash(str(error.message), "error")
    for key, message in error.fields.items():
        if message:
            flash(_named(key, message), "error")


# The letter's language is in the path: a ?lang= would also switch the staff member's own language.
@bp.route("/staff/letters/<int:letter_id>/preview/<lang>")
@campaign_access("viewer")
def preview(letter_id, lang):
    letter = letter_or_404(letter_id)
    if lang not in ("en", "ko"):
        abort(404)
    html = with_web_fonts(render_letter_html(letter_context(letter, lang)))
    # The preview is the letter's own HTML: no script may run in it; only our fonts may be fetched.
    csp = (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:; font-src 'self'; "
        "frame-ancestors 'self'"
    )
    return html, 200, {"Content-Security-Policy": csp, "Content-Type": "text/html; charset=utf-8"}


def with_web_fonts(html):
    """The letter's HTML with the letter fonts as web fonts, so the preview looks like the PDF."""
    link = f'<link rel="stylesheet" href="{url_for("static", filename="fonts.css")}">'
    return html.replace("</head>", f"{link}\n</head>", 1)


def _letter_button(letter_id, act):
    """A button on the letter's page: act(letter, lock_version) returns what to flash once committed;
    a refusal is flashed instead, and either way the staff member is back on the letter's page."""
    letter = letter_or_404(letter_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        message = act(letter, form.lock_version.data)
    except DomainError as error:
        db.session.rollback()
        _flash_refusal(error)
    else:
        db.session.commit()
        forget_letter(letter)
        flash(message, "info")
    return redirect(url_for("letters.edit", letter_id=letter.id))


@bp.route("/staff/letters/<int:letter_id>/transition", methods=["POST"])
@campaign_access("editor")
def change_state(letter_id):
    def act(letter, lock_version):
        transition(letter, request.form.get("to", ""), current_user, lock_version=lock_version)
        return _("The letter is now %(state)s.", state=STATUS_LABELS[letter.status])

    return _letter_button(letter_id, act)


def _revisions_page(letter, error=None):
    rows = db.session.scalars(
        sa.select(LetterRevision)
        .where(LetterRevision.letter_id == letter.id)
        .order_by(LetterRevision.number.desc())
    ).all()
    by_number = {r.number: r for r in rows}
    old, new = by_number.get(request.args.get("a", type=int)), by_number.get(request.args.get("b", type=int))
    if "a" not in request.args and "b" not in request.args and len(rows) >= 2:
        old, new = rows[1], rows[0]  # by default, what the latest revision changed
    changes = compare(old, new) if old and new else None
    return render_template(
        "letters/revisions.html",
        letter=letter,
        revisions=rows,
        old=old,
        new=new,
        changes=changes,
        part_labels=PART_LABELS,
        form=ActionForm(),
        error=error,
    ), error.status if error else 200


@bp.route("/staff/letters/<int:letter_id>/approve", methods=["POST"])
@campaign_access("editor")
def approve(letter_id):
    def act(letter, lock_version):
        version = approve_changes(letter, current_user, lock_version=lock_version)
        return _("Version %(n)d is approved: the letter now prints it.", n=version.number)

    return _letter_button(letter_id, act)


@bp.route("/staff/letters/<int:letter_id>/revisions")
@campaign_access("viewer")
def revisions(letter_id):
    return _revisions_page(letter_or_404(letter_id))


@bp.route("/staff/letters/<int:letter_id>/revisions/<int:number>/restore", methods=["POST"])
@campaign_access("editor")
def restore(letter_id, number):
    letter = letter_or_404(letter_id)
    revision = db.first_or_404(
        sa.select(LetterRevision).where(
            LetterRevision.letter_id == letter.id, LetterRevision.number == number
        )
    )
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        restore_revision(letter, revision, actor=current_user, lock_version=form.lock_version.data)
    except EditConflict:
        db.session.rollback()
        conflict = Conflict(_("Someone else saved this letter after you opened this page: restore again."))
        return _revisions_page(letter, conflict)
    except DomainError as error:
        db.session.rollback()
        # The page answers with the error's status, so a refused restore is never taken for a done one.
        return _revisions_page(letter, error)
    db.session.commit()
    forget_letter(letter)
    flash(_("Revision %(n)d is restored as the current text.", n=number), "info")
    return redirect(url_for("letters.edit", letter_id=letter.id))


# The reconfirmation pages live in their own module, on this blueprint.
from app.letters import reconfirm_views  # noqa: E402,F401
