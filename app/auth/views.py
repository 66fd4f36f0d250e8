"""Login and logout pages."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.permissions import can
from app.auth.services import LoginFailed, LoginThrottled, authenticate, end_session
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)
bp.add_app_template_global(can)


def _safe_next(target):
    """Only local paths: never redirect a login to another site, nor into a header of our own.

    Browsers read a backslash as a slash ("/\\evil.example" is "//evil.example"), and a CR or LF
    would end the Location header; any of these, or any other control character, is ignored.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and target.isprintable()
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("campaigns.staff_index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("campaigns.staff_index"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr)
        except LoginThrottled as error:
            form.form_errors.append(str(error.message))
            status, headers = 429, {"Retry-After": str(error.seconds)}
        except LoginFailed as error:
            db.session.commit()  # keep the failure count
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    if form.errors and status == 200:
        status = 422
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        end_session(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("campaigns.index"))
