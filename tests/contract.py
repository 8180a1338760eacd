"""Checks that a response conforms to HighLevel's official OpenAPI (the copy in ``fixtures/openapi``).

Every response the test suite's clients receive passes through ``Contract.check`` (see
``conftest.py``), so each test is also a contract test. The only adaptations are the rows of
``mock_server.deviations``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mock_server.deviations import SCHEMA_PATCHES, deviation_for, replace_at, row

SPEC_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "openapi"
SPEC_FILE = SPEC_ROOT / "apps" / "social-media-posting.json"


class ContractViolation(AssertionError):
    pass


#: The special cases below, each a row of mock_server/deviations.py (a missing row fails here).
CITED = [row(key) for key in ("cors-preflight", "off-contract", "head")]


def _retrieve(uri: str) -> Resource[Any]:
    path = Path(uri.removeprefix("file://"))
    return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), DRAFT202012)


class Contract:
    def __init__(self) -> None:
        self.spec: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
        for pointer, schema in SCHEMA_PATCHES:  # the documented deviations, and nothing else
            replace_at(self.spec, pointer, schema)
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
        self,
        method: str,
        path: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        *,
        preflight: bool = False,
    ) -> None:
        """Raise ``ContractViolation`` unless this response is within the documented contract."""
        if path.startswith("/__mock/"):
            return  # the mock's own routes are not HighLevel's contract
        if preflight:
            return  # deviations.row("cors-preflight")
        if "x-ghl-mock-off-contract" in headers:  # deviations.row("off-contract")
            if "x-ghl-mock-step" not in headers:
                raise ContractViolation(f"{method} {path}: off-contract answer without a scenario step")
            return  # a scripted gateway text, broken body or raw answer: off-contract by design
        found = self.operation("GET" if method == "HEAD" else method, path)
        operation_id = found[1]["operationId"] if found else "*"
        what = f"{operation_id} {status}"
        content_type = headers.get("content-type")
        if found is not None and str(status) in found[1]["responses"]:
            template, op = found
            content = op["responses"][str(status)].get("content")
            if content is None or method == "HEAD":  # deviations.row("head")
                return
            pointer = (
                "#/paths/"
                + template.replace("~", "~0").replace("/", "~1")
                + (f"/{method.lower()}/responses/{status}/content/application~1json/schema")
            )
            self._validate_json(SPEC_FILE, pointer, what, content_type, body)
            return
        row = deviation_for(operation_id, status)
        if row is None or (found is None and status != 404):
            documented = sorted(found[1]["responses"]) if found else "none: not a mocked operation"
            raise ContractViolation(f"{method} {path}: status {status} is not documented ({documented})")
        if row.scripted_only and "x-ghl-mock-step" not in headers:
            raise ContractViolation(f"{what}: only a scenario may answer {status}")
        if row.body_schema is not None and method != "HEAD":
            file, pointer = row.body_schema
            self._validate_json(SPEC_ROOT / file, pointer, what, content_type, body)

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
