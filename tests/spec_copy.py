"""Make the trimmed copy of HighLevel's official OpenAPI files kept under ``fixtures/openapi``.

Run ``python tests/spec_copy.py [UPSTREAM_DIR]`` to regenerate it from
``../shared/reference/ghl-api-docs`` (or another checkout of GoHighLevel/highlevel-api-docs).
The trimmed file keeps the mocked operations verbatim and every schema they reach; the common
schema files are copied byte for byte. ``tests/test_contract.py`` checks the copy is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ghl_mock.deviations import V3_ACCOUNTS_DTO, V3_ANSWER_DTO
from ghl_mock.operations import OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
COPY_DIR = ROOT / "fixtures" / "openapi"
UPSTREAM_DIR = ROOT.parent / "shared" / "reference" / "ghl-api-docs"
SPEC = Path("apps/social-media-posting.json")
SPEC_V3 = Path("apps/v3/social-planner-v3.json")
#: Each generation's spec file (the copy keeps upstream's layout, so relative ``$ref``s resolve).
SPECS = {"v1": SPEC, "v3": SPEC_V3}
VERBATIM = (Path("common/common-schemas.json"), Path("apps/v3/common/common-schemas.json"))
#: The operations ghl-mock mocks, per spec: the operations table's.
OPERATION_IDS = {api: tuple({op.operation_id for op in OPERATIONS if op.api == api}) for api in SPECS}


def trimmed_spec(upstream: dict[str, Any], api: str = "v1") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, item in upstream["paths"].items():
        ops = {m: op for m, op in item.items() if op.get("operationId") in OPERATION_IDS[api]}
        if ops:
            paths[path] = ops
    schemas = upstream["components"]["schemas"]
    keep: dict[str, Any] = {}
    pending = _local_refs(paths)
    if api == "v3":  # DTOs the mock answers with that the oneOf members leave out (threads')
        pending |= {name for name in (*V3_ACCOUNTS_DTO.values(), *V3_ANSWER_DTO.values()) if name in schemas}
    while pending:
        name = pending.pop()
        if name not in keep and name in schemas:  # v3's error DTOs dangle upstream: they stay so
            keep[name] = schemas[name]
            pending |= _local_refs(schemas[name])
    return {
        "openapi": upstream["openapi"],
        "info": upstream["info"],
        "servers": upstream["servers"],
        "paths": paths,
        "components": {
            "securitySchemes": upstream["components"]["securitySchemes"],
            "schemas": dict(sorted(keep.items())),
        },
    }


def _local_refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            found |= _local_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _local_refs(value)
    return found


def render(upstream_dir: Path) -> dict[Path, bytes]:
    """The files of the copy, by relative path, as they should be on disk."""
    files = {}
    for api, spec in SPECS.items():
        upstream = json.loads((upstream_dir / spec).read_text(encoding="utf-8"))
        files[spec] = (json.dumps(trimmed_spec(upstream, api), indent=2, ensure_ascii=False) + "\n").encode()
    for rel in VERBATIM:
        files[rel] = (upstream_dir / rel).read_bytes()
    return files


def main(argv: list[str]) -> None:
    upstream_dir = Path(argv[1]) if len(argv) > 1 else UPSTREAM_DIR
    for rel, data in render(upstream_dir).items():
        target = COPY_DIR / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv)
