"""Rewrite the rule and operations tables in README.md from the code: ``python -m tests.readme_rules``."""

from __future__ import annotations

import re
from pathlib import Path

from ghl_mock import operations, rules, versions

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- rules:start[^\n]*-->\n).*?(\n<!-- rules:end -->)", re.S)
OPERATIONS_BLOCK = re.compile(r"(<!-- operations:start[^\n]*-->\n).*?(\n<!-- operations:end -->)", re.S)
VERSIONS_BLOCK = re.compile(r"(<!-- versions:start[^\n]*-->\n).*?(\n<!-- versions:end -->)", re.S)


def render(text: str) -> str:
    text = BLOCK.sub(lambda m: m.group(1) + rules.markdown_table() + m.group(2), text)
    text = VERSIONS_BLOCK.sub(lambda m: m.group(1) + versions.markdown_table() + m.group(2), text)
    return OPERATIONS_BLOCK.sub(lambda m: m.group(1) + operations.markdown_table() + m.group(2), text)


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
