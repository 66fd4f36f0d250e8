"""Read a campaign archive into this database and file store, all of it or nothing.

Rows get new ids and their links are translated; staff are matched by email (else left empty),
recipients by name (a recipient of the same name here is used).
Files are written after the rows are flushed, and removed again if anything fails.
"""

import hashlib
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from app.campaigns.models import Campaign
from app.campaigns.transfer import FORMAT, FORMAT_VERSION, TransferError
from app.campaigns.transfer.tables import decode, file_path
from app.core import audit
from app.documents import storage
from app.extensions import db
from app.recipients.services import find_by_name

log = logging.getLogger(__name__)

_NOTICE_KEY = re.compile(r"^(delivery|event):(\d+)$")
_NOTICE_TABLES = {"delivery": "deliveries", "event": "status_events"}


@dataclass
class Imported:
    slug: str
    campaign_id: int
    counts: dict
    #: The files this import wrote (removed again by remove_files if the commit fails).
    files: list = field(default_factory=list)


def _open(source):
    try:
        archive = zipfile.ZipFile(source)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TransferError(f"This is not a campaign archive ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise TransferError("This is not a campaign archive (manifest.json names another format).")
    if manifest.get("version") != FORMAT_VERSION:
        raise TransferError(
            f"The archive is of format version {manifest.get('version')}; "
            f"this instance reads version {FORMAT_VERSION}."
        )
    return archive, manifest


def _lines(archive, member):
    try:
        text = archive.read(member).decode("utf-8")
    except KeyError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _staff(archive):
    """{old user id: user id here}, matched by email."""
    old = {row["id"]: row["email"] for row in _lines(archive, "users.jsonl")}
    users = db.metadata.tables["users"]
    here = (
        dict(
            db.session.execute(
                sa.select(users.c.email, users.c.id).where(users.c.email.in_(sorted(set(old.values()))))
            ).all()
        )
        if old
        else {}
    )
    return {key: here.get(email) for key, email in old.items()}


def _target(column):
    keys = list(column.foreign_keys)
    return keys[0].column.table.name if keys else None


def _translate(tbl, record, ids, staff, deferred):
    """The row as this database takes it: values decoded, links to new ids; self-links deferred."""
    values = {}
    for column in tbl.columns:
        if (column.primary_key and column.name == "id") or column.name not in record:
            continue  # a column the archive lacks (an older version's) takes its default
        value = decode(column, record.get(column.name))
        target = _target(column)
        if target and value is not None:
            if target == "users":
                value = staff.get(value)
            elif target == tbl.name:
                deferred.append((column.name, value))
                value = None
            elif value not in ids.get(target, {}):
                if not column.nullable:
                    raise TransferError(
                        f"{tbl.name}.{column.name} points at a {target} row the archive lacks."
                    )
                value = None
            else:
                value = ids[target][value]
        values[column.name] = value
    if tbl.name == "update_notices" and "key" in values:
        values["key"] = _notice_key(values["key"], ids)
    return values


def _notice_key(key, ids):
    match = _NOTICE_KEY.match(key or "")
    if not match:
        return key
    new = ids.get(_NOTICE_TABLES[match[1]], {}).get(int(match[2]))
    return f"{match[1]}:{new}" if new is not None else key


def _snapshot(snapshot, ids):
    """A document's list of signatories, with the new ids of their signatures and signatories."""
    if not isinstance(snapshot, dict):
        return snapshot
    rows = []
    for row in snapshot.get("signatories", []):
        row = dict(row)
        for key, name in (("signature_id", "signatures"), ("signatory_id", "signatories")):
            if row.get(key) is not None:
                row[key] = ids.get(name, {}).get(row[key])
        rows.append(row)
    return {**snapshot, "signatories": rows}


def _known(name, record, ids, matched):
    """A recipient of the same name here is the one the letters go to (names are unique, as in the
    registry): its id is used and neither it nor its tags are written again."""
    if name == "recipient_tags":
        return record["recipient_id"] in matched
    if name != "recipients":
        return False
    existing = find_by_name(record["name_en"], record["name_ko"])
    if not existing:
        return False
    ids.setdefault(name, {})[record["id"]] = existing[0].id
    matched.add(record["id"])
    return True


def _update(tbl, row_id, values):
    """Update one row, keeping columns that change themselves on update (updated_at) as they were."""
    kept = {column.name: column for column in tbl.columns if column.onupdate is not None}
    db.session.execute(tbl.update().where(tbl.c.id == row_id).values({**kept, **values}))


def _insert_rows(archive, names):
    ids, staff, counts, matched = {}, _staff(archive), {}, set()
    for tbl in db.metadata.sorted_tables:
        if tbl.name not in names:
            continue
        ids.setdefault(tbl.name, {})
        late = []
        records = _lines(archive, f"tables/{tbl.name}.jsonl")
        for record in records:
            if _known(tbl.name, record, ids, matched):
                continue
            deferred = []
            values = _translate(tbl, record, ids, staff, deferred)
            if "id" in tbl.c:
                new = db.session.execute(tbl.insert().values(**values).returning(tbl.c.id)).scalar_one()
                ids[tbl.name][record["id"]] = new
                late.extend((new, column, old) for column, old in deferred)
            else:
                db.session.execute(tbl.insert().values(**values))
        for new, column, old in late:
            _update(tbl, new, {column: ids[tbl.name].get(old)})
        counts[tbl.name] = len(records)
    documents = db.metadata.tables["documents"]
    for new in ids.get("documents", {}).values():
        snapshot = db.session.execute(
            sa.select(documents.c.signatories).where(documents.c.id == new)
        ).scalar()
        _update(documents, new, {"signatories": _snapshot(snapshot, ids)})
    return ids, counts


def _write_files(archive, manifest):
    """Write every file of the archive; returns the paths written. Leaves none behind on failure."""
    written = []
    try:
        for entry in manifest.get("files", []):
            kind, name = entry["kind"], entry["name"]
            path = file_path(kind, name)
            if path is None:
                raise TransferError(f"The archive holds a file with an unsafe name: {kind}/{name!r}.")
            data = archive.read(f"files/{kind}/{name}")
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry["sha256"]:
                raise TransferError(
                    f"The file {kind}/{name} in the archive is damaged (its SHA-256 differs)."
                )
            if path.exists():
                if hashlib.sha256(path.read_bytes()).hexdigest() == digest:
                    continue
                raise TransferError(f"A different file {kind}/{name} exists already in this file store.")
            storage.write_atomically(path, data)
            written.append(path)
    except BaseException:
        remove_files(written)
        raise
    return written


def remove_files(paths):
    for path in paths:
        Path(path).unlink(missing_ok=True)


def import_campaign(source):
    """Insert the archive's campaign and write its files; flush, never commit. TransferError if refused.

    The caller commits, and on a failed commit calls remove_files(result.files).
    """
    archive, manifest = _open(source)
    with archive:
        slug = manifest.get("slug")
        campaigns = db.metadata.tables["campaigns"]
        if db.session.scalar(sa.select(campaigns.c.id).where(campaigns.c.slug == slug)) is not None:
            raise TransferError(
                f"A campaign with the slug {slug!r} exists already here; nothing was imported."
            )
        try:
            ids, counts = _insert_rows(archive, set(manifest.get("tables", {})))
            db.session.flush()
        except sa.exc.IntegrityError as error:
            raise TransferError(f"The archive's rows clash with rows here: {error.orig}") from None
        (campaign_id,) = ids["campaigns"].values()
        files = _write_files(archive, manifest)
    audit.record("campaign.import", db.session.get(Campaign, campaign_id), rows=sum(counts.values()))
    log.info("imported campaign %s: %s rows, %s files", slug, sum(counts.values()), len(files))
    return Imported(slug=slug, campaign_id=campaign_id, counts=counts, files=files)
