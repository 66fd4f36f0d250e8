"""CSV export and import of the registry: previewed, idempotent, and a round trip keeps every field."""

import csv
import io
import re

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.models import Recipient
from app.recipients.services import create_recipient
from tests.helpers import csrf_token, page_text
from tests.recipients.conftest import FULL

IMPORT = "/staff/recipients/import"
_TOKEN = re.compile(r'name="token" value="([^"]+)"')


def _export(client):
    response = client.get("/staff/recipients/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return response.data


def _rows(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _upload(client, data):
    """Send the file for a preview; (the preview page, the token to confirm it with or None)."""
    response = client.post(
        IMPORT,
        data={"csrf_token": csrf_token(client, IMPORT), "file": (io.BytesIO(data), "recipients.csv")},
        content_type="multipart/form-data",
    )
    match = _TOKEN.search(response.get_data(as_text=True))
    return response, match and match.group(1)


def _confirm(client, token, update_changed=False):
    data = {"csrf_token": csrf_token(client, IMPORT), "token": token}
    if update_changed:
        data["update_changed"] = "y"
    return client.post(IMPORT, data=data, follow_redirects=True)


def _import(client, data, update_changed=False):
    _preview, token = _upload(client, data)
    assert token, page_text(_preview)
    return _confirm(client, token, update_changed)


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Recipient))


def _registry(db):
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Recipient).order_by(Recipient.id))
    return [
        {
            key: getattr(r, key)
            for key in ("name_en", "address_en", "address_ko", "emails", "fax", "tags", "notes")
        }
        for r in rows
    ]


def _tricky_registry(db):
    create_recipient(FULL, None)
    create_recipient(
        {
            "kind": "international_body",
            "name_en": "UNHCR",
            "name_ko": "유엔난민기구",
            "address_en": "Case Postale 2500\n1211 Geneva 2\nSwitzerland",
            "emails": ["one@unhcr.example", "two@unhcr.example", "three@unhcr.example"],
            "fax": "+41 22 739 7377",
            "notes": '=HYPERLINK("http://evil.example")\n- second line',
            "tags": ["UN", "copied"],
        },
        None,
    )
    create_recipient({"kind": "person", "name_ko": "김 담당관", "preferred_language": "ko"}, None)
    db.session.commit()


def test_export_then_import_into_an_empty_registry_gives_the_same_registry(auth, client, db):
    _tricky_registry(db)
    auth.login("editor")
    exported = _export(client)
    before = _registry(db)
    db.session.execute(sa.delete(Recipient))
    db.session.commit()
    assert _count(db) == 0

    page = page_text(_import(client, exported))
    assert "Recipients added: 3; updated: 0." in page
    assert _registry(db) == before
    assert _export(client) == exported


def test_export_neutralizes_cells_a_spreadsheet_would_run_as_formulas(auth, client, db):
    _tricky_registry(db)
    auth.login("editor")
    rows = {row["name_en"]: row for row in _rows(_export(client))}
    assert rows["UNHCR"]["notes"].startswith("'=HYPERLINK(")
    assert rows["UNHCR"]["fax"] == "'+41 22 739 7377"
    assert rows["UNHCR"]["emails"] == "one@unhcr.example\ntwo@unhcr.example\nthree@unhcr.example"
    assert rows["UNHCR"]["address_en"] == "Case Postale 2500\n1211 Geneva 2\nSwitzerland"
    assert rows["UNHCR"]["tags"] == "copied, UN"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "recipient.export"))
    assert entry.actor_id == auth.user.id and entry.details == {"count": 3}


def test_importing_the_same_file_twice_adds_nothing(auth, client, db):
    auth.login("editor")
    data = _export(client).decode("utf-8-sig").splitlines()[0].encode() + (
        b"\r\nministry,Ministry of Foreign Affairs,\xec\x99\xb8\xea\xb5\x90\xeb\xb6\x80,,,,,KR,"
        b"mofa@example.kr,,,ko,,,,Korea,\r\n"
    )
    _import(client, data)
    assert _count(db) == 1
    updated_at = db.session.scalar(sa.select(Recipient.updated_at))
    preview, token = _upload(client, data)
    text = page_text(preview)
    assert "Already in the registry as it is: nothing to do" in text
    assert "Nothing to import: the file adds nothing to the registry." in text
    assert token is None
    assert _count(db) == 1
    assert db.session.scalar(sa.select(Recipient.updated_at)) == updated_at


def test_a_row_that_differs_from_its_recipient_changes_it_only_when_confirmed(auth, client, db):
    create_recipient(FULL, None)
    db.session.commit()
    auth.login("editor")
    data = b"name_en,fax,tags\r\nEmbassy of Ukraine in the Republic of Korea,+82 2 555 0199,Ukraine\r\n"
    preview, token = _upload(client, data)
    assert "Differs from the registry's record in: fax , tags" in page_text(preview)

    _confirm(client, token, update_changed=False)
    recipient = db.session.scalar(sa.select(Recipient))
    db.session.refresh(recipient)
    assert recipient.fax == "+82 2 555 0100" and recipient.tags == ["delivery in Seoul", "Ukraine"]

    page = page_text(_import(client, data, update_changed=True))
    assert "Recipients added: 0; updated: 1." in page
    db.session.refresh(recipient)
    assert recipient.fax == "+82 2 555 0199" and recipient.tags == ["Ukraine"]
    # Columns left out of the file keep their values.
    assert recipient.emails == ["consular@embassy.example", "emb_kr@embassy.example"]
    assert _count(db) == 1


def test_the_preview_writes_nothing_and_names_each_rows_problem(auth, client, db):
    auth.login("editor")
    data = (
        b"kind,name_en,name_ko,emails,country\r\n"
        b"embassy,Embassy A,,a@example.org,KR\r\n"
        b"embassy,embassy a,,,KR\r\n"
        b"ministry,,,,UA\r\n"
        b"ministry,Ministry B,,not-an-email,ZZ\r\n"
        b"ministry,Ministry C,,,\r\n"
        b"ministry,Ministry D\r\n"
    )
    preview, token = _upload(client, data)
    text = page_text(preview)
    assert preview.status_code == 200 and token
    assert (
        "New: 2 · changed: 0 · already in the registry as they are: 0 · duplicates: 1 · with errors: 3"
        in text
    )
    assert "Same name as row 2: left out" in text
    assert "name_en : Enter a name in English or Korean (or both)." in text
    assert "emails : Not a valid email address: not-an-email" in text
    assert "country : Choose a country from the list." in text
    assert "This row has 2 cells; the header has 5." in text
    assert _count(db) == 0
    _confirm(client, token)
    names = db.session.scalars(sa.select(Recipient.name_en).order_by(Recipient.name_en)).all()
    assert names == ["Embassy A", "Ministry C"]


def test_a_file_with_unknown_columns_is_refused_before_any_row(auth, client, db):
    auth.login("editor")
    preview, token = _upload(client, b"name_en,email\r\nEmbassy A,a@example.org\r\n")
    assert preview.status_code == 422 and token is None
    assert "The first line must name the columns, among these: kind,name_en," in page_text(preview)


def test_an_expired_or_forged_preview_imports_nothing(auth, client, db):
    auth.login("editor")
    page = page_text(_confirm(client, "forged"))
    assert "This preview has expired. Please upload the file again." in page
    assert _count(db) == 0


def test_the_template_is_the_exports_header(auth, client):
    auth.login("editor")
    template = client.get("/staff/recipients/import-template.csv").data
    assert template == _export(client)
    assert template.decode("utf-8-sig").startswith("kind,name_en,name_ko,addressee_en,")
