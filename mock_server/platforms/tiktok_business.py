"""TikTok Business: start and get only; HighLevel has no attach for it (research §2.3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from mock_server.platforms.base import AccountRecord, ConsentCopy, DemoItem, Platform


class TiktokProfile(DemoItem):
    """The spec's ``TiktokProfileSchema`` (``isConnected`` is computed)."""

    id: str = Field(min_length=1)
    name: str
    username: str
    avatar: str
    verified: bool = False
    type: Literal["BUSINESS", "PROFILE"] = "BUSINESS"


def profile_entry(item: DemoItem, connected: bool) -> dict[str, Any]:
    assert isinstance(item, TiktokProfile)
    return {
        "id": item.id,
        "name": item.name,
        "username": item.username,
        "avatar": item.avatar,
        "verified": item.verified,
        "isConnected": connected,
        "type": item.type,
    }


def _results(items: Sequence[DemoItem], attached: frozenset[str]) -> dict[str, Any]:
    # No attach step: an approved consent connects every profile; a deleted one is no longer connected.
    return {"profile": [profile_entry(item, _origin(item) in attached) for item in items]}


def _origin(item: DemoItem) -> str:
    assert isinstance(item, TiktokProfile)
    return item.id


def _connected(item: DemoItem) -> AccountRecord:
    assert isinstance(item, TiktokProfile)
    return AccountRecord(
        origin_id=item.id,
        type=item.type.lower(),
        name=item.name,
        avatar=item.avatar,
        meta={"username": item.username, "verified": item.verified},
    )


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, TiktokProfile)
    return item.name, f"@{item.username}"


PLATFORM = Platform(
    slug="tiktok-business",
    display_name="TikTok Business",
    operation_ids={"start": "start-tiktok-business-oauth", "accounts": "get-tiktok-business-profile"},
    accounts_segment="accounts",
    accounts_message="Fetched Tiktok Business Account",
    attach_message="",
    item_model=TiktokProfile,
    results=_results,
    origin_of=_origin,
    describe=_describe,
    connects_on_consent=_connected,
    consent=ConsentCopy(
        "Authorize",
        "#fe2c55",
        (
            "Read your profile info (avatar, display name)",
            "Publish content to your account on your behalf",
            "Read your public videos and their metrics",
        ),
        "profiles",
    ),
)
