"""Rewrite the rule table in README.md from mock_server/rules.py: ``python -m tests.readme_rules``."""

from __future__ import annotations

import re
from pathlib import Path

from mock_server.rules import markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- rules:start[^\n]*-->\n).*?(\n<!-- rules:end -->)", re.S)


def render(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + markdown_table() + m.group(2), text)


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
