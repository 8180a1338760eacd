"""Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by Playwright.

Never ``playwright install``: the tests use the system browser. The ``playwright`` and ``browser``
fixtures (one browser per test module) are registered for every test by ``tests/conftest.py``.
Without Chromium they skip with a loud reason on a developer machine, and fail in CI (``CI`` set),
where .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    configured = os.environ.get("GHL_MOCK_CHROMIUM")
    for candidate in (configured, *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    reason = (
        "BROWSER TESTS NOT RUN: no Chromium found (looked for GHL_MOCK_CHROMIUM, /usr/bin/chromium). "
        "Install Debian's package: sudo apt-get install -y chromium"
    )
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    chromium_path()  # skip (or fail in CI) before starting anything
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
