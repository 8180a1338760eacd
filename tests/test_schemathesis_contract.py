"""Schemathesis runs HighLevel's official spec (the mocked operations, served at /openapi.json with
the documented deviations) against the mock, positive and negative data, and must find nothing.

The only adaptations are the rows of mock_server/deviations.py: its schema patches are already in
/openapi.json, and its excluded checks are the only checks switched off here.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections import Counter
from typing import Any

import schemathesis
from schemathesis import GenerationMode
from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.deviations import DEVIATIONS, EXCLUDED_CHECKS, SCHEMA_PATCHES, replace_at
from mock_server.operations import OPERATIONS
from mock_server.platforms import PLATFORMS
from mock_server.settings import Settings
from tests import spec_copy
from tests.conftest import DEMO_LOCATION, DEMO_USER, PIT_FULL, finish_message, start_flow

# Twitter is served as before its retirement here: its retirement 400 is a documented deviation
# (deviations.row("twitter-retired")) tested in tests/test_platforms.py, not a schema question.
APP = create_app(Settings(legacy_platforms=["twitter"]))
CTX = APP.state.ctx
with TestClient(APP, follow_redirects=False, client=("127.0.0.1", 50000)) as _client:
    GRANTS = {
        slug: finish_message(_client, start_flow(_client, platform=slug), "approve")["payload"]["accountId"]
        for slug in PLATFORMS
    }

SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
SCHEMA.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=60, with_security_parameters=False
)
EXCLUDED = [getattr(schemathesis.checks, name) for name in EXCLUDED_CHECKS]
STATUSES: Counter[tuple[str, int]] = Counter()
_turn = itertools.count()


def valid_attach_body(platform: str) -> dict[str, Any]:
    """What a client attaches: the first page/profile/location the grant offers."""
    item = CTX.fixtures.items_for(DEMO_LOCATION, platform)[0]
    if platform == "google":
        return {"location": item.location.model_dump(by_alias=True), "account": item.account.model_dump(by_alias=True)}
    return {"originId": PLATFORMS[platform].origin_of(item), "name": PLATFORMS[platform].describe(item)[0]}


def connected_account_id() -> str:
    """A fresh connected account of the demo location (each steered delete removes one)."""
    grant = CTX.state.grant(GRANTS["facebook"])
    item = CTX.fixtures.items_for(DEMO_LOCATION, "facebook")[0]
    record = PLATFORMS["facebook"].record_of({"originId": item.id, "name": item.name})  # type: ignore[misc]
    account, _ = CTX.state.connect(grant, record)
    return str(account.id)


def steer(case: Any) -> None:
    """Put a valid case onto data the mock knows (a grant, a connected account, a real page)."""
    op = BY_LABEL[case.operation.label]
    if op.kind == "start":
        case.query = {**(case.query or {}), "locationId": DEMO_LOCATION, "userId": DEMO_USER}
    elif op.kind in ("accounts", "attach"):
        assert op.platform is not None
        case.path_parameters = {"locationId": DEMO_LOCATION, "accountId": GRANTS[op.platform.slug]}
        if op.kind == "attach":
            case.body = valid_attach_body(op.platform.slug)
    elif op.kind == "list":
        case.path_parameters = {"locationId": DEMO_LOCATION}
    else:
        case.path_parameters = {"locationId": DEMO_LOCATION, "id": connected_account_id()}


BY_LABEL = {f"{op.method} {op.path}": op for op in OPERATIONS}


@SCHEMA.parametrize()
def test_the_mock_conforms_to_the_official_spec(case: Any) -> None:
    positive = case.meta is not None and str(case.meta.generation.mode) == "positive"
    if positive and next(_turn) % 3 == 0:
        steer(case)
    response = case.call_and_validate(headers={"Authorization": f"Bearer {PIT_FULL}"}, excluded_checks=EXCLUDED)
    STATUSES[(BY_LABEL[case.operation.label].kind, response.status_code)] += 1


def test_the_run_reached_success_and_error_answers() -> None:
    """Runs after the schemathesis test (file order): every kind reached its success and errors."""
    for kind, success in (("start", 302), ("accounts", 200), ("attach", 201), ("list", 200), ("delete", 200)):
        assert STATUSES[(kind, success)] > 0, (kind, STATUSES)
        assert STATUSES[(kind, 401)] > 0, (kind, STATUSES)
    for status in (400, 422):
        assert STATUSES[("start", status)] > 0, (status, STATUSES)
    assert STATUSES[("attach", 422)] > 0, STATUSES


def test_served_spec_is_the_official_one_plus_the_deviations() -> None:
    official = json.loads((spec_copy.COPY_DIR / spec_copy.SPEC).read_text())
    with TestClient(APP) as client:
        served = client.get("/openapi.json").json()
    expected = copy.deepcopy(official)
    for pointer, value in SCHEMA_PATCHES:
        replace_at(expected, pointer, value)
    for path, item in expected["paths"].items():
        for method, op in item.items():
            served_op = served["paths"][path][method]
            assert served_op["parameters"] == op["parameters"]
            assert served_op["operationId"] == op["operationId"]
            for status, response in op["responses"].items():
                assert served_op["responses"][status]["description"] == response["description"]
            added = set(served_op["responses"]) - set(op["responses"])
            allowed = {str(d.status) for d in DEVIATIONS if d.operation_id in ("*", op["operationId"])}
            assert added <= allowed, added
    assert "../common" not in json.dumps(served)  # bundled: the document stands alone


def test_control_api_has_its_own_document() -> None:
    with TestClient(APP, client=("127.0.0.1", 50000)) as client:
        document = client.get("/__mock/openapi.json").json()
    assert document["info"]["title"] == "ghl-mock control API"
    assert "/__mock/journal" in document["paths"] and "/__mock/reset" in document["paths"]
