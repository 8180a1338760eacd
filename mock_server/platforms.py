"""The table of OAuth platforms. Routes take the platform as a parameter and look it up here,
so the sibling platforms (facebook, instagram, …) can be added as rows later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Platform:
    slug: str
    display_name: str
    start_operation_id: str
    accounts_operation_id: str
    #: Scope the start and accounts endpoints require (Scopes.md, `socialplanner/oauth.readonly`).
    scope: str
    #: The accounts response's ``message`` (the spec's example for this platform's DTO).
    accounts_message: str


PLATFORMS: Final = {
    p.slug: p
    for p in (
        Platform(
            slug="tiktok-business",
            display_name="TikTok Business",
            start_operation_id="start-tiktok-business-oauth",
            accounts_operation_id="get-tiktok-business-profile",
            scope="socialplanner/oauth.readonly",
            accounts_message="Fetched Tiktok Business Account",
        ),
    )
}

#: Every Social Planner scope in HighLevel's Scopes.md; `ghl-mock token` grants all by default.
SOCIAL_PLANNER_SCOPES: Final = (
    "socialplanner/account.readonly",
    "socialplanner/account.write",
    "socialplanner/category.readonly",
    "socialplanner/csv.readonly",
    "socialplanner/csv.write",
    "socialplanner/oauth.readonly",
    "socialplanner/oauth.write",
    "socialplanner/post.readonly",
    "socialplanner/post.write",
    "socialplanner/tag.readonly",
)
