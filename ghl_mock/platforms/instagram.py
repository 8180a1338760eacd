"""Instagram: accounts (``GetInstagramAccountsResponseDTO``), attach ``AttachIGAccountDTO``."""

from __future__ import annotations

from pydantic import Field

from ghl_mock.platforms.base import (
    V3,
    BodyField,
    ConsentCopy,
    DemoItem,
    Platform,
    listed_under,
    origin_by_id,
    simple_record,
)


class InstagramAccount(DemoItem):
    id: str = Field(min_length=1)
    name: str
    avatar: str
    page_id: str = Field(alias="pageId")


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, InstagramAccount)
    return item.name, f"linked to page {item.page_id}"


PLATFORM = Platform(
    # v3's DTO requires pageId, which real clients do not send (deviations: instagram-page-id);
    # its own example body sends `type: "page"`, which the DTO does not declare: tolerated.
    v3=V3(
        "GetInstagramAccountsResponseDTO",
        "AttachIGAccountDTO",
        "SocialMediaInstagramAccountResponseDTO",
        attach_body=(
            BodyField("type", choices=("page",)),
            BodyField("originId", required=True),
            BodyField("name"),
            BodyField("avatar"),
            BodyField("pageId"),
        ),
    ),
    slug="instagram",
    display_name="Instagram",
    operation_ids={
        "start": "start-instagram-oauth",
        "accounts": "get-instagram-page-group",
        "attach": "attach-instagram-page-group",
    },
    accounts_segment="accounts",
    accounts_message="Fetched Instagram Account",
    attach_message="Added Instagram Account",
    item_model=InstagramAccount,
    results=listed_under("accounts"),
    origin_of=origin_by_id,
    describe=_describe,
    # The spec requires pageId, but real clients attach without it and succeed (deviations.py).
    attach_body=(
        BodyField("originId", required=True),
        BodyField("name"),
        BodyField("avatar"),
        BodyField("pageId"),
        BodyField("companyId"),
    ),
    attach_dto="AttachIGAccountDTO",
    record_schema="SocialMediaInstagramAccountSchema",
    record_of=simple_record("profile"),
    consent=ConsentCopy(
        "Allow",
        "#e1306c",
        ("Access profile and posts from the Instagram account", "Create and publish content"),
        "accounts",
    ),
    extra_start_query=("loginType",),
)
