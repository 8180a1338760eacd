"""Schemathesis runs HighLevel's official specs (the mocked operations, served at /openapi.json with
the documented deviations: v1, and v3 at /openapi.json?version=v3) against the mock, positive and
negative data, and must find nothing.

The only adaptations are the rows of ghl_mock/deviations.py: its schema patches are already in
/openapi.json, and its excluded checks are the only checks switched off here.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections import Counter
from typing import Any

import pytest
import schemathesis
from schemathesis import GenerationMode
from starlette.testclient import TestClient

from ghl_mock.app import create_app
from ghl_mock.deviations import DEVIATIONS, EXCLUDED_CHECKS, SCHEMA_PATCHES, replace_at, row
from ghl_mock.operations import OPERATIONS
from ghl_mock.platforms import PLATFORMS, Api
from ghl_mock.platforms.base import item_fields
from ghl_mock.settings import Settings
from tests import spec_copy
from tests.conftest import DEMO_LOCATION, DEMO_USER, PIT_FULL, finish_message, start_flow, v3_body
from tests.contract import contract

# Twitter is served as before its retirement here: its retirement 400 is a documented deviation
# (deviations.row("twitter-retired")) tested in tests/test_platforms.py, not a schema question.
APP = create_app(Settings(legacy_platforms=["twitter"]))
CTX = APP.state.ctx


def _grant(client: TestClient, slug: str, version: str) -> str:
    account_id: str = finish_message(client, start_flow(client, platform=slug, version=version), "approve")["payload"][
        "accountId"
    ]
    return account_id


with TestClient(APP, follow_redirects=False, client=("127.0.0.1", 50000)) as _client:
    GRANTS = {("v1", slug): _grant(_client, slug, "2021-07-28") for slug, p in PLATFORMS.items() if p.has("start")} | {
        ("v3", slug): _grant(_client, slug, "v3")
        for slug, p in PLATFORMS.items()
        if "start" in p.v3_kinds() and p.v3 is not None and not p.v3.unsupported
    }

SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
SCHEMA_V3 = schemathesis.openapi.from_asgi("/openapi.json?version=v3", APP)
for _schema in (SCHEMA, SCHEMA_V3):
    _schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=60, with_security_parameters=False
    )
EXCLUDED = [getattr(schemathesis.checks, name) for name in EXCLUDED_CHECKS]
STATUSES: Counter[tuple[str, str, int]] = Counter()
_turn = itertools.count()


def valid_attach_body(platform: str, api: Api = "v1") -> dict[str, Any]:
    """What a client attaches: the first page/profile/location the grant offers (v3: all its DTO requires)."""
    item = CTX.fixtures.items_for(DEMO_LOCATION, platform)[0]
    if api == "v3":
        return v3_body(platform, item_fields(item))
    if platform == "google":
        return {"location": item.location.model_dump(by_alias=True), "account": item.account.model_dump(by_alias=True)}
    return {"originId": PLATFORMS[platform].origin_of(item), "name": PLATFORMS[platform].describe(item)[0]}


def connected_account_id() -> str:
    """A fresh connected account of the demo location (each steered delete removes one)."""
    grant = CTX.state.grant(GRANTS[("v1", "facebook")])
    item = CTX.fixtures.items_for(DEMO_LOCATION, "facebook")[0]
    record = PLATFORMS["facebook"].record_of({"originId": item.id, "name": item.name})  # type: ignore[misc]
    account, _ = CTX.state.connect(grant, record)
    return str(account.id)


def steer(case: Any, api: Api) -> None:
    """Put a valid case onto data the mock knows (a grant, a connected account, a real page)."""
    kind = KIND[(api, case.operation.label)]
    platform: str = (case.path_parameters or {}).get("platform") or PLATFORM_OF.get(case.operation.label, "")
    if kind == "start":
        case.query = {**(case.query or {}), "locationId": DEMO_LOCATION, "userId": DEMO_USER}
    elif kind in ("accounts", "attach"):
        if (api, platform) not in GRANTS:
            return  # bluesky: nothing can be granted
        case.path_parameters = {
            **(case.path_parameters or {}),
            "locationId": DEMO_LOCATION,
            "accountId": GRANTS[(api, platform)],
        }
        if kind == "attach":
            case.body = valid_attach_body(platform, api)
        elif api == "v3":
            case.query = {}  # no search: every item
    elif kind == "list":
        case.path_parameters = {"locationId": DEMO_LOCATION}
    else:
        case.path_parameters = {"locationId": DEMO_LOCATION, "id": connected_account_id()}


#: (spec, the operation's label in that spec) → its kind; v1 paths name their platform.
KIND = {("v1", f"{op.method} {op.path}"): op.kind for op in OPERATIONS if op.api == "v1"} | {
    ("v3", f"{op.method} {op.spec_path}"): op.kind for op in OPERATIONS if op.api == "v3"
}
PLATFORM_OF = {f"{op.method} {op.path}": op.platform.slug for op in OPERATIONS if op.platform and op.api == "v1"}


#: deviations.row("v3-body-per-platform"): v3 attach bodies are accepted by the path platform's own
#: member of the oneOf, so acceptance is checked against that member (below), not the whole anyOf.
PER_PLATFORM = row("v3-body-per-platform")
OWN_BODY = {
    slug: contract().specs["v3"].validator(spec_copy.COPY_DIR / spec_copy.SPEC_V3, f"#/components/schemas/{dto}")
    for slug, p in PLATFORMS.items()
    if p.v3 is not None and (dto := p.v3.attach_dto)
}


def _run(case: Any, api: Api) -> None:
    positive = case.meta is not None and str(case.meta.generation.mode) == "positive"
    if positive and next(_turn) % 3 == 0:
        steer(case, api)
    kind = KIND[(api, case.operation.label)]
    excluded = list(EXCLUDED)
    platform = (case.path_parameters or {}).get("platform")
    unsupported = api == "v3" and platform == "bluesky"
    if (api == "v3" and kind == "attach") or unsupported:
        excluded.append(schemathesis.checks.positive_data_acceptance)
    response = case.call_and_validate(headers={"Authorization": f"Bearer {PIT_FULL}"}, excluded_checks=excluded)
    STATUSES[(api, kind, response.status_code)] += 1
    if unsupported and positive and not _bad_parameters(response) and response.status_code < 401:
        # rules.PLATFORM_UNSUPPORTED: the spec's "will return an error", not an acceptance
        assert response.json() == {"statusCode": 400, "message": "Bluesky is currently not supported"}, response.text
    if api == "v3" and kind == "attach" and platform in OWN_BODY and isinstance(case.body, dict):
        valid = OWN_BODY[platform].is_valid(case.body) and not _bad_parameters(response)
        if valid:  # the platform's own DTO accepts it: no 422 (400: an unknown grant or page is fine)
            assert response.status_code != 422, (platform, case.body, response.text)
        elif not _bad_parameters(response) and _own_location(case):
            # a body its DTO refuses, sent with good headers to the token's location: the 422 (on any other
            # location the token guard's 401 comes first, as NestJS runs guards before pipes)
            assert response.status_code == 422, (platform, case.body, response.text)


def _own_location(case: Any) -> bool:
    return (case.path_parameters or {}).get("locationId") == DEMO_LOCATION


def _bad_parameters(response: Any) -> bool:
    """What was sent has headers the spec does not allow (a negative part in a positive case): read
    from the request as sent, since a generated header can win over the ones this test passes."""
    headers = {name.lower(): value for name, value in response.request.headers.items()}
    media = headers.get("content-type", "application/json").split(";")[0].strip().lower()
    return (
        headers.get("version") != "v3"
        or media != "application/json"
        or headers.get("authorization") != f"Bearer {PIT_FULL}"
    )


@SCHEMA.parametrize()
def test_the_mock_conforms_to_the_official_spec(case: Any) -> None:
    _run(case, "v1")


@SCHEMA_V3.parametrize()
def test_the_mock_conforms_to_the_official_v3_spec(case: Any) -> None:
    _run(case, "v3")


@pytest.mark.parametrize("api", ["v1", "v3"])
def test_the_run_reached_success_and_error_answers(api: str) -> None:
    """Runs after the schemathesis tests (file order): every kind reached its success and errors."""
    for kind, success in (("start", 302), ("accounts", 200), ("attach", 201), ("list", 200), ("delete", 200)):
        assert STATUSES[(api, kind, success)] > 0, (kind, STATUSES)
        assert STATUSES[(api, kind, 401)] > 0, (kind, STATUSES)
    for status in (400, 422):
        assert STATUSES[(api, "start", status)] > 0, (status, STATUSES)
    assert STATUSES[(api, "attach", 422)] > 0, STATUSES


@pytest.mark.parametrize(("api", "query", "header"), [("v1", "", None), ("v3", "?version=v3", None), ("v3", "", "v3")])
def test_served_spec_is_the_official_one_plus_the_deviations(api: Api, query: str, header: str | None) -> None:
    official = json.loads((spec_copy.COPY_DIR / spec_copy.SPECS[api]).read_text())
    with TestClient(APP) as client:
        served = client.get("/openapi.json" + query, headers={"Version": header} if header else {}).json()
    expected = copy.deepcopy(official)
    expected["components"]["schemas"].setdefault("GhlMockThreadsAccountsResponseDTO", {})
    for pointer, value in SCHEMA_PATCHES[api]:
        replace_at(expected, pointer, value)
    for path, item in expected["paths"].items():
        for method, op in item.items():
            served_op = served["paths"][path][method]
            assert served_op["parameters"] == op["parameters"]
            assert served_op["operationId"] == op["operationId"]
            for status, response in op["responses"].items():
                assert served_op["responses"][status]["description"] == response["description"]
            added = set(served_op["responses"]) - set(op["responses"])
            allowed = {
                str(d.status) for d in DEVIATIONS if d.operation_id in ("*", op["operationId"]) and d.applies_to(api)
            }
            assert added <= allowed, added
    assert "../common" not in json.dumps(served)  # bundled: the document stands alone


def test_control_api_has_its_own_document() -> None:
    with TestClient(APP, client=("127.0.0.1", 50000)) as client:
        document = client.get("/__mock/openapi.json").json()
    assert document["info"]["title"] == "ghl-mock control API"
    assert "/__mock/journal" in document["paths"] and "/__mock/reset" in document["paths"]
