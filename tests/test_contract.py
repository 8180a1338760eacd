"""The contract itself: the spec copy is current, the checker catches violations, and every rule's
body conforms to the DTO the table names."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ghl_mock.deviations import deviation_for
from ghl_mock.errors import error_body
from ghl_mock.rules import RULES, Rule, Stage
from tests import spec_copy
from tests.conftest import START, contract_client
from tests.contract import ContractViolation, contract

JSON = {"content-type": "application/json"}
ATTACH = "/social-media-posting/oauth/demo-location/facebook/accounts/658a9b6833b91e0ecb8f3958"


def test_spec_copy_is_current() -> None:
    """fixtures/openapi is exactly what tests/spec_copy.py makes from the upstream files."""
    if not spec_copy.UPSTREAM_DIR.is_dir():
        pytest.skip(f"upstream reference not found at {spec_copy.UPSTREAM_DIR} (CI has it beside the clone)")
    for rel, data in spec_copy.render(spec_copy.UPSTREAM_DIR).items():
        assert (spec_copy.COPY_DIR / rel).read_bytes() == data, f"{rel} is stale: run python tests/spec_copy.py"


@pytest.mark.parametrize("api", ["v1", "v3"])
def test_copy_keeps_the_mocked_operations_verbatim(api: str) -> None:
    spec = json.loads((spec_copy.COPY_DIR / spec_copy.SPECS[api]).read_text())
    ops = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    assert ops == set(spec_copy.OPERATION_IDS[api])
    assert len(ops) == (22 if api == "v1" else 5), ops


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_rule_body_conforms_to_its_dto(rule: Rule) -> None:
    body = error_body(rule, value="bogus", messages=["x should not be empty"] if rule.status == 422 else None)
    if rule.stage in (Stage.BODY_PARSE, Stage.BODY):  # answered by operations with a body
        contract().check("POST", ATTACH, rule.status, JSON, json.dumps(body).encode())
    else:
        contract().check("GET", START, rule.status, JSON, json.dumps(body).encode())
    expected_status = {"BadRequestDTO": 400, "UnauthorizedDTO": 401, "UnprocessableDTO": 422}[rule.dto]
    if rule.status != expected_status:  # an undocumented status: deviations.py must cover it
        assert deviation_for("attach-facebook-page-group", rule.status) is not None, rule.name


@pytest.mark.parametrize(
    ("status", "body", "complaint"),
    [
        (401, {"statusCode": "401", "message": "x"}, "not of type 'number'"),
        (422, {"statusCode": 422, "message": "x", "error": "Unprocessable Entity"}, "not of type 'array'"),
        (400, {"statusCode": 400, "message": ["x"]}, "not of type 'string'"),
        (418, {"statusCode": 418}, "not documented"),
        (500, {"statusCode": 500, "message": "Internal server error"}, "only a scenario"),
        (429, {"statusCode": 429, "message": "Too Many Requests"}, "only a scenario"),
    ],
)
def test_the_checker_rejects_what_the_spec_does_not_allow(status: int, body: object, complaint: str) -> None:
    with pytest.raises(ContractViolation, match=complaint):
        contract().check("GET", START, status, JSON, json.dumps(body).encode())


def test_the_checker_rejects_a_non_json_error() -> None:
    with pytest.raises(ContractViolation, match="content-type"):
        contract().check("GET", START, 401, {"content-type": "text/plain"}, b"Unauthorized")


def test_the_test_clients_check_every_response() -> None:
    """A deliberately wrong endpoint fails through the client hook: the suite's clients are checked."""

    async def wrong(request: object) -> Response:
        return JSONResponse({"statusCode": 401, "message": ["not", "a", "string"]}, status_code=401)

    app = Starlette(routes=[Route(START, wrong)])
    with contract_client(app) as client, pytest.raises(ContractViolation):
        client.get(START)


def test_a_404_on_a_documented_operation_breaks_the_contract() -> None:
    body = json.dumps({"statusCode": 404, "message": "Cannot GET /x", "error": "Not Found"}).encode()
    for version in ("2021-07-28", "v3"):
        with pytest.raises(ContractViolation, match="not documented"):
            contract().check("GET", "/social-media-posting/oauth/facebook/start", 404, JSON, body, version=version)
    # where neither spec has the path form for this Version, NestJS's 404 is the contract
    contract().check("GET", "/social-media-posting/oauth/youtube/start", 404, JSON, body, version="2021-07-28")


def test_an_unsupported_platform_may_only_answer_errors() -> None:
    ok = json.dumps({"success": True, "statusCode": 200, "message": "m", "results": {}}).encode()
    with pytest.raises(ContractViolation, match="not supported"):
        contract().check("GET", "/social-media-posting/oauth/demo/bluesky/accounts/a", 200, JSON, ok, version="v3")
    refusal = json.dumps({"statusCode": 400, "message": "Bluesky is currently not supported"}).encode()
    contract().check("GET", "/social-media-posting/oauth/bluesky/start", 400, JSON, refusal, version="v3")
