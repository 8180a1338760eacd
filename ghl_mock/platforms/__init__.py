"""The platforms of HighLevel's Social Planner OAuth family, one module each.

Adding a network is one module here (a ``PLATFORM`` row) plus its demo data in the fixtures;
operations.py derives the routes, scenarios, CORS and contract operations from this registry.
"""

from __future__ import annotations

from typing import Final

from ghl_mock.platforms import bluesky as bluesky
from ghl_mock.platforms import facebook as facebook
from ghl_mock.platforms import google as google
from ghl_mock.platforms import instagram as instagram
from ghl_mock.platforms import linkedin as linkedin
from ghl_mock.platforms import pinterest as pinterest
from ghl_mock.platforms import threads as threads
from ghl_mock.platforms import tiktok as tiktok
from ghl_mock.platforms import tiktok_business as tiktok_business
from ghl_mock.platforms import twitter as twitter
from ghl_mock.platforms import youtube as youtube
from ghl_mock.platforms.base import V3, AccountRecord, Api, BodyField, ConsentCopy, DemoItem, Form, Kind, Platform

#: In the v1 spec's order (apps/social-media-posting.json), then the v3 spec's new ones.
PLATFORMS: Final[dict[str, Platform]] = {
    module.PLATFORM.slug: module.PLATFORM
    for module in (
        google,
        facebook,
        instagram,
        linkedin,
        twitter,
        tiktok,
        tiktok_business,
        youtube,
        pinterest,
        threads,
        bluesky,
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

__all__ = [
    "PLATFORMS",
    "SOCIAL_PLANNER_SCOPES",
    "V3",
    "AccountRecord",
    "Api",
    "BodyField",
    "ConsentCopy",
    "DemoItem",
    "Form",
    "Kind",
    "Platform",
]
