"""Write one campaign, its rows and its files, to a ZIP archive."""

import hashlib
import json
import logging
import zipfile

import sqlalchemy as sa

from app.campaigns.transfer import FORMAT, FORMAT_VERSION, TransferError
from app.campaigns.transfer.tables import FILES, SELECTION, encode, file_path
from app.core.timeutil import utcnow
from app.extensions import db

log = logging.getLogger(__name__)


def table(name):
    return db.metadata.tables[name]


def _order(tbl):
    return [column for column in tbl.primary_key.columns]


def _rows(tbl, condition):
    return [
        dict(row._mapping)
        for row in db.session.execute(sa.select(tbl).where(condition).order_by(*_order(tbl)))
    ]


def collect(slug):
    """{table name: [row dicts]} of the campaign's rows, in SELECTION's order; TransferError if none."""
    campaigns = table("campaigns")
    found = _rows(campaigns, campaigns.c.slug == slug)
    if not found:
        raise TransferError(f"No campaign has the slug {slug!r}.")
    rows = {"campaigns": found}
    for name, links in SELECTION:
        tbl = table(name)
        conditions = []
        for column, source, source_column in links:
            values = sorted({row[source_column] for row in rows[source]} - {None})
            if values:
                conditions.append(tbl.c[column].in_(values))
        rows[name] = _rows(tbl, sa.or_(*conditions)) if conditions else []
    return rows


def _users(rows):
    """The staff the rows name, as {id: email}."""
    ids = set()
    for name, table_rows in rows.items():
        for column in table(name).columns:
            if any(key.column.table.name == "users" for key in column.foreign_keys):
                ids.update(row[column.name] for row in table_rows)
    ids.discard(None)
    users = table("users")
    query = sa.select(users.c.id, users.c.email).where(users.c.id.in_(sorted(ids))).order_by(users.c.id)
    return {row.id: row.email for row in db.session.execute(query)} if ids else {}


def _outside(column, exported):
    """True for a link to a table the archive does not hold (the outbox): written as null."""
    targets = {key.column.table.name for key in column.foreign_keys}
    return bool(targets) and not targets & (exported | {"users"})


def _lines(name, table_rows, exported):
    columns = list(table(name).columns)
    for row in table_rows:
        record = {c.name: None if _outside(c, exported) else encode(c, row[c.name]) for c in columns}
        yield json.dumps(record, ensure_ascii=False, sort_keys=True)


def _files(rows):
    """(kind, name, path) of every stored file the rows point at."""
    for name, column, kind in FILES:
        for row in rows[name]:
            path = file_path(kind, row[column])
            if path is not None and path.is_file():
                yield kind, row[column], path


def export_campaign(slug, out):
    """Write the campaign's archive to `out` (a path or a binary file); return its manifest."""
    rows = collect(slug)
    exported = set(rows)
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "slug": slug,
        "exported_at": utcnow().isoformat(),
        "tables": {name: len(table_rows) for name, table_rows in rows.items()},
        "files": [],
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, table_rows in rows.items():
            archive.writestr(
                f"tables/{name}.jsonl", "".join(f"{line}\n" for line in _lines(name, table_rows, exported))
            )
        users = [json.dumps({"id": key, "email": email}) for key, email in _users(rows).items()]
        archive.writestr("users.jsonl", "".join(f"{line}\n" for line in users))
        for kind, name, path in _files(rows):
            data = path.read_bytes()
            archive.writestr(f"files/{kind}/{name}", data)
            manifest["files"].append({"kind": kind, "name": name, "sha256": hashlib.sha256(data).hexdigest()})
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    log.info(
        "exported campaign %s: %s rows, %s files",
        slug,
        sum(manifest["tables"].values()),
        len(manifest["files"]),
    )
    return manifest
