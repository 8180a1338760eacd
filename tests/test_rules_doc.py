"""The README repeats the rule table from mock_server/rules.py; this keeps them identical."""

from __future__ import annotations

from pathlib import Path

from mock_server.rules import RULES, STAGE_ORDER, Stage, markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_carries_the_current_rule_table() -> None:
    assert markdown_table() in README.read_text(encoding="utf-8"), (
        "README.md's rule table is stale: paste mock_server.rules.markdown_table() into it"
    )


def test_rules_are_listed_in_stage_order() -> None:
    stages = [rule.stage for rule in RULES]
    assert stages == sorted(stages, key=STAGE_ORDER.index)
    assert STAGE_ORDER == (Stage.VERSION, Stage.TOKEN, Stage.QUERY, Stage.LOCATION)
