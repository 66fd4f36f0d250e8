"""Schemas of the documents API (app.api.documents): what it reads and what it answers."""

from flask import url_for
from marshmallow import fields

from app.api.fields import (
    Bilingual,
    Integer,
    List,
    Nested,
    Schema,
    bilingual_pair,
    computed,
    identifier,
    text,
    url_field,
    version_number,
)
from app.documents.labels import VERDICTS
from app.documents.models import DocumentLanguage, DocumentStatus, DocumentVariant
from app.signatures.models import SignatoryKind

SHA256 = {"pattern": "^[0-9a-f]{64}$"}


def _nullable_int(**metadata):
    return Integer(allow_none=True, metadata=metadata)


class PdfQuery(Schema):
    lang = text(choices=DocumentLanguage, load_default="en", metadata={"description": "en, ko or both"})
    recipient = identifier(strict=False, metadata={"description": "A recipient id: their address block"})
    variant = text(choices=DocumentVariant)


class DocumentSchema(Schema):
    id = fields.String(
        attribute="token", required=True, metadata={"description": "The document's unguessable id"}
    )
    letter_id = Integer(required=True)
    version = version_number("Number of the letter version printed")
    language = text(choices=DocumentLanguage, required=True)
    variant = text(choices=DocumentVariant, required=True)
    recipient_id = _nullable_int()
    template = fields.String()
    template_hash = fields.String(metadata=SHA256)
    status = text(choices=DocumentStatus, required=True)
    progress = _nullable_int(minimum=0, maximum=100)
    failure_reason = fields.String(allow_none=True)
    signatory_count = Integer(required=True, metadata={"minimum": 0})
    as_of = fields.DateTime(allow_none=True)
    sha256 = fields.String(allow_none=True, metadata=SHA256)
    size = _nullable_int()
    page_count = _nullable_int()
    created_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    url = url_field(lambda document: url_for("api.get_document", token=document.token, _external=True))
    pdf_url = computed(
        fields.String(allow_none=True, required=True, metadata={"format": "uri"}),
        lambda document: url_for("documents.document_pdf", token=document.token, _external=True)
        if document.is_ready
        else None,
    )


class ListedSignatory(Schema):
    position = Integer(required=True)
    kind = text(choices=SignatoryKind, required=True)
    display = text(choices=("full", "initials"), required=True)
    name = Nested(Bilingual, required=True)
    line = Nested(Bilingual, required=True)


class LetterRef(Schema):
    id = Integer(required=True)
    slug = fields.String(required=True)
    title = Nested(Bilingual, required=True)


class CampaignRef(Schema):
    slug = fields.String(required=True)
    title = bilingual_pair("title")


class VersionRef(Schema):
    number = Integer(required=True)
    content_hash = fields.String(required=True, metadata=SHA256)


class TemplateRef(Schema):
    name = fields.String(required=True, attribute="template")
    hash = fields.String(required=True, attribute="template_hash", metadata=SHA256)


class RecipientRef(Schema):
    id = Integer(required=True)
    name = bilingual_pair("name")


def _letter_ref(document):
    version = document.version
    return {
        "id": document.letter_id,
        "slug": document.letter.slug,
        "title": {"en": version.title_en, "ko": version.title_ko},
    }


def _listed(document):
    rows = (document.signatories or {}).get("signatories", [])
    return [{key: row[key] for key in ("position", "kind", "display", "name", "line")} for row in rows]


class VerifiedDocumentSchema(Schema):
    id = fields.String(attribute="token", required=True)
    url = url_field(lambda document: url_for("documents.document_pdf", token=document.token, _external=True))
    letter = computed(Nested(LetterRef, required=True), _letter_ref)
    campaign = computed(Nested(CampaignRef, required=True), lambda document: document.letter.campaign)
    version = Nested(VersionRef, required=True)
    language = text(choices=DocumentLanguage, required=True)
    variant = text(choices=DocumentVariant, required=True)
    template = computed(Nested(TemplateRef, required=True), lambda document: document)
    recipient = Nested(RecipientRef, allow_none=True, required=True)
    as_of = fields.DateTime(
        allow_none=True, required=True, metadata={"description": "When the list was taken"}
    )
    signatory_count = Integer(required=True, metadata={"minimum": 0})
    signatories = computed(
        List(Nested(ListedSignatory), required=True, metadata={"description": "The list as printed"}),
        _listed,
    )
    issued_at = fields.DateTime(attribute="finished_at", allow_none=True, required=True)
    page_count = _nullable_int()
    size = _nullable_int()


class SignatureCheckSchema(Schema):
    present = fields.Boolean(required=True)
    intact = fields.Boolean(required=True)
    valid = fields.Boolean(required=True)
    ours = fields.Boolean(required=True)
    trusted = fields.Boolean(required=True)
    covers_whole_file = fields.Boolean(required=True)
    signer = fields.String(allow_none=True)
    signed_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class VerificationSchema(Schema):
    status = text(choices=("authentic", "modified", "unknown", "not_pdf"), required=True)
    authentic = fields.Boolean(attribute="is_authentic", required=True)
    message = computed(
        fields.String(required=True, metadata={"description": "The verdict in the request's language"}),
        lambda verdict: str(VERDICTS[verdict.status]),
    )
    sha256 = fields.String(required=True, metadata=SHA256)
    signature = Nested(SignatureCheckSchema, required=True)
    document = Nested(VerifiedDocumentSchema, allow_none=True, required=True)


PDF_CONTENT = {"type": "string", "format": "binary"}

VERIFY_BODY = {
    "required": True,
    "content": {
        "application/pdf": {"schema": PDF_CONTENT},
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "properties": {"file": PDF_CONTENT}}
        },
    },
}

RENDERING_HEADERS = {
    "Location": {"description": "The document's state, to poll", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before polling", "schema": {"type": "integer"}},
}
