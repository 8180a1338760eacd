"""HTML pages (consent, finish, errors, dashboard): one Jinja2 environment, loaded on first use so
the server starts without paying for Jinja2 until a page is asked for."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"

#: Pages run only our own static script; data travels in JSON data blocks, never as code.
#: No Cross-Origin-Opener-Policy: the finish page must keep its ``window.opener``.
PAGE_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@cache
def templates() -> Jinja2Templates:
    from starlette.templating import Jinja2Templates

    environment = Jinja2Templates(directory=TEMPLATES_DIR)
    # Readable JSON for people; a plain string, so autoescape escapes it like any other text.
    environment.env.filters["pretty_json"] = lambda value: json.dumps(value, indent=2, ensure_ascii=False)
    return environment


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render a template with autoescape and the pages' security headers (plus ``headers``)."""
    return templates().TemplateResponse(
        request, template, context, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})}
    )


def wants_json(request: Request) -> bool:
    """The client asked for JSON, not a page (``Accept: application/json`` without ``text/html``):
    a test or a non-browser client reading the finish page's message."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
