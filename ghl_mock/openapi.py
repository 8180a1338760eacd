"""``GET /openapi.json``: the official spec's mocked operations, with the documented deviations.

One document per API generation, picked by the request's ``Version`` (or ``?version=``): ``v3``
gives apps/v3/social-planner-v3.json's operations, anything else (or nothing) the v1 file's.
Built from the trimmed copy of HighLevel's files (``fixtures/openapi``; packed into wheels): the
common error DTOs are bundled into ``components.schemas`` so the document stands alone, each row
of ``deviations.py`` is applied (schema patches replace the wrong fragment; undocumented statuses
are added with their description and evidence), and ``servers`` points at this mock.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from ghl_mock.deviations import DEVIATIONS, SCHEMA_PATCHES, is_status_row, replace_at
from ghl_mock.platforms import Api
from ghl_mock.settings import shipped

SPEC_FILES: dict[Api, Path] = {
    "v1": Path("apps/social-media-posting.json"),
    "v3": Path("apps/v3/social-planner-v3.json"),
}
SPEC_FILE = SPEC_FILES["v1"]
#: Bundled into each document's ``components.schemas`` (the spec's own generation's first: v3's
#: error DTOs dangle in its file and live in apps/v3/common, deviations: v3-dangling-refs).
COMMON_FILES: dict[Api, tuple[Path, ...]] = {
    "v1": (Path("common/common-schemas.json"), Path("apps/v3/common/common-schemas.json")),
    "v3": (Path("apps/v3/common/common-schemas.json"),),
}


def spec_dir() -> Path:
    return shipped("_openapi", "fixtures", "openapi")


@cache
def mocked_operations_spec(api: Api = "v1") -> dict[str, Any]:
    root = spec_dir()
    spec: dict[str, Any] = json.loads((root / SPEC_FILES[api]).read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    for common in COMMON_FILES[api]:
        for name, schema in json.loads((root / common).read_text(encoding="utf-8"))["components"]["schemas"].items():
            schemas.setdefault(name, schema)
    _local_refs(spec)
    for pointer, replacement in SCHEMA_PATCHES[api]:
        replace_at(spec, pointer, copy.deepcopy(replacement))
    for row in DEVIATIONS:
        if not is_status_row(row) or not row.applies_to(api):
            continue
        for item in spec["paths"].values():
            for op in item.values():
                if row.operation_id not in ("*", op["operationId"]) or str(row.status) in op["responses"]:
                    continue
                response: dict[str, Any] = {
                    "description": f"ghl-mock deviation: {row.mock_does}. The spec: {row.spec_says}. "
                    f"Evidence: {row.evidence}"
                }
                if row.status == 302:
                    response["headers"] = {"Location": {"schema": {"type": "string"}, "description": "consent page"}}
                if row.body_schema is not None:
                    name = row.body_schema[1].rsplit("/", 1)[1]
                    response["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
                op["responses"][str(row.status)] = response
    spec["info"] = {
        **spec["info"],
        "title": "HighLevel Social Planner OAuth (as mocked by ghl-mock)",
        "description": "The operations ghl-mock serves, taken verbatim from HighLevel's official "
        f"{SPEC_FILES[api]} (`Version: {'v3' if api == 'v3' else '2021-07-28'}`; the other generation: "
        f"`/openapi.json?version={'2021-07-28' if api == 'v3' else 'v3'}`), with ghl-mock's documented "
        "deviations applied:\n\n"
        + "\n".join(
            f"- {d.operation_id}: the spec: {d.spec_says}; ghl-mock: {d.mock_does}"
            for d in DEVIATIONS
            if d.applies_to(api)
        ),
    }
    spec["servers"] = [{"url": "/", "description": "this ghl-mock server"}]
    return spec


def _local_refs(node: Any) -> None:
    """``../common/common-schemas.json#/components/schemas/X`` → ``#/components/schemas/X``."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and "#/components/schemas/" in ref:
            node["$ref"] = "#/components/schemas/" + ref.rsplit("/", 1)[1]
        for value in node.values():
            _local_refs(value)
    elif isinstance(node, list):
        for value in node:
            _local_refs(value)
