"""TikTok (personal): start, get and attach (``AttachTiktokAccountDTO``)."""

from __future__ import annotations

from ghl_mock.platforms.base import (
    V3,
    BodyField,
    ConsentCopy,
    DemoItem,
    Platform,
    listed_under,
    origin_by_id,
    simple_record,
    typed_body,
)
from ghl_mock.platforms.tiktok_business import TiktokProfile

ACCOUNT_TYPES = ("page", "group", "profile", "location", "business")


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, TiktokProfile)
    return item.name, f"@{item.username}"


PLATFORM = Platform(
    v3=V3(
        "GetTiktokAccountResponseDTO",
        "AttachTiktokAccountDTO",
        "SocialMediaTiktokAccountResponseDTO",
        attach_body=typed_body(ACCOUNT_TYPES, BodyField("verified", "boolean"), BodyField("username")),
    ),
    slug="tiktok",
    display_name="TikTok",
    operation_ids={"start": "start-tiktok-oauth", "accounts": "get-tiktok-profile", "attach": "attach-tiktok-profile"},
    accounts_segment="accounts",
    accounts_message="Fetched Tiktok Account",
    attach_message="Added Tiktok Account",
    item_model=TiktokProfile,
    results=listed_under("profile"),
    origin_of=origin_by_id,
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
