"""YouTube (v3 only): channels as ``results.profile`` (``GetYoutubeAccountSchema``), attach per the
DTO the spec misnames ``AttachYoutubeAccountResponseDTO`` (it is the request body)."""

from __future__ import annotations

from typing import Literal

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
    typed_body,
)


class YoutubeChannel(DemoItem):
    """The spec's ``YoutubeProfileSchema`` (``isConnected`` is computed)."""

    id: str = Field(min_length=1)
    name: str
    username: str
    avatar: str
    verified: bool = False
    type: Literal["PROFILE"] = "PROFILE"


PLATFORM = Platform(
    slug="youtube",
    display_name="YouTube",
    operation_ids={},
    accounts_segment="accounts",
    # The spec's example answers `results.channels`; its DTO `results.profile` (deviations: v3-forms).
    accounts_message="Fetched YouTube Account",
    attach_message="Added YouTube Account",
    item_model=YoutubeChannel,
    results=listed_under("profile"),
    origin_of=origin_by_id,
    describe=named_with_handle,
    attach_body=typed_body(("profile",), BodyField("verified", "boolean"), BodyField("username")),
    attach_dto="AttachYoutubeAccountResponseDTO",
    record_schema="YouTubeOAuthAccountSchema",
    record_of=simple_record("profile"),
    consent=ConsentCopy(
        "Allow",
        "#ff0000",
        ("Manage your YouTube account", "See, edit and permanently delete your YouTube videos"),
        "channels",
    ),
    v3=V3("GetYouTubeAccountsResponseDTO", "AttachYoutubeAccountResponseDTO", "SocialMediaYouTubeAccountResponseDTO"),
)
