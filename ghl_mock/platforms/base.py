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
#: HighLevel's two API generations: the per-platform spec (``Version: 2021-07-28`` and the other
#: dates) and the generic-route spec (``Version: v3``); versions.py maps each Version to one.
Api = Literal["v1", "v3"]


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
class V3:
    """The platform under ``Version: v3`` (``apps/v3/social-planner-v3.json``), where it differs.

    The DTO names are the members of the generic operations' ``oneOf`` this platform answers with
    (the contract checks validate against that member, not the whole ``oneOf``). A field left None
    takes the platform's (v1) value.
    """

    #: get-oauth-accounts' 200 DTO (None: the spec has none for this platform).
    accounts_dto: str | None
    #: attach-oauth-accounts' request DTO (None: no attach under v3, as the spec's enum says).
    attach_dto: str | None = None
    #: attach-oauth-accounts' 201 DTO (None: the spec's ``oneOf`` has none for this platform).
    answer_dto: str | None = None
    #: The v3 attach DTO's fields, where they differ from the v1 DTO's.
    attach_body: tuple[BodyField, ...] | None = None
    accounts_message: str | None = None
    attach_message: str | None = None
    #: The spec says the platform is not supported yet: every v3 operation answers this (bluesky).
    unsupported: str | None = None


@dataclass(frozen=True, slots=True)
class Form:
    """What one operation row of a platform answers and accepts: its generation's DTOs, resolved."""

    api: Api
    accounts_message: str
    attach_message: str
    attach_body: tuple[BodyField, ...]
    attach_dto: str
    #: The v3 ``oneOf`` members (None under v1, where each operation has its own DTO).
    accounts_dto: str | None = None
    answer_dto: str | None = None
    unsupported: str | None = None

    @property
    def platform_on_answer(self) -> bool:
        """v3 attach answers carry a top-level ``platform`` (three of the v3 DTOs require one)."""
        return self.api == "v3"


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
    #: How it looks under ``Version: v3``; None: not in the v3 spec's ``platform`` enum (twitter).
    v3: V3 | None = None

    @property
    def default_api(self) -> Api:
        """The generation a client of it uses unless told otherwise: v1, or v3 where only v3 has it."""
        return "v1" if self.has("start") else "v3"

    def has(self, kind: Kind) -> bool:
        """Whether it has this kind of per-platform (v1) operation."""
        return kind in self.operation_ids

    def v3_kinds(self) -> tuple[Kind, ...]:
        """The generic v3 operations it appears in (the spec's ``platform`` enums)."""
        if self.v3 is None:
            return ()
        return ("start", "accounts", "attach") if self.v3.attach_dto is not None else ("start", "accounts")

    def form(self, api: Api) -> Form:
        v1 = Form("v1", self.accounts_message, self.attach_message, self.attach_body, self.attach_dto)
        if api == "v1" or self.v3 is None:
            return v1
        v3 = self.v3
        return Form(
            "v3",
            v3.accounts_message or self.accounts_message,
            v3.attach_message or self.attach_message,
            v3.attach_body if v3.attach_body is not None else self.attach_body,
            v3.attach_dto or "",
            v3.accounts_dto,
            v3.answer_dto,
            v3.unsupported,
        )


def typed_body(types: tuple[str, ...], *extra: BodyField) -> tuple[BodyField, ...]:
    """The v3 attach DTOs' common shape: ``type`` (one of ``types``), ``originId``, ``name`` and
    ``avatar``, all required, then the DTO's own further fields."""
    required = tuple(BodyField(name, required=True) for name in ("originId", "name", "avatar"))
    return (BodyField("type", required=True, choices=types), *required, *extra)


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


def named_with_handle(item: DemoItem) -> tuple[str, str]:
    """How the consent page names an item with ``name`` and ``username``: the name, then the handle."""
    username = str(getattr(item, "username", ""))
    return str(getattr(item, "name", "")), username if username.startswith("@") else f"@{username}"


def listed_under(key: str) -> Callable[[Sequence[DemoItem], frozenset[str]], dict[str, Any]]:
    """``results`` that list every item under ``key``, each with its fields and ``isConnected``."""

    def results(items: Sequence[DemoItem], attached: frozenset[str]) -> dict[str, Any]:
        return {key: [{**item_fields(item), "isConnected": origin_by_id(item) in attached} for item in items]}

    return results
