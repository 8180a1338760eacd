"""Example client for ghl-mock: a small web app that connects a Social Planner account (TikTok
Business by default; ``?platform=facebook`` or the page's select for the others) the way real
HighLevel integrations do (see index.html and app.js).

Run the mock (``make run``), then in another terminal::

    .venv/bin/python examples/popup-client/serve.py        # http://127.0.0.1:5173

Its back end holds the HighLevel token and offers the *server-side* pattern: it calls the start
endpoint with ``Authorization`` and ``Version``, redirects off, and hands the 302 ``Location`` to
the page, which opens it in a popup. The page also shows the *direct* pattern (``window.open`` of
the start URL, as HighLevel's docs say), which works against ghl-mock's default
``--browser-navigation accept``. After the popup's message, the page calls get-accounts, attach
(where the network has one) and the location's accounts list and delete, cross-origin (CORS).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

HERE = Path(__file__).resolve().parent
DEMO_PIT = "pit-00000000-0000-4000-8000-000000000001"
#: The networks whose start the back end proxies (the path segment; anything else is refused).
PLATFORMS = (
    "google", "facebook", "instagram", "linkedin", "twitter", "tiktok", "tiktok-business",
    "youtube", "pinterest", "threads", "bluesky",
)  # fmt: skip
#: The Version values the page may ask the back end to send (HighLevel's v1 date, or v3).
VERSIONS = ("2021-07-28", "v3")
DEFAULT_PLATFORM = "tiktok-business"


def create_example_app(
    mock_url: str, *, token: str = DEMO_PIT, location_id: str = "demo-location", user_id: str = "demo-user"
) -> Starlette:
    mock_url = mock_url.rstrip("/")

    async def index(request: Request) -> Response:
        return FileResponse(HERE / "index.html")

    async def script(request: Request) -> Response:
        return FileResponse(HERE / "app.js", media_type="text/javascript")

    async def config(request: Request) -> Response:
        # A real app would keep the token on its server and proxy the accounts call; the demo hands
        # it to the page so the page can show a cross-origin fetch (CORS) to the mock.
        return JSONResponse({"mockUrl": mock_url, "locationId": location_id, "userId": user_id, "token": token})

    async def oauth_url(request: Request) -> Response:
        """Server-side pattern: call start with headers and redirects off, return the Location."""
        platform = request.query_params.get("platform", DEFAULT_PLATFORM)
        if platform not in PLATFORMS:
            return JSONResponse({"error": {"message": f"unknown platform {platform[:40]!r}"}}, status_code=400)
        params = {"locationId": location_id, "userId": user_id}
        if request.query_params.get("reconnect") == "true":
            params["reconnect"] = "true"
        version = request.query_params.get("version", "2021-07-28")
        if version not in VERSIONS:
            return JSONResponse({"error": {"message": f"unknown version {version[:40]!r}"}}, status_code=400)
        headers = {"Authorization": f"Bearer {token}", "Version": version}
        if consent := request.query_params.get("consent"):
            headers["X-Mock-Consent"] = consent  # ghl-mock only: finish without a click (CI)
        async with httpx.AsyncClient(follow_redirects=False, timeout=10) as client:
            response = await client.get(
                f"{mock_url}/social-media-posting/oauth/{platform}/start", params=params, headers=headers
            )
        if response.status_code != 302:
            # Relay HighLevel's answer (e.g. twitter's 400 "no longer supported") for the page to show.
            try:
                error = response.json()
            except ValueError:
                error = {"message": response.text[:500]}
            relayed = {
                "error": error,
                "status": response.status_code,
                "contentType": response.headers.get("content-type"),
            }
            return JSONResponse(relayed, status_code=502)
        return JSONResponse({"url": response.headers["location"]})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/app.js", script),
            Route("/api/config", config),
            Route("/api/oauth-url", oauth_url),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mock-url", default=os.environ.get("GHL_MOCK_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--port", type=int, default=5173)
    parser.add_argument("--token", default=os.environ.get("EXAMPLE_TOKEN", DEMO_PIT))
    args = parser.parse_args()
    print(f"example client on http://127.0.0.1:{args.port} (mock: {args.mock_url})", flush=True)
    uvicorn.run(create_example_app(args.mock_url, token=args.token), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
