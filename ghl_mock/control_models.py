"""The request bodies of the control API's tools (``routes/control_tools.py``); their JSON Schemas
are part of the control API's OpenAPI document."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ghl_mock.tokens import DEFAULT_EXPIRES_IN
from ghl_mock.wire import SCENARIO_HEADER, SESSION_HEADER

DEFAULT_LOCATION: Final = "demo-location"
DEFAULT_USER: Final = "demo-user"
#: The Version ``connect`` sends when none is given (v3 for a platform only v3 has).
DATE_VERSION: Final = "2021-07-28"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


class TokenRequest(_Body):
    """The options of ``ghl-mock token``. Neither id: a token for demo-location."""

    location_id: str | None = Field(None, alias="locationId", min_length=1, max_length=200)
    company_id: str | None = Field(None, alias="companyId", min_length=1, max_length=200)
    scopes: list[str] | None = Field(None, description="Default: every Social Planner scope.")
    expires_in: int = Field(DEFAULT_EXPIRES_IN, alias="expiresIn", ge=-10 * 365 * 86400, le=10 * 365 * 86400)

    @model_validator(mode="after")
    def _one_owner(self) -> TokenRequest:
        if self.location_id is not None and self.company_id is not None:
            raise ValueError("give locationId (a Sub-Account token) or companyId (an Agency token), not both")
        return self


class ConnectRequest(_Body):
    """What ``GhlMock.connect`` takes: the start's query, the user's decision, the headers to send."""

    platform: str = "tiktok-business"
    location_id: str = Field(DEFAULT_LOCATION, alias="locationId", min_length=1, max_length=200)
    user_id: str = Field(DEFAULT_USER, alias="userId", min_length=1, max_length=200)
    decision: Literal["approve", "cancel"] = "approve"
    reconnect: bool = False
    page: str | None = Field(None, max_length=200, description="The start's `page` query parameter.")
    version: str | None = Field(None, max_length=100, description="Default 2021-07-28, or v3 for v3-only platforms.")
    token: str | None = Field(None, max_length=20_000, description="Default: a new token for locationId.")
    session: str | None = Field(None, min_length=1, max_length=200, description=f"Sent as {SESSION_HEADER}.")
    scenario: str | None = Field(None, min_length=1, max_length=200, description=f"Sent as {SCENARIO_HEADER}.")
