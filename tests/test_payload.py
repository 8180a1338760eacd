"""The postMessage payload model: what approve, cancel and reconnect carry."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ghl_mock.payload import PostMessagePayload, build_payload, is_reconnect

BASE = {"actionType": "close", "page": "social_media_posting", "platform": "tiktok-business"}


def test_approve_carries_account_id_and_observed_placeholders() -> None:
    payload = build_payload(
        "approve", platform="tiktok-business", page=None, reconnect=None, account_id="a" * 24, reconnect_accounts=("x",)
    )
    assert payload.wire() == {
        **BASE,
        "placement": "undefined",
        "accountId": "a" * 24,
        "refresh": "undefined",
        "source": "undefined",
    }


def test_placement_echoes_the_start_page_parameter() -> None:
    payload = build_payload(
        "approve", platform="tiktok-business", page="integration", reconnect=None, account_id="a", reconnect_accounts=()
    )
    assert payload.wire()["placement"] == "integration"


@pytest.mark.parametrize("reconnect", ["true", "TRUE", " true "])
def test_reconnect_carries_the_previous_accounts(reconnect: str) -> None:
    payload = build_payload(
        "approve",
        platform="tiktok-business",
        page=None,
        reconnect=reconnect,
        account_id="a",
        reconnect_accounts=("p", "q"),
    )
    assert payload.wire()["reconnectAccounts"] == ["p", "q"]


def test_reconnect_for_a_location_without_previous_accounts_is_an_empty_list() -> None:
    payload = build_payload(
        "approve", platform="tiktok-business", page=None, reconnect="true", account_id="a", reconnect_accounts=()
    )
    assert payload.wire()["reconnectAccounts"] == []


@pytest.mark.parametrize("reconnect", [None, "", "false", "yes", "1"])
def test_no_reconnect_key_unless_reconnecting(reconnect: str | None) -> None:
    assert not is_reconnect(reconnect)
    payload = build_payload(
        "approve", platform="tiktok-business", page=None, reconnect=reconnect, account_id="a", reconnect_accounts=("p",)
    )
    assert "reconnectAccounts" not in payload.wire()


def test_cancel_has_neither_account_id_nor_reconnect_accounts() -> None:
    payload = build_payload(
        "cancel", platform="tiktok-business", page="p", reconnect="true", account_id="a", reconnect_accounts=("p",)
    )
    assert payload.wire() == {**BASE, "placement": "p", "refresh": "undefined", "source": "undefined"}


def test_the_model_refuses_a_wrong_page_value() -> None:
    with pytest.raises(ValidationError):
        PostMessagePayload(platform="tiktok-business", placement="x", page="social-media-posting")
