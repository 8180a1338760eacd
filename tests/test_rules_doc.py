"""The README repeats the rule table from ghl_mock/rules.py; this keeps them identical."""

from __future__ import annotations

from ghl_mock.rules import RULES, STAGE_ORDER, Stage
from tests.readme_rules import BLOCK, OPERATIONS_BLOCK, README, VERSIONS_BLOCK, render


def test_readme_carries_the_current_rule_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert BLOCK.search(text), "README.md lost its rules:start/rules:end markers"
    assert OPERATIONS_BLOCK.search(text), "README.md lost its operations:start/operations:end markers"
    assert VERSIONS_BLOCK.search(text), "README.md lost its versions:start/versions:end markers"
    assert render(text) == text, "README.md's rule table is stale: run python -m tests.readme_rules"


def test_rules_are_listed_in_stage_order() -> None:
    stages = [rule.stage for rule in RULES]
    assert stages == sorted(stages, key=STAGE_ORDER.index)
    assert STAGE_ORDER == (
        Stage.VERSION,
        Stage.BODY_PARSE,
        Stage.TOKEN,
        Stage.QUERY,
        Stage.BODY,
        Stage.LOCATION,
        Stage.PLATFORM,
        Stage.ACCOUNT,
    )
