"""The mock's own service routes. Everything ghl-mock adds lives under ``/__mock/``."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC_DIR: Final = Path(__file__).resolve().parent.parent / "static"


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


routes: Final[list[BaseRoute]] = [
    Route("/__mock/health", health, methods=["GET"]),
    Mount("/__mock/static", StaticFiles(directory=STATIC_DIR), name="static"),
]
