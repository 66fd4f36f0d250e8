"""The OpenAPI 3.1 document of the API; each feature adds its paths and schemas here."""

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
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                },
            },
        }
    },
}

BILINGUAL = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"en": {"type": "string"}, "ko": {"type": "string"}},
}

CAMPAIGN = {
    "type": "object",
    "required": ["id", "slug", "title", "status", "is_demo", "created_at", "url"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "slug": {"type": "string"},
        "title": {"$ref": "#/components/schemas/Bilingual"},
        "status": {"type": "string", "enum": ["active", "resolved", "archived"]},
        "is_demo": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "format": "uri"},
    },
}

CAMPAIGN_INPUT = {
    "type": "object",
    "required": ["slug", "title"],
    "properties": {
        "slug": {
            "type": "string",
            "maxLength": 80,
            "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$",
        },
        "title": {
            "type": "object",
            "description": "At least one of en and ko; each at most 200 characters.",
            "properties": {
                "en": {"type": "string", "maxLength": 200},
                "ko": {"type": "string", "maxLength": 200},
            },
        },
    },
}


def _page_of(ref):
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": {"$ref": ref}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer"},
            "total": {"type": "integer", "minimum": 0},
        },
    }


def _json(ref, description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ref}}},
    }


def _errors(*statuses):
    text = {
        400: "Malformed request",
        401: "Missing or invalid token",
        403: "Role not allowed",
        404: "Not found",
        409: "Conflict with existing data",
        422: "Validation failed",
    }
    return {str(s): _json("#/components/schemas/Error", text[s]) for s in statuses}


PAGE_PARAM = {
    "name": "page",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1},
}
CAMPAIGN_ID = {
    "name": "campaign_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}

PATHS = {
    "/campaigns": {
        "get": {
            "operationId": "listCampaigns",
            "summary": "List campaigns",
            "parameters": [PAGE_PARAM],
            "responses": {
                "200": _json("#/components/schemas/CampaignPage", "A page of campaigns"),
                **_errors(401),
            },
        },
        "post": {
            "operationId": "createCampaign",
            "summary": "Create a campaign (editor or admin)",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CampaignInput"}}},
            },
            "responses": {
                "201": _json("#/components/schemas/Campaign", "The new campaign"),
                **_errors(400, 401, 403, 409, 422),
            },
        },
    },
    "/campaigns/{campaign_id}": {
        "parameters": [CAMPAIGN_ID],
        "get": {
            "operationId": "getCampaign",
            "summary": "One campaign",
            "responses": {
                "200": _json("#/components/schemas/Campaign", "The campaign"),
                **_errors(401, 404),
            },
        },
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI document",
                    "content": {"application/json": {}},
                }
            },
        }
    },
}


def openapi_document(server_url):
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
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": ERROR,
                "Bilingual": BILINGUAL,
                "Campaign": CAMPAIGN,
                "CampaignInput": CAMPAIGN_INPUT,
                "CampaignPage": _page_of("#/components/schemas/Campaign"),
            },
        },
    }
