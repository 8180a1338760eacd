"""Bluesky (v3 only): the spec lists it in every generic operation's enum and says "Currently not
supported, will return an error". Every bluesky operation answers the documented 400 after the
usual checks (rules.PLATFORM_UNSUPPORTED; decisions #74); no demo data, no consent page."""

from __future__ import annotations

from pydantic import Field

from ghl_mock.platforms.base import V3, DemoItem, Platform, listed_under, origin_by_id

UNSUPPORTED = "Bluesky is currently not supported"


class BlueskyProfile(DemoItem):
    id: str = Field(min_length=1)
    name: str


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, BlueskyProfile)
    return item.name, ""


PLATFORM = Platform(
    slug="bluesky",
    display_name="Bluesky",
    operation_ids={},
    accounts_segment="accounts",
    accounts_message="",
    attach_message="",
    item_model=BlueskyProfile,
    results=listed_under("profile"),
    origin_of=origin_by_id,
    describe=_describe,
    # In attach's enum, with no DTO in its oneOf: the row exists, its body is not read.
    v3=V3(None, attach_dto="", unsupported=UNSUPPORTED),
)
