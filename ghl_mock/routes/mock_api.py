"""The mock's own service routes. Everything ghl-mock adds lives under ``/__mock/``."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ghl_mock.openapi import mocked_operations_spec
from ghl_mock.versions import generation, requested

STATIC_DIR: Final = Path(__file__).resolve().parent.parent / "static"


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def openapi(request: Request) -> Response:
    """The official spec's mocked operations, with ghl-mock's documented deviations: the v3 file's for
    ``Version: v3`` (header, or ``?version=v3`` for tools that cannot send one), else the v1 file's."""
    wanted = request.query_params.get("version") or requested(request.scope["headers"])
    return JSONResponse(mocked_operations_spec(generation(wanted) or "v1"))


routes: Final[list[BaseRoute]] = [
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/__mock/health", health, methods=["GET"]),
    Mount("/__mock/static", StaticFiles(directory=STATIC_DIR), name="static"),
]
