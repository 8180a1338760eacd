"""TikTok (personal): start, get and attach (``AttachTiktokAccountDTO``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mock_server.platforms.base import BodyField, ConsentCopy, DemoItem, Platform, simple_record
from mock_server.platforms.tiktok_business import TiktokProfile, profile_entry

ACCOUNT_TYPES = ("page", "group", "profile", "location", "business")


def _results(items: Sequence[DemoItem], attached: frozenset[str]) -> dict[str, Any]:
    return {"profile": [profile_entry(item, _origin(item) in attached) for item in items]}


def _origin(item: DemoItem) -> str:
    assert isinstance(item, TiktokProfile)
    return item.id


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, TiktokProfile)
    return item.name, f"@{item.username}"


PLATFORM = Platform(
    slug="tiktok",
    display_name="TikTok",
    operation_ids={"start": "start-tiktok-oauth", "accounts": "get-tiktok-profile", "attach": "attach-tiktok-profile"},
    accounts_segment="accounts",
    accounts_message="Fetched Tiktok Account",
    attach_message="Added Tiktok Account",
    item_model=TiktokProfile,
    results=_results,
    origin_of=_origin,
    describe=_describe,
    attach_body=(
        BodyField("type", choices=ACCOUNT_TYPES),
        BodyField("originId", required=True),
        BodyField("name"),
        BodyField("avatar"),
        BodyField("verified", "boolean"),
        BodyField("username"),
        BodyField("companyId"),
    ),
    attach_dto="AttachTiktokAccountDTO",
    record_schema="SocialMediaTiktokAccountSchema",
    record_of=simple_record("profile"),
    consent=ConsentCopy(
        "Authorize",
        "#fe2c55",
        ("Read your profile info (avatar, display name)", "Post content to TikTok on your behalf"),
        "profiles",
    ),
)
