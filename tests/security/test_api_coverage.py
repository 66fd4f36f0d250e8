"""Every API operation is one schemathesis feeds (tests/api/test_schemathesis.py): none is left out."""

import schemathesis

#: The operations schemathesis covers, deliveries and responses among them. A new API route
#: appears in the OpenAPI document and must be added here, so that it is seen to be fuzzed too.
COVERED = {
    "GET /api/v1/campaigns",
    "POST /api/v1/campaigns",
    "GET /api/v1/campaigns/{campaign_id}",
    "POST /api/v1/campaigns/{campaign_id}/letters",
    "GET /api/v1/deliveries/{delivery_id}",
    "GET /api/v1/deliveries/{delivery_id}/evidence",
    "POST /api/v1/deliveries/{delivery_id}/transitions",
    "GET /api/v1/delivery-batches/{batch_id}",
    "GET /api/v1/documents/{token}",
    "POST /api/v1/documents/verify",
    "GET /api/v1/letters/{letter_id}",
    "PATCH /api/v1/letters/{letter_id}",
    "POST /api/v1/letters/{letter_id}/approval",
    "GET /api/v1/letters/{letter_id}/deliveries",
    "POST /api/v1/letters/{letter_id}/deliveries",
    "POST /api/v1/letters/{letter_id}/delivery-batches",
    "POST /api/v1/letters/{letter_id}/events",
    "GET /api/v1/letters/{letter_id}/pdf",
    "POST /api/v1/letters/{letter_id}/responses",
    "GET /api/v1/letters/{letter_id}/signatories",
    "GET /api/v1/letters/{letter_id}/signatures",
    "POST /api/v1/letters/{letter_id}/signatures",
    "GET /api/v1/letters/{letter_id}/timeline",
    "POST /api/v1/letters/{letter_id}/transitions",
    "GET /api/v1/letters/{letter_id}/versions",
    "POST /api/v1/privacy/erase",
    "GET /api/v1/recipients",
    "POST /api/v1/recipients",
    "GET /api/v1/recipients/{recipient_id}",
    "PATCH /api/v1/recipients/{recipient_id}",
    "GET /api/v1/responses/{response_id}",
    "POST /api/v1/signatures/{signature_id}/transitions",
}


def _routes(app):
    """Every API route of the app, as "METHOD /path/{argument}" (the document itself left out)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
            found |= {f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_schemathesis_covers_every_api_route_deliveries_and_responses_included(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())}
    assert operations == COVERED
    assert _routes(app) == COVERED  # no route is missing from the document schemathesis reads
