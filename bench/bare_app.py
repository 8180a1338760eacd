"""The baseline: a bare Starlette + uvicorn app doing the start endpoint's checks by hand.

Version header, HS256 JWT decode (PyJWT), scope, required query parameters, location, then a
302. This is what a developer would write as a quick stub; ghl-mock is measured against it.
Run: python bench/bare_app.py --port 0   (prints "bare ready on http://HOST:PORT")
"""

from __future__ import annotations

import argparse
import socket

import jwt
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SECRET = "ghl-mock-development-secret-not-for-production-use"
VERSIONS = {"2021-07-28", "2021-04-15", "2023-02-21", "v3"}
SCOPE = "socialplanner/oauth.readonly"


def unauthorized(message: str) -> Response:
    return JSONResponse({"statusCode": 401, "message": message}, status_code=401)


async def start(request: Request) -> Response:
    if request.headers.get("version") not in VERSIONS:
        return unauthorized("version header was not found.")
    authorization = request.headers.get("authorization", "")
    if not authorization.startswith("Bearer "):
        return unauthorized("Invalid JWT")
    try:
        claims = jwt.decode(authorization[7:], SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return unauthorized("Invalid JWT")
    if SCOPE not in claims.get("oauthMeta", {}).get("scopes", []):
        return unauthorized("The token is not authorized for this scope.")
    location, user = request.query_params.get("locationId"), request.query_params.get("userId")
    if not location or not user:
        return JSONResponse({"statusCode": 422, "message": ["locationId should not be empty"]}, status_code=422)
    if claims.get("authClassId") != location:
        return unauthorized("This location is not accessible from this token!")
    return Response(status_code=302, headers={"Location": f"http://127.0.0.1/consent?l={location}&u={user}"})


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/social-media-posting/oauth/tiktok-business/start", start),
        Route("/__mock/health", health),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--pydantic-settings",
        action="store_true",
        help="read host and port through pydantic-settings first (the start-up reference with ghl-mock's stack)",
    )
    args = parser.parse_args()
    if args.pydantic_settings:
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Options(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="BARE_")
            host: str = "127.0.0.1"
            port: int = args.port

        args.port = Options().port
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    host, port = sock.getsockname()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    print(f"bare ready on http://{host}:{port}", flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
