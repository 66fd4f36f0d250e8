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
