"""Pinterest (v3 only): ``results.profile`` of ``PinterestProfileSchema`` (provider type ``PINNER``),
attached as ``type: profile`` (``AttachPinterestAccountDTO``'s only value), as real clients map it."""

from __future__ import annotations

from pydantic import Field

from ghl_mock.platforms.base import (
    V3,
    BodyField,
    ConsentCopy,
    DemoItem,
    Platform,
    listed_under,
    named_with_handle,
    origin_by_id,
    simple_record,
)


class PinterestProfile(DemoItem):
    """The spec's ``PinterestProfileSchema`` (``isConnected`` is computed)."""

    id: str = Field(min_length=1)
    name: str
    username: str
    avatar: str
    type: str = "PINNER"
    website_url: str = Field("", alias="websiteUrl")


PLATFORM = Platform(
    slug="pinterest",
    display_name="Pinterest",
    operation_ids={},
    accounts_segment="accounts",
    # The spec's example answers one flat profile; its DTO `results.profile[]` (deviations: v3-forms).
    accounts_message="Fetched Pinterest Account",
    attach_message="Added Pinterest Account",
    item_model=PinterestProfile,
    results=listed_under("profile"),
    origin_of=origin_by_id,
    describe=named_with_handle,
    attach_body=(
        BodyField("originId", required=True),
        BodyField("name"),
        BodyField("avatar"),
        BodyField("verified", "boolean"),
        BodyField("username"),
        BodyField("websiteUrl"),
        BodyField("companyId"),
        BodyField("type", choices=("profile",)),
        BodyField("originAccountType"),
    ),
    attach_dto="AttachPinterestAccountDTO",
    record_schema="PinterestOAuthAccountSchema",
    record_of=simple_record("profile"),
    consent=ConsentCopy(
        "Give access",
        "#e60023",
        ("See your public boards and Pins", "Create, update or delete your Pins and boards"),
        "profiles",
    ),
    v3=V3("GetPinterestAccountsResponseDTO", "AttachPinterestAccountDTO", "SocialMediaPinterestAccountResponseDTO"),
)
