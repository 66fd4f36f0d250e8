"""The OpenAPI 3.1 document; each API module adds its own PATHS and SCHEMAS."""

ERROR = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

BILINGUAL = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"en": {"type": "string"}, "ko": {"type": "string"}},
}

ERROR_TEXT = {
    400: "Malformed request",
    401: "Missing or invalid token",
    403: "Role not allowed",
    404: "Not found",
    409: "Conflict with the current state or data",
    422: "Validation failed",
}

PAGE_PARAM = {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema_name, description):
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


def request_body(schema_name):
    return {"required": True, "content": {"application/json": {"schema": ref(schema_name)}}}


def error_responses(*statuses):
    return {str(s): json_response("Error", ERROR_TEXT[s]) for s in statuses}


def path_id(name):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def page_of(schema_name):
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": ref(schema_name)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer"},
            "total": {"type": "integer", "minimum": 0},
        },
    }


DOC_PATHS = {
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {"description": "The OpenAPI document", "content": {"application/json": {}}}
            },
        }
    },
}


def openapi_document(server_url):
    from app.api import campaigns, documents, letters, signatures

    paths, schemas = dict(DOC_PATHS), {"Error": ERROR, "Bilingual": BILINGUAL}
    for module in (campaigns, letters, signatures, documents):
        paths.update(module.PATHS)
        schemas.update(module.SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Undersigned API",
            "version": "1.0.0",
            "description": "Campaigns, letters, signatures, deliveries and responses. "
            "Authenticate with `Authorization: Bearer TOKEN` (create one with `flask users token EMAIL`).",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    }
