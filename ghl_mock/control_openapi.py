"""The OpenAPI document of ghl-mock's own control API (``GET /__mock/openapi.json``)."""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from ghl_mock.control_models import ConnectRequest, TokenRequest

_ERROR = {"$ref": "#/components/schemas/Error"}
_BODY_ERROR = {"$ref": "#/components/schemas/BodyError"}
_FILTERS = [
    {"name": "path", "in": "query", "schema": {"type": "string"}, "description": "substring of the path"},
    {"name": "method", "in": "query", "schema": {"type": "string"}},
    {"name": "status", "in": "query", "schema": {"type": "integer"}},
    {"name": "session", "in": "query", "schema": {"type": "string"}},
    {"name": "step", "in": "query", "schema": {"type": "string"}, "description": "scenario, or scenario/N"},
]


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _ok("ghl-mock usage error", _ERROR) for code in codes}


def _json_body(schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


_NAME = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
_MESSAGE = {
    "type": "object",
    "required": ["payload", "targetOrigin", "post"],
    "properties": {
        "payload": {"type": "object", "description": "what the finish page posts to window.opener"},
        "targetOrigin": {"type": "string"},
        "post": {"type": "boolean", "description": "false when a scenario makes the page post nothing"},
    },
}


CONTROL_OPENAPI: Final[dict[str, Any]] = {
    "openapi": "3.1.0",
    "info": {
        "title": "ghl-mock control API",
        "version": "1",
        "description": "Scenarios, journal and reset. Loopback clients only unless --allow-remote-control.",
    },
    "paths": {
        "/__mock/openapi.json": {
            "get": {"operationId": "controlOpenapi", "responses": {"200": _ok("this document", {"type": "object"})}}
        },
        "/__mock/health": {"get": {"operationId": "health", "responses": {"200": _ok("alive", {"type": "object"})}}},
        "/__mock/scenarios": {
            "get": {
                "operationId": "listScenarios",
                "responses": {
                    "200": _ok("scenarios, active set, positions, load errors", {"type": "object"}),
                    **_errors(403),
                },
            },
            "post": {
                "operationId": "addScenario",
                "description": "A run-time scenario: a scenario file's content plus its `name` (JSON, or YAML "
                "with Content-Type application/yaml), validated like a file. A full reset removes it.",
                "parameters": [{"name": "activate", "in": "query", "schema": {"type": "boolean", "default": False}}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ScenarioUpload"}},
                        "application/yaml": {"schema": {"$ref": "#/components/schemas/ScenarioUpload"}},
                    },
                },
                "responses": {
                    "201": _ok("the new scenario as GET /__mock/scenarios lists it", {"type": "object"}),
                    "200": _ok("a run-time scenario of that name was replaced", {"type": "object"}),
                    "422": _ok("an invalid scenario: every problem with its field", _BODY_ERROR),
                    **_errors(400, 403, 409, 413),
                },
            },
        },
        "/__mock/scenarios/{name}/activate": {
            "post": {
                "operationId": "activateScenario",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _ok("the active set", {"type": "object"}), **_errors(403, 404)},
            }
        },
        "/__mock/scenarios/{name}/deactivate": {
            "post": {
                "operationId": "deactivateScenario",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _ok("the active set", {"type": "object"}), **_errors(403, 404)},
            }
        },
        "/__mock/tokens": {
            "post": {
                "operationId": "mintToken",
                "description": "A bearer token the mock accepts: the options of `ghl-mock token`.",
                "requestBody": _json_body({"$ref": "#/components/schemas/TokenRequest"}),
                "responses": {
                    "201": _ok("the token and its claims", {"type": "object", "required": ["token"]}),
                    "422": _ok("an invalid body", _BODY_ERROR),
                    **_errors(400, 403),
                },
            }
        },
        "/__mock/connect": {
            "post": {
                "operationId": "connect",
                "description": "Run start, consent and finish without a browser; answers the message the popup "
                "posts. Each request is journaled and scenario steps apply, as for a browser.",
                "requestBody": _json_body({"$ref": "#/components/schemas/ConnectRequest"}),
                "responses": {
                    "200": _ok("the posted message", _MESSAGE),
                    "400": _ok(
                        "the flow did not complete (failedStep, status and body say where)",
                        {"type": "object", "required": ["statusCode", "message", "failedStep"]},
                    ),
                    "422": _ok("an invalid body", _BODY_ERROR),
                    **_errors(403),
                },
            }
        },
        "/__mock/accounts": {
            "get": {
                "operationId": "accounts",
                "parameters": [
                    {"name": "locationId", "in": "query", "schema": {"type": "string"}},
                    {"name": "platform", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": _ok(
                        "grants and connected accounts, oldest first",
                        {
                            "type": "object",
                            "required": ["grants", "accounts"],
                            "properties": {
                                "grants": {"type": "array", "items": {"type": "object"}},
                                "accounts": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    ),
                    **_errors(400, 403),
                },
            }
        },
        "/__mock/scenarios/{name}": {
            "delete": {
                "operationId": "removeScenario",
                "description": "Remove a run-time scenario (409 for one read from a file).",
                "parameters": _NAME,
                "responses": {"200": _ok("what is still active", {"type": "object"}), **_errors(403, 404, 409)},
            }
        },
        "/__mock/reset": {
            "post": {
                "operationId": "reset",
                "parameters": [{"name": "session", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": _ok("what was reset", {"type": "object"}), **_errors(403)},
            }
        },
        "/__mock/journal": {
            "get": {
                "operationId": "journal",
                "parameters": [*_FILTERS, {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": _ok("entries, newest first", {"type": "object"}), **_errors(400, 403)},
            }
        },
        "/__mock/verify": {
            "get": {
                "operationId": "verify",
                "parameters": _FILTERS,
                "responses": {"200": _ok("{count, journalSize}", {"type": "object"}), **_errors(400, 403)},
            }
        },
        "/__mock/errors": {
            "post": {
                "operationId": "takeErrors",
                "responses": {"200": _ok("tracebacks raised since the last call", {"type": "object"}), **_errors(403)},
            }
        },
        "/__mock/": {
            "get": {
                "operationId": "dashboard",
                "responses": {"200": {"description": "HTML dashboard", "content": {"text/html": {}}}, **_errors(403)},
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["statusCode", "message"],
                "properties": {"statusCode": {"type": "integer"}, "message": {"type": "string"}},
            },
            "BodyError": {
                "type": "object",
                "required": ["statusCode", "message", "errors"],
                "properties": {
                    "statusCode": {"type": "integer"},
                    "message": {"type": "string"},
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "reason"],
                            "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
                        },
                    },
                },
            },
        }
    },
}


@cache
def control_openapi() -> dict[str, Any]:
    """The document, with the request bodies' JSON Schemas from their models (built on first use)."""
    from ghl_mock.scenarios.model import Scenario

    schemas = dict(CONTROL_OPENAPI["components"]["schemas"])
    refs = "#/components/schemas/{model}"
    for model in (TokenRequest, ConnectRequest):
        schemas[model.__name__] = model.model_json_schema(by_alias=True, ref_template=refs)
    scenario = Scenario.model_json_schema(ref_template=refs)
    schemas.update(scenario.pop("$defs", {}))
    scenario["required"] = ["name", *scenario.get("required", [])]
    scenario["properties"] = {"name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$"}, **scenario["properties"]}
    schemas["ScenarioUpload"] = scenario
    return {**CONTROL_OPENAPI, "components": {"schemas": schemas}}
