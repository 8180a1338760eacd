"""Google Business Profile: locations (``GetGoogleLocationResponseDTO``), attach ``AttachGMBLocationDTO``.

The spec makes ``results.locations`` one object ``{location, account}``, not a list: the mock
answers with the grant's first demo location in that form (deviations.py has no row: it is the spec).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field

from ghl_mock.platforms.base import V3, AccountRecord, BodyField, ConsentCopy, DemoItem, Platform


class GoogleLocation(DemoItem):
    name: str = Field(min_length=1, description="locations/… resource name; the attach originId")
    store_code: str = Field("", alias="storeCode")
    title: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    storefront_address: dict[str, Any] = Field(default_factory=dict, alias="storefrontAddress")
    relationship_data: dict[str, Any] = Field(default_factory=dict, alias="relationshipData")
    max_location: bool = Field(False, alias="maxLocation")
    is_verified: bool = Field(True, alias="isVerified")


class GoogleAccount(DemoItem):
    name: str = Field(min_length=1)
    account_name: str = Field(alias="accountName")
    type: str = "PERSONAL"
    verification_state: str = Field("UNVERIFIED", alias="verificationState")
    vetted_state: str = Field("NOT_VETTED", alias="vettedState")


class GoogleLocationPair(DemoItem):
    location: GoogleLocation
    account: GoogleAccount


def _results(items: Sequence[DemoItem], attached: frozenset[str]) -> dict[str, Any]:
    pairs = [item for item in items if isinstance(item, GoogleLocationPair)]
    if not pairs:
        return {"locations": {}}
    pair = pairs[0]
    location = pair.location.model_dump(mode="json", by_alias=True)
    location["isConnected"] = origin_of_name(pair.location.name) in attached
    return {"locations": {"location": location, "account": pair.account.model_dump(mode="json", by_alias=True)}}


def origin_of_name(name: str) -> str:
    """``locations/123`` → ``123``: the id part of the resource name (account ids must fit a path)."""
    return name.rsplit("/", 1)[-1]


def _origin(item: DemoItem) -> str:
    assert isinstance(item, GoogleLocationPair)
    return origin_of_name(item.location.name)


def _describe(item: DemoItem) -> tuple[str, str]:
    assert isinstance(item, GoogleLocationPair)
    return item.location.title, item.account.account_name


def _record(body: dict[str, Any]) -> AccountRecord:
    location: dict[str, Any] = body["location"]
    account: dict[str, Any] = body["account"]
    return AccountRecord(
        origin_id=origin_of_name(str(location.get("name", ""))),
        type="location",
        name=str(location.get("title", "")),
        avatar="",
        meta={
            "storeCode": location.get("storeCode"),
            "isVerified": location.get("isVerified"),
            "accountId": account.get("name"),
            "storefrontAddress": location.get("storefrontAddress", {}),
        },
    )


PLATFORM = Platform(
    v3=V3(
        "GetGoogleLocationResponseDTO",
        "AttachGMBLocationDTO",
        "SocialMediaGmbAccountResponseDTO",
        attach_body=(BodyField("location", "object", required=True), BodyField("account", "object", required=True)),
    ),
    slug="google",
    display_name="Google Business Profile",
    operation_ids={"start": "start-google-oauth", "accounts": "get-google-locations", "attach": "set-google-locations"},
    accounts_segment="locations",
    accounts_message="Fetched Google Business Account",
    attach_message="Added Google Business Account",
    item_model=GoogleLocationPair,
    results=_results,
    origin_of=_origin,
    describe=_describe,
    attach_body=(
        BodyField("location", "object", required=True),
        BodyField("account", "object", required=True),
        BodyField("companyId"),
    ),
    attach_dto="AttachGMBLocationDTO",
    record_schema="SocialGoogleMediaAccountSchema",
    record_of=_record,
    consent=ConsentCopy(
        "Allow",
        "#1a73e8",
        ("See, edit, create and delete your Google business listings", "See your primary Google Account email address"),
        "locations",
    ),
)
