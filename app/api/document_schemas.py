"""OpenAPI paths and schemas of the documents API (app.api.documents)."""

from app.api.openapi import error_responses, json_response, path_id, ref

_STATUSES = ["queued", "rendering", "ready", "failed"]
_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_SHA = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_LANGUAGES = ["en", "ko", "both"]
_VARIANTS = ["standard", "pdfa"]


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def _strict(required, properties):
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


DOCUMENT = _strict(
    ["id", "letter_id", "version", "language", "variant", "status", "signatory_count", "url", "pdf_url"],
    {
        "id": {"type": "string", "description": "The document's unguessable id, as in its download link"},
        "letter_id": {"type": "integer"},
        "version": {"type": "integer", "description": "Number of the letter version printed"},
        "language": {"type": "string", "enum": _LANGUAGES},
        "variant": {"type": "string", "enum": _VARIANTS},
        "recipient_id": _NULLABLE_INT,
        "template": {"type": "string"},
        "template_hash": _SHA,
        "status": {"type": "string", "enum": _STATUSES},
        "progress": {**_NULLABLE_INT, "minimum": 0, "maximum": 100},
        "failure_reason": {"type": ["string", "null"]},
        "signatory_count": {"type": "integer", "minimum": 0},
        "as_of": {"type": "string", "format": "date-time"},
        "sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
        "size": _NULLABLE_INT,
        "page_count": _NULLABLE_INT,
        "created_at": {"type": "string", "format": "date-time"},
        "finished_at": _NULLABLE_TIME,
        "url": {"type": "string", "format": "uri", "description": "Poll this for the state"},
        "pdf_url": {"type": ["string", "null"], "format": "uri", "description": "The PDF, once ready"},
    },
)

_LISTED = _strict(
    ["position", "kind", "display", "name", "line"],
    {
        "position": {"type": "integer"},
        "kind": {"type": "string", "enum": ["organization", "individual"]},
        "display": {"type": "string", "enum": ["full", "initials"]},
        "name": ref("Bilingual"),
        "line": ref("Bilingual"),
    },
)

VERIFIED_DOCUMENT = _strict(
    ["id", "url", "letter", "campaign", "version", "language", "template", "as_of", "signatory_count"],
    {
        "id": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "letter": _strict(
            ["id", "slug", "title"],
            {"id": {"type": "integer"}, "slug": {"type": "string"}, "title": ref("Bilingual")},
        ),
        "campaign": _strict(["slug", "title"], {"slug": {"type": "string"}, "title": ref("Bilingual")}),
        "version": _strict(["number", "content_hash"], {"number": {"type": "integer"}, "content_hash": _SHA}),
        "language": {"type": "string", "enum": _LANGUAGES},
        "variant": {"type": "string", "enum": _VARIANTS},
        "template": _strict(["name", "hash"], {"name": {"type": "string"}, "hash": _SHA}),
        "recipient": {
            "oneOf": [
                {"type": "null"},
                _strict(["id", "name"], {"id": {"type": "integer"}, "name": ref("Bilingual")}),
            ]
        },
        "as_of": {
            "type": "string",
            "format": "date-time",
            "description": "When the signatory list was taken",
        },
        "signatory_count": {"type": "integer", "minimum": 0},
        "signatories": {"type": "array", "items": _LISTED, "description": "The list as printed"},
        "issued_at": _NULLABLE_TIME,
        "page_count": _NULLABLE_INT,
        "size": _NULLABLE_INT,
    },
)

_FLAG = {"type": "boolean"}

VERIFICATION = _strict(
    ["status", "authentic", "message", "sha256", "signature", "document"],
    {
        "status": {"type": "string", "enum": ["authentic", "modified", "unknown", "not_pdf"]},
        "authentic": {"type": "boolean"},
        "message": {"type": "string", "description": "The verdict in the request's language"},
        "sha256": _SHA,
        "signature": _strict(
            ["present", "intact", "valid", "ours", "trusted", "covers_whole_file"],
            {
                "present": _FLAG,
                "intact": _FLAG,
                "valid": _FLAG,
                "ours": _FLAG,
                "trusted": _FLAG,
                "covers_whole_file": _FLAG,
                "signer": {"type": ["string", "null"]},
                "signed_at": _NULLABLE_TIME,
            },
        ),
        "document": {"oneOf": [{"type": "null"}, ref("VerifiedDocument")]},
    },
)

SCHEMAS = {"Document": DOCUMENT, "VerifiedDocument": VERIFIED_DOCUMENT, "Verification": VERIFICATION}

_QUERY = [
    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": _LANGUAGES}},
    {"name": "recipient", "in": "query", "required": False, "schema": {"type": "integer"}},
    {"name": "variant", "in": "query", "required": False, "schema": {"type": "string", "enum": _VARIANTS}},
]

_PDF = {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}}

_RENDERING = {
    "description": "Not rendered yet: queued (if it was not) and rendering in the background; poll Location",
    "headers": {
        "Location": {"description": "The document's state, to poll", "schema": {"type": "string"}},
        "Retry-After": {"description": "Seconds to wait before polling", "schema": {"type": "integer"}},
    },
    "content": {"application/json": {"schema": ref("Document")}},
}

PATHS = {
    "/letters/{letter_id}/pdf": {
        "parameters": [path_id("letter_id")],
        "get": {
            "operationId": "getLetterPdf",
            "summary": "The letter's signed PDF as it stands now (lang en, ko or both; default en)",
            "parameters": _QUERY,
            "responses": {
                "200": {"description": "The signed PDF", "content": _PDF},
                "202": _RENDERING,
                **error_responses(401, 404, 422),
                "409": _error("No frozen version yet, or the render failed (staff can render it again)"),
            },
        },
    },
    "/documents/{token}": {
        "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
        "get": {
            "operationId": "getDocument",
            "summary": "A document's state; pdf_url once it is ready",
            "responses": {"200": json_response("Document", "The document"), **error_responses(401, 404)},
        },
    },
    "/documents/verify": {
        "post": {
            "operationId": "verifyDocument",
            "summary": "Is this PDF a document we issued, unchanged? (public; no token)",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    **_PDF,
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "contentMediaType": "application/pdf"}},
                        }
                    },
                },
            },
            "responses": {
                "200": json_response("Verification", "The verdict, authentic or not"),
                "413": _error("The file is larger than the limit (10 MB by default)"),
                "422": _error("No file was sent"),
                "429": _error("Too many verifications from this address; wait a minute"),
            },
        },
    },
}
