"""Checks that a response conforms to HighLevel's official OpenAPI (the copy in ``fixtures/openapi``).

Every response the test suite's clients receive passes through ``Contract.check`` (see
``conftest.py``), so each test is also a contract test. The only adaptations are the rows of
``ghl_mock.deviations``.
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

from ghl_mock.deviations import SCHEMA_PATCHES, V3_ACCOUNTS_DTO, V3_ANSWER_DTO, deviation_for, replace_at, row
from ghl_mock.platforms import PLATFORMS, Api
from ghl_mock.versions import generation

SPEC_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "openapi"
SPEC_FILES: dict[Api, Path] = {
    "v1": SPEC_ROOT / "apps" / "social-media-posting.json",
    "v3": SPEC_ROOT / "apps" / "v3" / "social-planner-v3.json",
}
SPEC_FILE = SPEC_FILES["v1"]
V3_COMMON = SPEC_ROOT / "apps" / "v3" / "common" / "common-schemas.json"


class ContractViolation(AssertionError):
    pass


#: The special cases below, each a row of ghl_mock/deviations.py (a missing row fails here).
CITED = [row(key) for key in ("cors-preflight", "off-contract", "head", "v3-dangling-refs", "version-forms")]


def _retrieve(uri: str) -> Resource[Any]:
    path = Path(uri.removeprefix("file://"))
    if not path.exists() and path == SPEC_ROOT / "apps" / "common" / "common-schemas.json":
        path = V3_COMMON  # deviations.row("v3-dangling-refs"): v3's `../common/` names no file upstream
    return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), DRAFT202012)


class _Spec:
    """One generation's spec file, its documented deviations applied, and its operations' path patterns."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.file = SPEC_FILES[api]
        self.spec: dict[str, Any] = json.loads(self.file.read_text(encoding="utf-8"))
        if api == "v3":  # deviations.row("v3-dangling-refs"): the error DTOs live in apps/v3/common
            common = json.loads(V3_COMMON.read_text(encoding="utf-8"))["components"]["schemas"]
            for name, schema in common.items():
                self.spec["components"]["schemas"].setdefault(name, schema)
        for pointer, schema in SCHEMA_PATCHES[api]:  # the documented deviations, and nothing else
            replace_at(self.spec, pointer, schema)
        self.registry: Registry[Any] = Registry(retrieve=_retrieve).with_resource(  # type: ignore[call-arg]
            self.file.as_uri(), Resource.from_contents(self.spec, DRAFT202012)
        )
        self.operations: list[tuple[re.Pattern[str], str, str, dict[str, Any]]] = []
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                enums = {
                    p["name"]: p["schema"]["enum"]
                    for p in op.get("parameters", [])
                    if p.get("in") == "path" and "enum" in p.get("schema", {})
                }

                def hole(match: re.Match[str], enums: dict[str, list[str]] = enums) -> str:
                    name = match.group(1)
                    if name in enums:  # v3's {platform}: only the values its enum lists
                        return "(?P<" + name + ">" + "|".join(re.escape(v) for v in enums[name]) + ")"
                    return "[^/]+"

                pattern = re.compile("^" + re.sub(r"\{([^}/]+)\}", hole, path) + "$")
                self.operations.append((pattern, method.upper(), path, op))

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any], str | None] | None:
        for pattern, op_method, template, op in self.operations:
            found = pattern.match(path) if op_method == method else None
            if found:
                return template, op, found.groupdict().get("platform")
        return None

    def validator(self, file: Path, pointer: str) -> Draft202012Validator:
        schema = {"$ref": file.as_uri() + pointer}
        return Draft202012Validator(schema, registry=self.registry)


class Contract:
    def __init__(self) -> None:
        self.specs: dict[Api, _Spec] = {api: _Spec(api) for api in SPEC_FILES}
        self.spec = self.specs["v1"].spec

    def check(
        self,
        method: str,
        path: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        *,
        preflight: bool = False,
        version: str | None = None,
    ) -> None:
        """Raise ``ContractViolation`` unless this response is within the documented contract.

        ``version``: the request's ``Version``. ``v3`` holds the answer to the v3 file, unless the path
        is a form only v1 has (google's ``/locations/``, twitter: deviations.row("version-forms")).
        """
        if path.startswith("/__mock/"):
            return  # the mock's own routes are not HighLevel's contract
        if preflight:
            return  # deviations.row("cors-preflight")
        if "x-ghl-mock-off-contract" in headers:  # deviations.row("off-contract")
            if "x-ghl-mock-step" not in headers:
                raise ContractViolation(f"{method} {path}: off-contract answer without a scenario step")
            return  # a scripted gateway text, broken body or raw answer: off-contract by design
        api: Api = "v3" if generation(version) == "v3" else "v1"
        lookup = "GET" if method == "HEAD" else method
        spec = self.specs[api]
        found = spec.operation(lookup, path)
        if found is None and generation(version) != "v1":
            # v3 keeps v1's old path forms; a request with no known Version (a browser navigation)
            # reaches whichever generation has the path (the mock's versions.choose does the same).
            other = self.specs["v1" if api == "v3" else "v3"]
            if other.operation(lookup, path) is not None:
                spec, found = other, other.operation(lookup, path)
        operation_id = found[1]["operationId"] if found else "*"
        what = f"{spec.api} {operation_id} {status}"
        content_type = headers.get("content-type")
        if found is not None and found[2] in UNSUPPORTED and status < 400:
            # rules.PLATFORM_UNSUPPORTED: the spec says the platform "will return an error"
            raise ContractViolation(f"{what}: {found[2]} is not supported, yet answered {status}")
        if found is not None and str(status) in found[1]["responses"]:
            template, op, platform = found
            content = op["responses"][str(status)].get("content")
            if content is None or method == "HEAD":  # deviations.row("head")
                return
            pointer = (
                "#/paths/"
                + template.replace("~", "~0").replace("/", "~1")
                + (f"/{method.lower()}/responses/{status}/content/application~1json/schema")
            )
            own = _own_member(operation_id, status, platform)
            if own is not None:  # a v3 oneOf: held to the platform's own member (deviations.py)
                pointer = f"#/components/schemas/{own}"
            self._validate_json(spec, spec.file, pointer, what, content_type, body)
            return
        row_ = deviation_for(operation_id, status, spec.api)
        if row_ is None or (found is None) != (status == 404):  # a 404 only where no operation is
            documented = sorted(found[1]["responses"]) if found else "none: not a mocked operation"
            raise ContractViolation(f"{method} {path}: status {status} is not documented ({documented})")
        if row_.scripted_only and "x-ghl-mock-step" not in headers:
            raise ContractViolation(f"{what}: only a scenario may answer {status}")
        if row_.body_schema is not None and method != "HEAD":
            file, pointer = row_.body_schema
            self._validate_json(spec, SPEC_ROOT / file, pointer, what, content_type, body)

    def _validate_json(
        self, spec: _Spec, file: Path, pointer: str, what: str, content_type: str | None, body: bytes
    ) -> None:
        if not (content_type or "").startswith("application/json"):
            raise ContractViolation(f"{what}: content-type {content_type!r}, expected application/json")
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise ContractViolation(f"{what}: body is not JSON: {exc}") from None
        errors = sorted(spec.validator(file, pointer).iter_errors(document), key=str)
        if errors:
            raise ContractViolation(f"{what}: {errors[0].message} in {document!r}")


#: v3 platforms HighLevel does not support yet (bluesky): only errors are within the contract.
UNSUPPORTED = frozenset(slug for slug, p in PLATFORMS.items() if p.v3 is not None and p.v3.unsupported)


def _own_member(operation_id: str, status: int, platform: str | None) -> str | None:
    if platform is None:
        return None
    if (operation_id, status) == ("get-oauth-accounts", 200):
        return V3_ACCOUNTS_DTO.get(platform)
    if (operation_id, status) == ("attach-oauth-accounts", 201):
        return V3_ANSWER_DTO.get(platform)
    return None


@cache
def contract() -> Contract:
    return Contract()
