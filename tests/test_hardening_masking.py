"""Hardening, second round (#12): credentials are masked however the client spells their names."""

from __future__ import annotations

import io

import pytest
from starlette.testclient import TestClient

from ghl_mock.access_log import AccessLog
from ghl_mock.app import create_app
from ghl_mock.masking import masked_query
from ghl_mock.settings import Settings
from tests.conftest import START

SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXN0YXRlLXRoYXQtbXVzdC1uZXZlci1hcHBlYXI.WHOLEsignature"


@pytest.mark.parametrize("key", ["%73tate", "access%5Ftoken", "STATE", "%53%54%41%54%45", "refresh%5ftoken", "co%64e"])
def test_percent_encoded_secret_names_are_masked(key: str) -> None:
    assert SECRET not in masked_query(f"a=1&{key}={SECRET}")


def test_no_whole_credential_in_the_journal_the_access_log_or_a_404_body() -> None:
    log = io.StringIO()
    access_log = AccessLog(log)
    app = create_app(Settings(), access_log=access_log)
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        missing = client.get(f"/nowhere?%73tate={SECRET}")
        start = client.get(f"{START}?access%5Ftoken={SECRET}")
        entries = client.get("/__mock/journal").json()["entries"]
    access_log.flush()
    assert missing.status_code == 404 and SECRET not in missing.text
    assert start.status_code == 401 and SECRET not in start.text
    assert entries and all(SECRET not in entry["query"] for entry in entries)
    assert "%73tate=" in log.getvalue() and SECRET not in log.getvalue()


def test_a_token_sent_without_a_scheme_is_not_echoed() -> None:
    token = "pit-00000000-0000-4000-8000-000000000001"
    with TestClient(create_app(Settings()), client=("127.0.0.1", 50000)) as client:
        refused = client.get(START, headers={"Authorization": token, "Version": "2021-07-28"})
        basic = client.get(START, headers={"Authorization": "Basic abc", "Version": "2021-07-28"})
    reason = refused.headers["x-ghl-mock-reason"]
    assert refused.status_code == 401 and token[:12] not in reason and token[-8:] not in reason, reason
    assert basic.headers["x-ghl-mock-reason"] == "Authorization scheme is 'Basic', not Bearer"


def test_every_credential_parameter_is_masked_in_the_journal_query() -> None:
    from ghl_mock.masking import masked_query

    secret = "Zx9Qw8Er7Ty6Ui5Op4"
    for name in ("id_token", "client_secret", "api_key", "password", "ID%5Ftoken"):
        assert secret not in masked_query(f"a=1&{name}={secret}"), name
