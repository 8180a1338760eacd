"""LinkedIn: pages and profile (``GetLinkedInAccountsResponseDTO``), attach ``AttachLinkedinAccountDTO``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from ghl_mock.platforms.base import V3, BodyField, ConsentCopy, DemoItem, Platform, simple_record, typed_body
from ghl_mock.platforms.tiktok import ACCOUNT_TYPES


class LinkedInItem(DemoItem):
    """A page or the member's profile (``LinkedInPageSchema`` / ``LinkedInProfileSchema``)."""

    id: str = Field(min_length=1)
    name: str
    avatar: str
    urn: str
    kind: Literal["page", "profile"] = "page"


def _entry(item: LinkedInItem, attached: frozenset[str]) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "avatar": item.avatar,
        "urn": item.urn,
        "isConnected": item.id in attached,
    }


def _results(items: Sequence[DemoItem], attached: frozenset[str]) -> dict[str, Any]:
    linkedin = [item for item in items if isinstance(item, LinkedInItem)]
    return {
        "pages": [_entry(item, attached) for item in linkedin if item.kind == "page"],
        "profile": [_entry(item, attached) for item in linkedin if item.kind == "profile"],
    }


def _origin(item: DemoItem) -> str:
    assert isinstance(item, LinkedInItem)
    return item.id


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, LinkedInItem)
    return item.name, "Company page" if item.kind == "page" else "Member profile"


PLATFORM = Platform(
    v3=V3(
        "GetLinkedInAccountsResponseDTO",
        "AttachLinkedinAccountDTO",
        "SocialMediaLinkedInAccountResponseDTO",
        attach_body=typed_body(ACCOUNT_TYPES, BodyField("urn", required=True)),
    ),
    slug="linkedin",
    display_name="LinkedIn",
    operation_ids={
        "start": "start-linkedin-oauth",
        "accounts": "get-linkedin-page-profile",
        "attach": "attach-linkedin-page-profile",
    },
    accounts_segment="accounts",
    accounts_message="Fetched LinkedIn Account",
    attach_message="Added LinkedIn Account",
    item_model=LinkedInItem,
    results=_results,
    origin_of=_origin,
    describe=_describe,
    attach_body=(
        BodyField("type", choices=ACCOUNT_TYPES),
        BodyField("originId", required=True),
        BodyField("name"),
        BodyField("avatar"),
        BodyField("urn"),
        BodyField("companyId"),
    ),
    attach_dto="AttachLinkedinAccountDTO",
    record_schema="SocialMediaLinkedInAccountSchema",
    record_of=simple_record("profile"),
    item_type=lambda item: item.kind if isinstance(item, LinkedInItem) else "profile",
    consent=ConsentCopy(
        "Allow",
        "#0a66c2",
        ("Use your name and photo", "Create, modify and delete posts on your behalf", "Manage your organization pages"),
        "pages and profiles",
    ),
)
