"""The staff users page (admins only): list, create, roles per campaign, deactivate."""

import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import role_required
from app.auth.forms import ActionForm, NewUserForm
from app.auth.memberships import grant, revoke
from app.auth.models import CAMPAIGN_ROLES, Role, User
from app.auth.services import create_user, set_account_role, set_enabled
from app.campaigns.models import Campaign
from app.core.errors import DomainError
from app.extensions import db

bp = Blueprint("staff_users", __name__, url_prefix="/staff/users")


ROLE_LABELS = {Role.ADMIN: _l("Admin"), Role.EDITOR: _l("Editor"), Role.VIEWER: _l("Viewer")}


@bp.context_processor
def _labels():
    return {"role_labels": ROLE_LABELS}


def _user_or_404(user_id):
    return db.get_or_404(User, user_id)


@bp.get("")
@role_required("admin")
def index():
    users = db.session.scalars(sa.select(User).order_by(User.email)).all()
    campaigns = {c.id: c for c in db.session.scalars(sa.select(Campaign)).all()}
    return render_template("auth/users.html", users=users, campaigns=campaigns)


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = NewUserForm()
    if form.validate_on_submit():
        password = secrets.token_urlsafe(12)
        try:
            user = create_user(
                form.email.data, password, role=form.role.data, name=form.name.data, actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(error.message)]
        else:
            db.session.commit()
            return render_template("auth/user_created.html", user=user, password=password)
    status = 422 if form.errors else 200
    return render_template("auth/user_new.html", form=form), status


@bp.get("/<int:user_id>")
@role_required("admin")
def show(user_id):
    user = _user_or_404(user_id)
    campaigns = db.session.scalars(sa.select(Campaign).order_by(Campaign.title_en)).all()
    roles = {m.campaign_id: m.role.value for m in user.memberships}
    return render_template(
        "auth/user.html",
        user=user,
        campaigns=campaigns,
        roles=roles,
        form=ActionForm(),
        choices=CAMPAIGN_ROLES,
        account_roles=list(Role),
    )


@bp.post("/<int:user_id>/roles")
@role_required("admin")
def roles(user_id):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    account_role = request.form.get("account_role", "").strip()
    if account_role and account_role != user.role.value:
        if account_role not in set(Role) or user.id == current_user.id:
            flash(_("This account role cannot be given here."), "error")
            return redirect(url_for(".show", user_id=user.id))
        set_account_role(user, Role(account_role), actor=current_user)
    wanted = {}
    for campaign in db.session.scalars(sa.select(Campaign)).all():
        value = request.form.get(f"campaign-{campaign.id}", "").strip()
        if value and value not in CAMPAIGN_ROLES:
            flash(_("The role on a campaign is viewer or editor."), "error")
            return redirect(url_for(".show", user_id=user.id))
        wanted[campaign] = value
    for campaign, value in wanted.items():
        if value:
            grant(user, campaign, value, actor=current_user)
        else:
            revoke(user, campaign, actor=current_user)
    db.session.commit()
    flash(_("The roles are saved."), "info")
    return redirect(url_for(".show", user_id=user.id))


@bp.post("/<int:user_id>/active")
@role_required("admin")
def active(user_id):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for(".show", user_id=user.id))
    set_enabled(user, not user.is_enabled, actor=current_user)
    db.session.commit()
    flash(_("The account is active.") if user.is_enabled else _("The account is deactivated."), "info")
    return redirect(url_for(".show", user_id=user.id))
