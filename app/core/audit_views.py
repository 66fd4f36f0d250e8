"""The audit log page (/staff/audit): admins see every entry, editors their campaigns' entries."""

import json

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user

from app.auth.access import role_required
from app.auth.models import Membership, Role, User
from app.campaigns.models import Campaign
from app.core.audit import AuditKind, AuditLog
from app.core.csv_cells import csv_bytes
from app.core.downloads import CSV, attachment
from app.core.pagination import paginate
from app.extensions import db

bp = Blueprint("staff_audit", __name__, url_prefix="/staff/audit")

#: The longest CSV export, in entries.
EXPORT_MAX = 100_000

COLUMNS = ["id", "when", "kind", "who", "action", "campaign", "object", "details", "before", "after"]


def _int(name):
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def filters():
    kind = request.args.get("kind", "")
    return {
        "campaign": _int("campaign"),
        "actor": _int("actor"),
        "kind": kind if kind in set(AuditKind) else "",
    }


def entries(user, chosen):
    """The entries `user` may read, newest first, narrowed by the chosen filters."""
    query = sa.select(AuditLog).order_by(AuditLog.id.desc())
    if not user.is_admin:
        edited = sa.select(Membership.campaign_id).where(
            Membership.user_id == user.id, Membership.role == Role.EDITOR
        )
        query = query.where(AuditLog.campaign_id.in_(edited))
    if chosen["campaign"] is not None:
        query = query.where(AuditLog.campaign_id == chosen["campaign"])
    if chosen["actor"] is not None:
        query = query.where(AuditLog.actor_id == chosen["actor"])
    if chosen["kind"]:
        query = query.where(AuditLog.kind == chosen["kind"])
    return query


def _campaigns(user):
    query = sa.select(Campaign).order_by(Campaign.slug)
    if not user.is_admin:
        query = query.where(
            Campaign.id.in_(
                sa.select(Membership.campaign_id).where(
                    Membership.user_id == user.id, Membership.role == Role.EDITOR
                )
            )
        )
    return db.session.scalars(query).all()


@bp.get("")
@role_required("editor")
def index():
    chosen = filters()
    page = paginate(entries(current_user, chosen), request.args.get("page"))
    campaigns = _campaigns(current_user)
    people = db.session.scalars(sa.select(User).order_by(User.email)).all() if current_user.is_admin else []
    return render_template(
        "audit/index.html",
        page=page,
        chosen=chosen,
        query_args={k: v for k, v in chosen.items() if v not in (None, "")},
        campaigns=campaigns,
        slugs={c.id: c.slug for c in campaigns},
        people=people,
        kinds=list(AuditKind),
    )


def _row(entry, slugs):
    return [
        entry.id,
        entry.created_at.isoformat(),
        str(entry.kind),
        entry.actor.email if entry.actor else "",
        entry.action,
        slugs.get(entry.campaign_id, entry.campaign_id or ""),
        f"{entry.object_type}:{entry.object_id}" if entry.object_type else "",
        _json(entry.details),
        _json(entry.before),
        _json(entry.after),
    ]


def _json(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


@bp.get("/export.csv")
@role_required("editor")
def export():
    rows = db.session.scalars(entries(current_user, filters()).limit(EXPORT_MAX)).all()
    slugs = dict(db.session.execute(sa.select(Campaign.id, Campaign.slug)).all())
    return attachment(csv_bytes(COLUMNS, [_row(e, slugs) for e in rows]), CSV, "audit-log.csv")
