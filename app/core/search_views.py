"""The staff search page (/staff/search?q=): matches grouped by kind, each with its link."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.auth.access import staff_required
from app.core.search import clean_query, search
from app.deliveries.labels import DELIVERY_STATUS_LABELS
from app.signatures.labels import LABELS as SIGNATURE_LABELS
from app.signatures.labels import state_label

bp = Blueprint("search", __name__, url_prefix="/staff")


@bp.get("/search")
@staff_required
def index():
    raw = request.args.get("q", "")
    q = clean_query(raw)
    results = search(q, current_user) if q else None
    return render_template(
        "search/index.html",
        q=raw.strip()[:200],
        results=results,
        too_short=bool(raw.strip()) and not q,
        signature_labels=SIGNATURE_LABELS,
        state_label=state_label,
        delivery_labels=DELIVERY_STATUS_LABELS,
    )
