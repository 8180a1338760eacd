"""TikTok Business: start and get only; HighLevel has no attach for it (research §2.3)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ghl_mock.platforms.base import V3, AccountRecord, ConsentCopy, DemoItem, Platform, listed_under, origin_by_id


class TiktokProfile(DemoItem):
    """The spec's ``TiktokProfileSchema`` (``isConnected`` is computed)."""

    id: str = Field(min_length=1)
    name: str
    username: str
    avatar: str
    verified: bool = False
    type: Literal["BUSINESS", "PROFILE"] = "BUSINESS"


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
    v3=V3("GetTiktokBusinessAccountResponseDTO"),
    slug="tiktok-business",
    display_name="TikTok Business",
    operation_ids={"start": "start-tiktok-business-oauth", "accounts": "get-tiktok-business-profile"},
    accounts_segment="accounts",
    accounts_message="Fetched Tiktok Business Account",
    attach_message="",
    item_model=TiktokProfile,
    results=listed_under("profile"),
    origin_of=origin_by_id,
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
