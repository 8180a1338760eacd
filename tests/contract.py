"""Checks that a response conforms to HighLevel's official OpenAPI (the copy in ``fixtures/openapi``).

Every response the test suite's clients receive passes through ``Contract.check`` (see
``conftest.py``), so each test is also a contract test. The only adaptations are the rows of
``mock_server.deviations``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mock_server.deviations import DEVIATION_STATUSES, SCHEMA_PATCHES

SPEC_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "openapi"
SPEC_FILE = SPEC_ROOT / "apps" / "social-media-posting.json"
NOT_FOUND_FILE = SPEC_ROOT / "apps" / "v3" / "common" / "common-schemas.json"


class ContractViolation(AssertionError):
    pass


def _retrieve(uri: str) -> Resource[Any]:
    path = Path(uri.removeprefix("file://"))
    return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), DRAFT202012)


def _replace(document: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, last = [part.replace("~1", "/").replace("~0", "~") for part in pointer.lstrip("/").split("/")]
    node: Any = document
    for part in parents:
        node = node[part]
    if last not in node:
        raise KeyError(f"deviation patch {pointer} points at nothing in the spec")
    node[last] = value


class Contract:
    def __init__(self) -> None:
        self.spec: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
        for pointer, schema in SCHEMA_PATCHES:  # the documented deviations, and nothing else
            _replace(self.spec, pointer, schema)
        self.registry: Registry[Any] = Registry(retrieve=_retrieve).with_resource(  # type: ignore[call-arg]
            SPEC_FILE.as_uri(), Resource.from_contents(self.spec, DRAFT202012)
        )
        self.operations: list[tuple[re.Pattern[str], str, str, dict[str, Any]]] = []
        for path, item in self.spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", path) + "$")
            for method, op in item.items():
                self.operations.append((pattern, method.upper(), path, op))

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for pattern, op_method, template, op in self.operations:
            if op_method == method and pattern.match(path):
                return template, op
        return None

    def _validator(self, file: Path, pointer: str) -> Draft202012Validator:
        schema = {"$ref": file.as_uri() + pointer}
        return Draft202012Validator(schema, registry=self.registry)

    def check(
        self, method: str, path: str, status: int, content_type: str | None, body: bytes, *, preflight: bool = False
    ) -> None:
        """Raise ``ContractViolation`` unless this response is within the documented contract."""
        if path.startswith("/__mock/"):
            return  # the mock's own routes are not HighLevel's contract
        if preflight:
            return  # a CORS preflight is the browser's protocol, not an API operation
        if status >= 500:
            raise ContractViolation(f"{method} {path} answered {status}: no 5xx outside a scenario")
        found = self.operation("GET" if method == "HEAD" else method, path)
        if found is None:
            self._check_not_found(method, path, status, content_type, body)
            return
        template, op = found
        operation_id = op["operationId"]
        if (operation_id, status) in DEVIATION_STATUSES:
            return
        responses = op["responses"]
        if str(status) not in responses:
            raise ContractViolation(f"{operation_id}: status {status} is not documented ({sorted(responses)})")
        content = responses[str(status)].get("content")
        if content is None or method == "HEAD":
            return
        pointer = (
            "#/paths/"
            + template.replace("~", "~0").replace("/", "~1")
            + (f"/{method.lower()}/responses/{status}/content/application~1json/schema")
        )
        self._validate_json(SPEC_FILE, pointer, f"{operation_id} {status}", content_type, body)

    def _check_not_found(self, method: str, path: str, status: int, content_type: str | None, body: bytes) -> None:
        if status != 404:
            raise ContractViolation(f"{method} {path}: not a mocked operation, yet answered {status}")
        if method != "HEAD":
            self._validate_json(NOT_FOUND_FILE, "#/components/schemas/NotFoundDTO", "404", content_type, body)

    def _validate_json(self, file: Path, pointer: str, what: str, content_type: str | None, body: bytes) -> None:
        if not (content_type or "").startswith("application/json"):
            raise ContractViolation(f"{what}: content-type {content_type!r}, expected application/json")
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise ContractViolation(f"{what}: body is not JSON: {exc}") from None
        errors = sorted(self._validator(file, pointer).iter_errors(document), key=str)
        if errors:
            raise ContractViolation(f"{what}: {errors[0].message} in {document!r}")


@cache
def contract() -> Contract:
    return Contract()
