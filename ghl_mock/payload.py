"""The message the finish page posts to ``window.opener`` (research §5.1, issue "consent page").

Observed real payload (Facebook run, §5.1):
``{actionType: "close", page: "social_media_posting", platform, placement: "undefined",
accountId, refresh: "undefined", source: "undefined"}``, with no ``reconnectAccounts`` when
not reconnecting. ghl-mock follows it; docs/decisions.md records the choices.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

#: What HighLevel's finish page writes for a value it was never given (JavaScript's String(undefined)).
UNDEFINED = "undefined"


class PostMessagePayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actionType: Literal["close"] = "close"
    page: Literal["social_media_posting"] = "social_media_posting"
    platform: str
    placement: str
    accountId: str | None = None
    reconnectAccounts: list[str] | None = None
    refresh: str = UNDEFINED
    source: str = UNDEFINED

    def wire(self) -> dict[str, Any]:
        """The object as posted: keys that do not apply are absent, not null."""
        return self.model_dump(exclude_none=True)


def is_reconnect(reconnect: str | None) -> bool:
    return (reconnect or "").strip().lower() == "true"


def build_payload(
    outcome: Literal["approve", "cancel"],
    *,
    platform: str,
    page: str | None,
    reconnect: str | None,
    account_id: str | None,
    reconnect_accounts: tuple[str, ...],
) -> PostMessagePayload:
    """Approve carries ``accountId``; cancel does not. ``reconnectAccounts`` only when reconnecting."""
    approved = outcome == "approve"
    return PostMessagePayload(
        platform=platform,
        placement=page if page else UNDEFINED,
        accountId=account_id if approved else None,
        reconnectAccounts=list(reconnect_accounts) if approved and is_reconnect(reconnect) else None,
    )
