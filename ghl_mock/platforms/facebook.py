"""Facebook: pages (``GetFacebookAccountsResponseDTO``), attach ``AttachFBAccountDTO``."""

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
    typed_body,
)


class FacebookPage(DemoItem):
    id: str = Field(min_length=1)
    name: str
    avatar: str
    is_owned: bool = Field(True, alias="isOwned")


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, FacebookPage)
    return item.name, "Page you own" if item.is_owned else "Page you manage"


PLATFORM = Platform(
    v3=V3(
        "GetFacebookAccountsResponseDTO",
        "AttachFBAccountDTO",
        "SocialMediaFBAccountResponseDTO",
        attach_body=typed_body(("page",)),
    ),
    slug="facebook",
    display_name="Facebook",
    operation_ids={
        "start": "start-facebook-oauth",
        "accounts": "get-facebook-page-group",
        "attach": "attach-facebook-page-group",
    },
    accounts_segment="accounts",
    accounts_message="Fetched Facebook Account",
    attach_message="Added Facebook Account",
    item_model=FacebookPage,
    results=listed_under("pages"),
    origin_of=origin_by_id,
    describe=_describe,
    attach_body=(
        BodyField("type"),
        BodyField("originId", required=True),
        BodyField("name"),
        BodyField("avatar"),
        BodyField("companyId"),
    ),
    attach_dto="AttachFBAccountDTO",
    record_schema="SocialMediaFacebookAccountSchema",
    record_of=simple_record("page"),
    consent=ConsentCopy(
        "Continue",
        "#1877f2",
        (
            "Show a list of the Pages you manage",
            "Create and manage content on your Page",
            "Read content posted on the Page",
        ),
        "pages",
    ),
)
