"""The OpenAPI document is valid and describes exactly the routes the API has."""

import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.get_json())


def test_every_api_route_is_documented_and_every_documented_path_exists(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert routes == documented


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "patch"}:
                yield path, method, item, operation


def test_document_states_what_the_server_enforces(client):
    document = client.get("/api/v1/openapi.json").get_json()
    public = {("/api/v1/openapi.json", "get"), ("/api/v1/documents/verify", "post")}
    public.add(("/api/v1/letters/{letter_id}/signatories", "get"))
    public.add(("/api/v1/letters/{letter_id}/timeline", "get"))
    for path, method, item, operation in _operations(document):
        expected = [] if (path, method) in public else [{"bearer": []}]
        assert operation["security"] == expected, (method, path)
        for parameter in item.get("parameters", []):
            if parameter["name"].endswith("_id"):
                assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    signatures = document["paths"]["/api/v1/letters/{letter_id}/signatures"]["get"]["parameters"]
    page, status = sorted(signatures, key=lambda p: p["name"])
    assert (page["schema"]["minimum"], page["schema"]["maximum"]) == (1, 100_000)
    assert "merged" in status["schema"]["enum"] and "bogus" not in status["schema"]["enum"]
    schemas = document["components"]["schemas"]
    assert schemas["CampaignTitle"]["properties"]["en"]["maxLength"] == 200
    assert "English or Korean required" in schemas["CampaignTitle"]["description"]
    assert [option["required"] for option in schemas["SignatoryName"]["anyOf"]] == [["en"], ["ko"]]
    assert "lock_version" in schemas["LetterChanges"]["required"]
    assert schemas["Signature"]["properties"]["status"]["enum"][0] == "pending"
    assert "ip_hash" not in schemas["Signature"]["properties"]
