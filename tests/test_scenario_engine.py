"""The engine: step order, repeat counts, exhaustion rules, sessions, atomicity, reset, reload."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from ghl_mock.scenarios.engine import RequestView, ScenarioEngine, matches
from ghl_mock.scenarios.loader import LoadedScenario
from ghl_mock.scenarios.model import Match, Scenario

START = RequestView("start", "GET", [("locationId", "L")], {"x-env": "ci"})
ACCOUNTS = RequestView("accounts", "GET", [], {})
CONSENT = RequestView("consent", "GET", [("state", "s")], {})


def scenario(name: str, steps: list[dict[str, object]], when_exhausted: str = "fall_through") -> LoadedScenario:
    model = Scenario.model_validate({"description": name, "steps": steps, "when_exhausted": when_exhausted})
    return LoadedScenario(name, Path(f"{name}.yaml"), model)


def engine(*loaded: LoadedScenario, active: list[str] | None = None, seed: int | None = 1) -> ScenarioEngine:
    return ScenarioEngine({s.name: s for s in loaded}, active if active is not None else [s.name for s in loaded], seed)


def labels(e: ScenarioEngine, request: RequestView, n: int, session: str = "default") -> list[str | None]:
    out: list[str | None] = []
    for _ in range(n):
        decision = e.decide(request, session)
        out.append(decision.label if decision else None)
    return out


def test_a_step_can_be_limited_to_one_platform_and_kind() -> None:
    facebook_attach = RequestView("attach", "POST", [], {}, "facebook")
    google_attach = RequestView("attach", "POST", [], {}, "google")
    facebook_list = RequestView("list", "GET", [], {}, None)
    wanted = Match(endpoint="attach", platform="facebook")
    assert matches(wanted, facebook_attach)
    assert not matches(wanted, google_attach)
    assert not matches(wanted, facebook_list)
    assert matches(Match(endpoint="any"), facebook_list)  # any: every API operation
    assert not matches(Match(endpoint="any"), CONSENT)  # but not the browser pages


def test_an_unknown_platform_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match="did you mean 'facebook'"):
        Match(endpoint="attach", platform="facebok")


def test_steps_are_served_in_order_with_their_repeat_counts() -> None:
    e = engine(scenario("s", [{"gateway": 502, "repeat": 2}, {"gateway": 503}, {"gateway": 504, "repeat": 3}]))
    assert labels(e, START, 8) == ["s/1", "s/1", "s/2", "s/3", "s/3", "s/3", None, None]


def test_fall_through_answers_normally_after_the_last_step() -> None:
    e = engine(scenario("s", [{"gateway": 502}]))
    assert labels(e, START, 3) == ["s/1", None, None]


def test_keep_last_repeats_the_last_step() -> None:
    e = engine(scenario("s", [{"gateway": 502}, {"gateway": 503}], when_exhausted="keep_last"))
    assert labels(e, START, 4) == ["s/1", "s/2", "s/2", "s/2"]


def test_forever_never_advances() -> None:
    e = engine(scenario("s", [{"gateway": 502, "repeat": "forever"}, {"gateway": 503}]))
    assert labels(e, START, 5) == ["s/1"] * 5


def test_a_request_the_current_step_does_not_match_consumes_nothing() -> None:
    e = engine(scenario("s", [{"match": {"endpoint": "accounts"}, "gateway": 502}, {"gateway": 503}]))
    assert labels(e, START, 2) == [None, None]
    assert labels(e, ACCOUNTS, 1) == ["s/1"]
    assert labels(e, START, 2) == ["s/2", None]


@pytest.mark.parametrize(
    ("match", "request_view", "expected"),
    [
        ({}, START, True),
        ({}, ACCOUNTS, True),
        ({}, CONSENT, False),  # "any" is the API; the browser pages match by name
        ({"endpoint": "consent"}, CONSENT, True),
        ({"method": "post"}, START, False),
        ({"method": "get"}, START, True),
        ({"query": {"locationId": "L"}}, START, True),
        ({"query": {"locationId": "M"}}, START, False),
        ({"query": {"locationId": "*"}}, START, True),
        ({"query": {"userId": "*"}}, START, False),
        ({"headers": {"X-Env": "ci"}}, START, True),
        ({"headers": {"X-Env": "prod"}}, START, False),
        ({"headers": {"X-Other": "*"}}, START, False),
    ],
)
def test_match_conditions(match: dict[str, object], request_view: RequestView, expected: bool) -> None:
    assert matches(Match.model_validate(match), request_view) is expected


def test_sessions_never_share_a_position() -> None:
    e = engine(scenario("s", [{"gateway": 502}, {"gateway": 503}, {"gateway": 504}]))
    assert labels(e, START, 1, "a") == ["s/1"]
    assert labels(e, START, 2, "b") == ["s/1", "s/2"]
    assert labels(e, START, 3, "a") == ["s/2", "s/3", None]
    assert labels(e, START, 2, "b") == ["s/3", None]


def test_only_selects_one_scenario_even_if_inactive() -> None:
    e = engine(scenario("a", [{"gateway": 502}]), scenario("b", [{"gateway": 503}]), active=["a"])
    decision = e.decide(START, "default", only="b")
    assert decision is not None and decision.label == "b/1"
    assert labels(e, START, 2) == ["a/1", None]


def test_active_scenarios_are_consulted_in_activation_order() -> None:
    e = engine(
        scenario("a", [{"match": {"endpoint": "accounts"}, "gateway": 502}]),
        scenario("b", [{"gateway": 503}]),
        active=[],
    )
    e.activate("b")
    e.activate("a")
    assert labels(e, ACCOUNTS, 2) == ["b/1", "a/1"]
    e.deactivate("b")
    assert e.active == ["a"]
    with pytest.raises(KeyError):
        e.activate("nope")


def test_reset_rewinds_everything_or_one_session() -> None:
    e = engine(scenario("s", [{"gateway": 502}, {"gateway": 503}]), active=["s"])
    labels(e, START, 2, "a")
    labels(e, START, 1, "b")
    e.reset("a")
    assert labels(e, START, 1, "a") == ["s/1"]
    assert labels(e, START, 1, "b") == ["s/2"]
    e.deactivate("s")
    e.reset()
    assert e.active == ["s"]  # back to the start-up selection
    assert labels(e, START, 1, "b") == ["s/1"]


def test_seeded_latency_repeats_exactly() -> None:
    steps: list[dict[str, object]] = [{"delay": {"min_ms": 10, "max_ms": 500}, "repeat": "forever"}]
    first = engine(scenario("j", steps), seed=42)
    second = engine(scenario("j", steps), seed=42)
    other = engine(scenario("j", steps), seed=43)

    def delays(e: ScenarioEngine) -> list[float]:
        out = []
        for _ in range(20):
            decision = e.decide(START, "default")
            assert decision is not None
            out.append(decision.delay_seconds)
        return out

    a, b, c = delays(first), delays(second), delays(other)
    assert a == b != c
    assert all(0.010 <= d <= 0.5 for d in a)
    assert len(set(a)) > 1
    fixed = engine(scenario("f", [{"delay": {"fixed_ms": 250}}]))
    decision = fixed.decide(START, "default")
    assert decision is not None and decision.delay_seconds == 0.25


def test_replace_keeps_positions_of_unchanged_scenarios_only() -> None:
    on_start = {"endpoint": "start"}
    same = scenario("same", [{"match": on_start, "gateway": 502}, {"match": on_start, "gateway": 503}])
    changed = scenario("changed", [{"match": {"endpoint": "accounts"}, "gateway": 502}, {"gateway": 503}])
    e = engine(same, changed)
    labels(e, START, 1)
    labels(e, ACCOUNTS, 1)
    e.replace({"same": same, "changed": scenario("changed", [{"match": {"endpoint": "accounts"}, "gateway": 504}])})
    assert labels(e, START, 1) == ["same/2"]
    assert labels(e, ACCOUNTS, 1) == ["changed/1"]
    e.replace({"same": same})
    assert e.active == ["same", "changed"]  # still active: it applies again when its file is back
    assert labels(e, ACCOUNTS, 1) == [None]


def test_concurrent_consumers_get_every_step_exactly_once_in_order_per_session() -> None:
    # Switch threads as often as the interpreter allows, so a missing lock would show.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _consume_concurrently()
    finally:
        sys.setswitchinterval(previous)


def _consume_concurrently() -> None:
    steps: list[dict[str, object]] = [{"gateway": 502, "repeat": 1} for _ in range(200)]
    e = engine(scenario("seq", steps))
    sessions = ["s1", "s2", "s3", "s4"]
    served: dict[str, list[int]] = {s: [] for s in sessions}
    lock = threading.Lock()
    barrier = threading.Barrier(16)
    per_thread: list[list[int]] = []

    def worker(session: str) -> None:
        barrier.wait()
        mine: list[int] = []
        for _ in range(60):
            decision = e.decide(START, session)
            if decision is not None:
                mine.append(decision.index)
        with lock:
            served[session].extend(mine)
            per_thread.append(mine)

    threads = [threading.Thread(target=worker, args=(sessions[i % 4],)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(per_thread) == 16
    for mine in per_thread:  # each thread sees its steps strictly in order
        assert mine == sorted(set(mine))
    for session in sessions:  # 4 threads x 60 requests = 240 per session, 200 steps
        assert sorted(served[session]) == list(range(200)), session
