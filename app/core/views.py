"""Pages every visitor shares: a health check."""

from flask import Blueprint, jsonify

bp = Blueprint("core", __name__)


@bp.route("/healthz")
def health():
    return jsonify(status="ok")
