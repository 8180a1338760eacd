"""Threads (v3 only): the spec has an attach DTO (``AttachThreadsAccountDTO``) and an answer DTO
but no get-accounts DTO; the mock lists the profile under ``results.profile`` like its siblings."""

from __future__ import annotations

from pydantic import Field

from ghl_mock.platforms.base import (
    V3,
    ConsentCopy,
    DemoItem,
    Platform,
    listed_under,
    named_with_handle,
    origin_by_id,
    simple_record,
    typed_body,
)


class ThreadsProfile(DemoItem):
    id: str = Field(min_length=1)
    name: str
    username: str
    avatar: str


PLATFORM = Platform(
    slug="threads",
    display_name="Threads",
    operation_ids={},
    accounts_segment="accounts",
    accounts_message="Fetched Threads Account",
    attach_message="Added Threads Account",
    item_model=ThreadsProfile,
    results=listed_under("profile"),
    origin_of=origin_by_id,
    describe=named_with_handle,
    attach_body=typed_body(("profile",)),
    attach_dto="AttachThreadsAccountDTO",
    record_schema="SocialMediaThreadsAccountSchema",
    record_of=simple_record("profile"),
    consent=ConsentCopy(
        "Allow", "#000000", ("Access your Threads profile", "Publish posts and replies for you"), "profiles"
    ),
    # No get DTO (deviations: threads-accounts); the answer DTO is not in attach's oneOf either.
    v3=V3(None, "AttachThreadsAccountDTO", "SocialMediaThreadsAccountResponseDTO"),
)
