"""Validate API responses against the app's own OpenAPI document."""

import re

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

API_PREFIX = "/api/v1"


def spec_path_for(app, path, method):
    """The OpenAPI path template for a request path, e.g. /api/v1/campaigns/{campaign_id}."""
    adapter = app.url_map.bind("localhost")
    rule, _args = adapter.match(path, method=method, return_rule=True)
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)


class SpecValidator:
    def __init__(self, document):
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:openapi", resource)

    def operation(self, template, method):
        path_item = self.document["paths"].get(template)
        assert path_item is not None, f"{template} is not in the OpenAPI document"
        operation = path_item.get(method.lower())
        assert operation is not None, f"{method} {template} is not in the OpenAPI document"
        return operation

    def check_response(self, template, method, response):
        operation = self.operation(template, method)
        status = str(response.status_code)
        documented = operation["responses"].get(status)
        assert documented is not None, f"{method} {template} answered {status}, which is not documented"
        content = documented.get("content", {}).get("application/json")
        if content is None or "schema" not in content:
            return
        assert response.is_json, f"{method} {template} {status} did not answer JSON"
        schema = {"$ref": "urn:openapi#" + content["schema"]["$ref"][1:]}
        validator = jsonschema.Draft202012Validator(schema, registry=self.registry)
        validator.validate(response.get_json())


class ApiClient:
    """A test client for the API that checks every answer against the OpenAPI document."""

    def __init__(self, app, client, validator, token=None):
        self.app, self.client, self.validator, self.token = (
            app,
            client,
            validator,
            token,
        )

    def request(self, method, path, token=..., **kwargs):
        token = self.token if token is ... else token
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(API_PREFIX + path, method=method, headers=headers, **kwargs)
        template = spec_path_for(self.app, API_PREFIX + path.split("?")[0], method)
        self.validator.check_response(template, method, response)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)
