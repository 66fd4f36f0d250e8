"""Pages every visitor shares: the language switch and a health check."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)

bp = Blueprint("core", __name__)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        target = url_for("campaigns.index")
    return redirect(target)


@bp.route("/healthz")
def health():
    return jsonify(status="ok")
