"""The OpenAPI document of ghl-mock's own control API (``GET /__mock/openapi.json``)."""

from __future__ import annotations

from typing import Any, Final

_ERROR = {"$ref": "#/components/schemas/Error"}
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


CONTROL_OPENAPI: Final[dict[str, Any]] = {
    "openapi": "3.0.3",
    "info": {
        "title": "ghl-mock control API",
        "version": "1",
        "description": "Scenarios, journal and reset. Loopback clients only unless --allow-remote-control.",
    },
    "paths": {
        "/__mock/health": {"get": {"operationId": "health", "responses": {"200": _ok("alive", {"type": "object"})}}},
        "/__mock/scenarios": {
            "get": {
                "operationId": "listScenarios",
                "responses": {
                    "200": _ok("scenarios, active set, positions, load errors", {"type": "object"}),
                    **_errors(403),
                },
            }
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
            }
        }
    },
}
