"""A small HighLevel client, the kind of code ghl-mock is for: connect a TikTok Business account.

It does what real integrations do (shared research §3.1, §5.3): the back end calls the start
endpoint with ``Authorization`` and ``Version`` and redirects off, hands the 302's ``Location``
to the browser for the popup, and later reads the connected account's profiles. It retries a
burst 429 after ``Retry-After``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

VERSION = "2021-07-28"


class HighLevelError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class TikTokBusinessConnector:
    def __init__(
        self,
        http: httpx.Client,
        token: str,
        *,
        max_retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.http = http
        self.token = token
        self.max_retries = max_retries
        self.sleep = sleep

    def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", "Version": VERSION}
        for _attempt in range(self.max_retries + 1):
            response = self.http.get(path, params=params, headers=headers, follow_redirects=False)
            if response.status_code != 429:
                return response
            self.sleep(float(response.headers.get("Retry-After", "1")))
        return response

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        try:
            message = response.json().get("message", response.text)
        except ValueError:
            message = response.text
        if isinstance(message, list):  # 422: class-validator messages
            message = ", ".join(message)
        raise HighLevelError(response.status_code, str(message))

    def oauth_url(self, location_id: str, user_id: str, *, reconnect: bool = False) -> str:
        """The URL to open in the 600x700 popup."""
        params = {"locationId": location_id, "userId": user_id}
        if reconnect:
            params["reconnect"] = "true"
        response = self._get("/social-media-posting/oauth/tiktok-business/start", params)
        if response.status_code != 302:
            self._raise_for(response)
        return response.headers["location"]

    def profiles(self, location_id: str, account_id: str) -> list[dict[str, Any]]:
        """The TikTok Business profiles of the account the popup reported."""
        response = self._get(f"/social-media-posting/oauth/{location_id}/tiktok-business/accounts/{account_id}")
        if response.status_code != 200:
            self._raise_for(response)
        profiles: list[dict[str, Any]] = response.json()["results"]["profile"]
        return profiles
