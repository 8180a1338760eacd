"""X (formerly Twitter): in the spec, but retired by HighLevel on 2024-12-04 (decision in docs/decisions.md)."""

from __future__ import annotations

from pydantic import Field

from ghl_mock.platforms.base import (
    BodyField,
    ConsentCopy,
    DemoItem,
    Platform,
    listed_under,
    origin_by_id,
    simple_record,
)


class TwitterProfile(DemoItem):
    id: str = Field(min_length=1)
    name: str
    username: str
    avatar: str
    protected: bool = False
    verified: bool = False


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, TwitterProfile)
    return item.name, f"@{item.username}"


PLATFORM = Platform(
    slug="twitter",
    display_name="X (Twitter)",
    operation_ids={
        "start": "start-twitter-oauth",
        "accounts": "get-twitter-profile",
        "attach": "attach-twitter-profile",
    },
    accounts_segment="accounts",
    accounts_message="Fetched Twitter Account",
    attach_message="Added Twitter Account",
    item_model=TwitterProfile,
    results=listed_under("profile"),
    origin_of=origin_by_id,
    describe=_describe,
    attach_body=(
        BodyField("originId", required=True),
        BodyField("name"),
        BodyField("username"),
        BodyField("avatar"),
        BodyField("protected", "boolean"),
        BodyField("verified", "boolean"),
        BodyField("companyId"),
    ),
    attach_dto="AttachTwitterAccountDTO",
    record_schema="SocialMediaTwitterAccountSchema",
    record_of=simple_record("profile"),
    consent=ConsentCopy(
        "Authorize app", "#000000", ("Read posts and profile information", "Create posts for you"), "profiles"
    ),
    # The spec's own words on start-twitter-oauth.
    retired="As of December 4, 2024, X (formerly Twitter) is no longer supported",
)
