"""What a platform is, as data: the one shape every platform module fills in.

Handlers know no platform. They ask the platform row for what differs between networks: the
demo items' model, how the get-accounts ``results`` are laid out, the attach body's fields, how
an attached item becomes an account record, and the consent page's copy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

#: Every kind of operation the Social Planner OAuth family has (operations.py rows use them).
Kind = Literal["start", "accounts", "attach", "list", "delete"]


class DemoItem(BaseModel):
    """One page, profile or location a provider offers after consent (fixtures' demo data)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


@dataclass(frozen=True, slots=True)
class BodyField:
    """One attach-body property, validated the way class-validator would."""

    name: str
    kind: Literal["string", "boolean", "object"] = "string"
    required: bool = False
    #: ``@IsEnum``/``@IsIn`` values, when the spec gives an enum.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """What attaching an item creates: the parts of the spec's ``SocialMedia*AccountSchema`` that vary."""

    origin_id: str
    type: str
    name: str
    avatar: str
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ConsentCopy:
    """How the stand-in consent page looks for this network."""

    #: The approve button's label ("Authorize", or the network's own word).
    approve_label: str
    #: The brand colour of the page's header and primary button (CSS colour).
    colour: str
    #: What the network's real consent screen lists as requested permissions.
    permissions: tuple[str, ...]
    #: What the offered items are called ("pages", "profiles", "locations").
    noun: str


@dataclass(frozen=True, slots=True)
class Platform:
    slug: str
    display_name: str
    #: The kinds of per-platform operation it has (start, accounts, attach), with operationIds.
    operation_ids: Mapping[Kind, str]
    #: The path segment before ``{accountId}`` on get/attach: ``accounts`` (google: ``locations``).
    accounts_segment: str
    #: The get-accounts DTO's ``message`` and the attach DTO's (spec examples).
    accounts_message: str
    attach_message: str
    #: The pydantic model each demo item is validated with (fixtures: ``accounts.<slug>``).
    item_model: type[DemoItem]
    #: ``results`` of the get-accounts answer, from the grant's items and the attached origin ids.
    results: Callable[[Sequence[DemoItem], frozenset[str]], dict[str, Any]]
    #: The originId an item is attached by, and how the consent page names it.
    origin_of: Callable[[DemoItem], str]
    describe: Callable[[DemoItem], tuple[str, str]]
    #: The attach body's fields (class-validator rules) and how a valid body becomes a record.
    attach_body: tuple[BodyField, ...] = ()
    record_of: Callable[[dict[str, Any]], AccountRecord] | None = None
    #: For a platform with no attach step (tiktok-business): the account an approved consent
    #: connects for each item.
    connects_on_consent: Callable[[DemoItem], AccountRecord] | None = None
    consent: ConsentCopy = field(default_factory=lambda: ConsentCopy("Authorize", "#333", (), "accounts"))
    #: The account type of an item attached without ``type`` (linkedin: the item's page/profile kind).
    item_type: Callable[[DemoItem], str] | None = None
    #: The spec's schema names: the attach body DTO and the attach answer's account record.
    attach_dto: str = ""
    record_schema: str = ""
    #: Set when HighLevel no longer supports the network: every operation answers this message
    #: (after the Version, token, query and location checks), unless served in legacy mode.
    retired: str | None = None
    #: Extra start-query names real clients send for this platform (instagram: loginType).
    extra_start_query: tuple[str, ...] = ()

    def has(self, kind: Kind) -> bool:
        return kind in self.operation_ids


def simple_record(default_type: str) -> Callable[[dict[str, Any]], AccountRecord]:
    """The record for bodies shaped ``{originId, name, avatar, type?, …}``: the rest goes to ``meta``."""

    def record(body: dict[str, Any]) -> AccountRecord:
        meta = {
            k: v for k, v in body.items() if k not in ("originId", "name", "avatar", "type", "companyId", "platform")
        }
        return AccountRecord(
            origin_id=str(body["originId"]),
            type=str(body.get("type") or default_type),
            name=str(body.get("name") or ""),
            avatar=str(body.get("avatar") or ""),
            meta=meta,
        )

    return record


def item_fields(item: DemoItem) -> dict[str, Any]:
    """An item as the spec's schema names its fields."""
    return item.model_dump(mode="json", by_alias=True, exclude_none=True)


def origin_by_id(item: DemoItem) -> str:
    """The originId of an item whose schema has an ``id`` (every platform but google)."""
    return str(getattr(item, "id"))  # noqa: B009 - DemoItem itself declares no fields


def listed_under(key: str) -> Callable[[Sequence[DemoItem], frozenset[str]], dict[str, Any]]:
    """``results`` that list every item under ``key``, each with its fields and ``isConnected``."""

    def results(items: Sequence[DemoItem], attached: frozenset[str]) -> dict[str, Any]:
        return {key: [{**item_fields(item), "isConnected": origin_by_id(item) in attached} for item in items]}

    return results
