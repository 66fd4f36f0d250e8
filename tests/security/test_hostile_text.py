"""Hostile text in every field a person controls, read back wherever it is shown: nothing runs, nothing leaks.

To cover a new field, add a row to FIELDS: the column it is stored in ("model.column", as
tests/security/world.py builds the rows), the longest text it holds, and where it is shown
(names of SURFACES). The text is stored past the input checks (as an import or the API might
have let it in); tests/security/test_hostile_input.py sends it through the forms.
"""

from dataclasses import dataclass

import pytest

from app.auth.services import issue_token
from app.campaigns.public import forget_campaign
from app.documents import storage
from app.documents.services import current_document, render_document
from app.mail.compose import build_email
from app.signatures import emails
from tests.security import surfaces
from tests.security.hostile import values
from tests.security.world import build_world


@dataclass(frozen=True)
class Field:
    column: str
    limit: int
    shown: tuple
    multiline: bool = False


#: (field, where it is entered, where it is shown). "Entered" is the column the forms write.
FIELDS = (
    Field(
        "signatory.name_en",
        200,
        ("public", "staff_signatures", "staff_signature", "signatures_csv", "api_signatories", "pdf"),
    ),
    Field(
        "signatory.name_ko",
        200,
        (
            "public_ko",
            "staff_signatures",
            "staff_signature",
            "signatures_csv",
            "api_signatories_ko",
            "api_signatures",
            "pdf_ko",
        ),
    ),
    Field(
        "signatory.line_en", 300, ("public", "staff_signature", "signatures_csv", "api_signatories", "pdf")
    ),
    Field("signatory.line_ko", 300, ("public_ko", "staff_signature", "signatures_csv", "pdf_ko")),
    Field("signatory.website", 300, ("staff_signature", "signatures_csv")),
    Field("signatory.contact_name", 200, ("staff_signature", "signatures_csv", "api_signatures")),
    Field("letter.title_en", 300, ("public", "api_letter", "pdf", "confirmation_email")),
    Field("letter.body_en", 60000, ("public", "api_letter", "pdf"), multiline=True),
    Field("letter.closing_en", 500, ("api_letter", "pdf"), multiline=True),
    Field(
        "recipient.name_en",
        200,
        ("staff_recipient", "recipients_csv", "api_recipient", "public", "addressed_pdf"),
    ),
    Field(
        "recipient.address_en",
        2000,
        ("staff_recipient", "recipients_csv", "api_recipient", "addressed_pdf"),
        multiline=True,
    ),
    Field("response.summary_en", 2000, ("public", "staff_response", "api_response"), multiline=True),
    Field("response.text", 20000, ("staff_response", "api_response"), multiline=True),
    Field("event.description_en", 2000, ("public", "feed"), multiline=True),
    Field("delivery.received_by", 200, ("staff_delivery",)),
    Field("proof.note", 2000, ("staff_delivery",), multiline=True),
    Field("campaign.title_en", 200, ("public", "index", "feed", "api_campaign")),
    Field("campaign.summary_en", 5000, ("public",), multiline=True),
)


class Reader:
    """Reads one surface of the world as its reader does: visitor, editor or API client."""

    def __init__(self, app, world, staff, api_headers, listener):
        self.app, self.world, self.staff, self.listener = app, world, staff, listener
        self.headers = api_headers
        self.port = listener.port

    def page(self, url):
        return surfaces.html_problems(self.staff.get(url), self.port)

    def visitor(self, url):
        forget_campaign(self.world.campaign)
        return surfaces.html_problems(self.app.test_client().get(url), self.port)

    def api(self, url, value):
        return surfaces.json_problems(self.staff.get(url, headers=self.headers), value)

    def pdf(self, lang, recipient=None):
        document, _new = current_document(self.world.letter, lang, recipient)
        if not document.is_ready:
            render_document(document)
        return surfaces.pdf_problems(storage.read(document.token), self.listener)


def _surface(reader, name, value):
    w = reader.world
    letter, slug = w.letter.id, w.campaign.slug
    answers = {
        "public": lambda: reader.visitor(f"/c/{slug}?lang=en"),
        "public_ko": lambda: reader.visitor(f"/c/{slug}?lang=ko"),
        "index": lambda: reader.visitor("/?lang=en"),
        "feed": lambda: surfaces.atom_problems(
            reader.app.test_client().get(f"/c/{slug}/feed.atom?lang=en"), reader.port
        ),
        "staff_signatures": lambda: reader.page(f"/staff/letters/{letter}/signatures?status=all"),
        "staff_signature": lambda: reader.page(f"/staff/letters/{letter}/signatures/{w.signature.id}"),
        "signatures_csv": lambda: surfaces.csv_problems(
            reader.staff.get(f"/staff/letters/{letter}/signatures/export.csv"), reader.port
        ),
        "staff_recipient": lambda: reader.page(f"/staff/recipients/{w.recipient.id}"),
        "recipients_csv": lambda: surfaces.csv_problems(
            reader.staff.get("/staff/recipients/export.csv"), reader.port
        ),
        "staff_response": lambda: reader.page(f"/staff/responses/{w.response.id}"),
        "staff_delivery": lambda: reader.page(f"/staff/deliveries/{w.delivery.id}/records"),
        "api_signatories": lambda: reader.api(f"/api/v1/letters/{letter}/signatories", value),
        "api_signatories_ko": lambda: reader.api(f"/api/v1/letters/{letter}/signatories?lang=ko", value),
        "api_signatures": lambda: reader.api(f"/api/v1/letters/{letter}/signatures", value),
        "api_letter": lambda: reader.api(f"/api/v1/letters/{letter}", value),
        "api_recipient": lambda: reader.api(f"/api/v1/recipients/{w.recipient.id}", value),
        "api_response": lambda: reader.api(f"/api/v1/responses/{w.response.id}", value),
        "api_campaign": lambda: reader.api(f"/api/v1/campaigns/{w.campaign.id}", value),
        "pdf": lambda: reader.pdf("en"),
        "pdf_ko": lambda: reader.pdf("ko"),
        "addressed_pdf": lambda: reader.pdf("en", w.recipient),
        "confirmation_email": lambda: surfaces.email_problems(
            build_email(emails.queue_confirmation(w.signature)), reader.port
        ),
    }
    return answers[name]()


def kind_of(surface):
    """The kind of a surface by its name: csv, json (api_), pdf, email, atom (feed) or html."""
    for prefix, kind in (("api_", "json"), ("feed", "atom"), ("confirmation_email", "email")):
        if surface.startswith(prefix):
            return kind
    return next((kind for kind in ("csv", "pdf") if kind in surface), "html")


@pytest.mark.parametrize("field", FIELDS, ids=[field.column for field in FIELDS])
def test_hostile_text_is_shown_as_text_wherever_the_field_is_shown(app, client, auth, db, listener, field):
    editor = auth.login("admin")
    headers = {"Authorization": f"Bearer {issue_token(editor)}"}
    db.session.commit()
    problems = {}
    for hostile in values(listener.port, field.limit):
        if not (hostile.one_line or field.multiline):
            continue
        reader = Reader(app, build_world({field.column: hostile.text}), client, headers, listener)
        for name in field.shown:
            if hostile.attacks_kind(kind_of(name)) and (found := _surface(reader, name, hostile.text)):
                problems[f"{hostile.name} on {name}"] = found
    assert problems == {}
