"""Staff import signatures from a CSV file (preview first) and export a letter's signatures."""

import csv
import io
import json
import re

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.core.timeutil import utcnow
from app.signatures.models import Display, SignatoryKind, SignatureSource, SignatureStatus
from app.signatures.normalize import email_key
from tests.factories import SignatoryFactory, SignatureFactory
from tests.helpers import page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import make_open_letter, signatures

HEADER = "kind,name_en,name_ko,line,country,email,display"
ROWS = [
    "individual,,김철수,탈북민 가족,KR,Kim.Cheolsu@gmail.com,initials",  # row 2: fine
    "organization,Citizens' Alliance for North Korean Human Rights,북한인권시민연합,,KR,,",  # 3: fine
    "robot,Bad Row,,,ZZ,not-an-email,sometimes",  # 4: four errors
    "individual,Already Signed,,,,DUP@example.org,",  # 5: signed the letter before
    "",  # blank lines are skipped
    "organization,citizens alliance for north-korean human rights,,,,,",  # 7: same as row 3
]
CSV = ("\ufeff" + "\r\n".join([HEADER, *ROWS]) + "\r\n").encode("utf-8")


def import_page(client, letter):
    return client.get(f"/staff/letters/{letter.id}/signatures/import")


def upload(client, letter, content, filename="signatures.csv"):
    """Choose a file on the import page and press "Check the file"."""
    action, fields = form_on(import_page(client, letter), class_="stacked upload")
    data = {**fields, "file": (io.BytesIO(content), filename, "text/csv")}
    return client.post(action, data=data, content_type="multipart/form-data")


def confirm_import(client, preview):
    """Press "Import N rows" on the preview page."""
    action, fields = form_on(preview, class_="confirm-import")
    return client.post(action, data=fields)


def signed_before(letter, email):
    return SignatureFactory(
        letter_id=letter.id,
        version_id=letter.current_version.id,
        signatory=SignatoryFactory(name_en="Already Signed", email=email, email_key=email_key(email)),
    )


def staged_files(uploads):
    return sorted((uploads / "imports").glob("*.csv")) if (uploads / "imports").exists() else []


def test_the_import_page_documents_the_header_and_offers_a_template(client, auth, letter):
    auth.login("editor")
    assert HEADER in page_text(import_page(client, letter))

    template = client.get("/staff/signatures/import-template.csv")

    assert template.status_code == 200
    assert template.headers["Content-Disposition"] == "attachment; filename=signatures-template.csv"
    assert template.data == ("\ufeff" + HEADER + "\r\n").encode("utf-8")


def test_the_preview_checks_every_row_and_writes_nothing(client, auth, letter, uploads):
    existing = signed_before(letter, "dup@example.org")
    auth.login("editor")

    preview = upload(client, letter, CSV)

    assert preview.status_code == 200
    text = page_text(preview)
    assert "2 rows can be imported." in text and "Import 2 rows" in text
    assert "김철수" in text and "북한인권시민연합" in text
    assert "kind : Choose organization or individual." in text
    assert "country : Choose a country from the list." in text
    assert "email : This is not a valid email address." in text
    assert "display : Choose how your name is shown." in text
    assert f"Duplicate of #{existing.id}" in text
    assert "Duplicate of row 3" in text
    rows = re.findall(r'<tr class="(\w+)">\s*<td>(\d+)</td>', preview.get_data(as_text=True))
    assert rows == [("ok", "2"), ("ok", "3"), ("invalid", "4"), ("duplicate", "5"), ("duplicate", "7")]
    assert [s.id for s in signatures(letter)] == [existing.id]
    assert len(staged_files(uploads)) == 1


def test_importing_writes_the_valid_new_rows_and_a_second_import_adds_nothing(
    client, auth, letter, uploads, db
):
    signed_before(letter, "dup@example.org")
    editor = auth.login("editor")
    preview = upload(client, letter, CSV)
    second_preview = upload(client, letter, CSV)  # the same file, checked twice before importing

    done = confirm_import(client, preview)

    assert done.status_code == 302
    assert "2 signatures imported." in page_text(client.get(done.headers["Location"]))
    imported = [s for s in signatures(letter) if s.source == SignatureSource.IMPORT]
    assert [(s.status, s.signatory.kind) for s in imported] == [
        (SignatureStatus.APPROVED, SignatoryKind.INDIVIDUAL),
        (SignatureStatus.APPROVED, SignatoryKind.ORGANIZATION),
    ]
    person = imported[0].signatory
    assert (person.name_ko, person.line_ko, person.email, person.display, str(person.language)) == (
        "김철수",
        "탈북민 가족",
        "Kim.Cheolsu@gmail.com",
        Display.INITIALS,
        "ko",
    )
    assert len(staged_files(uploads)) == 1  # the imported file is gone; the second preview's stays

    again = confirm_import(client, second_preview)
    assert "0 signatures imported." in page_text(client.get(again.headers["Location"]))
    third = upload(client, letter, CSV)
    assert "0 rows can be imported." in page_text(third) and "Import 0 rows" not in page_text(third)
    assert len(signatures(letter)) == 3
    audited = db.session.scalars(
        sa.select(AuditLog.details).where(AuditLog.actor_id == editor.id, AuditLog.action == "signature.add")
    ).all()
    assert audited == [{"source": "import"}] * 2


def test_reimporting_the_same_file_adds_nothing_also_for_individuals_without_an_email(
    client, auth, letter, uploads
):
    paper = "\r\n".join(
        [
            HEADER,
            "individual,Lee Min,이민,sister of a detainee,KR,,",
            "individual,Lee Min,,,,,",  # the same name, nothing else: another person on the list
            "individual,,박철,,KR,,full",
            "individual,,박철,,KR,,full",  # the same line twice in one file
        ]
    ).encode("utf-8")
    auth.login("editor")

    preview, checked_before = upload(client, letter, paper), upload(client, letter, paper)
    first = confirm_import(client, preview)
    assert "3 signatures imported." in page_text(client.get(first.headers["Location"]))

    again = confirm_import(client, checked_before)
    assert "0 signatures imported." in page_text(client.get(again.headers["Location"]))
    third = page_text(upload(client, letter, paper))
    assert "0 rows can be imported." in third
    ids = [s.id for s in signatures(letter)]
    assert f"Duplicate of #{ids[0]}" in third and f"Duplicate of #{ids[2]}" in third
    assert len(ids) == 3


def test_a_file_without_byte_order_mark_is_read_the_same(client, auth, letter, uploads):
    auth.login("editor")
    content = (HEADER + "\n" + "individual,Lee Min,이민,,KR,,\n").encode("utf-8")

    done = confirm_import(client, upload(client, letter, content))

    assert done.status_code == 302
    assert [s.signatory.name_ko for s in signatures(letter)] == ["이민"]


def test_files_that_cannot_be_read_get_a_clear_message(client, auth, letter, uploads, app, monkeypatch):
    auth.login("editor")
    korean_windows = (HEADER + "\r\nindividual,,김철수,,KR,,\r\n").encode("cp949")
    cases = [
        (korean_windows, "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
        (b"name,email\r\nJane,jane@example.org\r\n", f"The first line must be this header: {HEADER}"),
        (b"", "Choose a CSV file to upload."),
        (f'{HEADER}\r\nindividual,"Jane\r\n'.encode(), "This is not a readable CSV file"),
    ]
    for content, message in cases:
        response = upload(client, letter, content)
        assert response.status_code == 422, message
        assert message in page_text(response)

    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 2048)
    too_large = upload(client, letter, CSV + b"individual,Jane,,,,,\r\n" * 200)
    assert too_large.status_code == 422
    assert "The file is too large (at most 2 KB)." in page_text(too_large)
    assert signatures(letter) == [] and staged_files(uploads) == []


def test_a_row_with_the_wrong_number_of_cells_is_shown_as_an_error(client, auth, letter, uploads):
    auth.login("editor")

    preview = upload(client, letter, f"{HEADER}\nindividual,Jane Doe\n".encode())

    assert "This row has 2 cells; the header has 7." in page_text(preview)
    assert "0 rows can be imported." in page_text(preview)


def test_a_forged_or_foreign_import_token_imports_nothing(client, auth, letter, uploads):
    auth.login("editor")
    preview = upload(client, letter, CSV)
    action, fields = form_on(preview, class_="confirm-import")
    other = make_open_letter()

    for target, token in (
        (action, fields["token"] + "x"),
        (f"/staff/letters/{other.id}/signatures/import", fields["token"]),
    ):
        response = client.post(target, data={**fields, "token": token})
        assert response.status_code == 422
        assert "This preview has expired. Please upload the file again." in page_text(response)
    assert signatures(letter) == [] and signatures(other) == []


def test_viewers_cannot_import_or_export(client, auth, letter):
    auth.login("viewer")
    assert import_page(client, letter).status_code == 403
    for fmt in ("csv", "json"):
        assert client.get(f"/staff/letters/{letter.id}/signatures/export.{fmt}").status_code == 403


def formula_signer(letter):
    return SignatureFactory(
        letter_id=letter.id,
        version_id=letter.current_version.id,
        signatory=SignatoryFactory(
            name_en='=HYPERLINK("http://evil")',
            name_ko="김정삼",
            line_en="+82 2 123 4567",
            contact_name="@SUM(A1)",
            website="-1+1",
            email="kim@example.org",
        ),
        hold_reason="\tx",
    )


def test_the_csv_export_opens_safely_in_a_spreadsheet_with_korean_intact(client, auth, letter, db):
    signature = formula_signer(letter)
    editor = auth.login("editor")

    response = client.get(f"/staff/letters/{letter.id}/signatures/export.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    expected = f"attachment; filename=signatures-{letter.slug}-{utcnow():%Y-%m-%d}.csv"
    assert response.headers["Content-Disposition"] == expected
    assert response.data.startswith(b"\xef\xbb\xbf")
    [row] = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert row["name_en"] == '\'=HYPERLINK("http://evil")'
    assert (row["line_en"], row["contact_name"], row["website"], row["hold_reason"]) == (
        "'+82 2 123 4567",
        "'@SUM(A1)",
        "'-1+1",
        "'\tx",
    )
    assert (row["name_ko"], row["email"], row["status"], row["id"]) == (
        "김정삼",
        "kim@example.org",
        "approved",
        str(signature.id),
    )
    assert db.session.scalar(sa.select(AuditLog.details).where(AuditLog.action == "signature.export")) == {
        "format": "csv",
        "count": 1,
    }
    assert editor.id == db.session.scalar(
        sa.select(AuditLog.actor_id).where(AuditLog.action == "signature.export")
    )


def test_the_json_export_has_every_field_unchanged(client, auth, letter):
    signature = formula_signer(letter)
    auth.login("editor")

    response = client.get(f"/staff/letters/{letter.id}/signatures/export.json")

    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Disposition"].endswith(".json")
    [record] = json.loads(response.data)["signatures"]
    assert record["name_en"] == '=HYPERLINK("http://evil")' and record["name_ko"] == "김정삼"
    assert record["id"] == signature.id and record["version"] == 1 and record["has_consented"] is True
    assert record["created_at"] == signature.created_at.isoformat() and record["confirmed_at"] is None
    assert "김정삼".encode() in response.data
