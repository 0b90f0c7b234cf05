"""The in-process curves (routing, body size) measure every point and catch wrong answers."""

from __future__ import annotations

import asyncio
import json

import pytest

from bench.curves import body, routing
from bench.curves.model import Curve
from bench.inprocess import CLOCKS, new_loop

PEERS = ["responder", "starlette"]  # the two whose packages the test extra installs


def run(coroutine: object) -> list[Curve]:
    with asyncio.Runner(loop_factory=new_loop) as runner:
        return runner.run(coroutine)  # type: ignore[arg-type]


def small_routing() -> routing.RoutingSettings:
    return routing.RoutingSettings(counts=(3, 40), rounds=2, requests=5, warmup=2)


def test_routing_curves_have_a_point_per_framework_position_and_count() -> None:
    curves = run(routing.run(PEERS, small_routing(), CLOCKS["cpu"]))

    assert [c.name for c in curves] == ["routing-static", "routing-param"]
    for curve in curves:
        assert curve.problems == {}
        assert curve.frameworks == PEERS
        assert curve.variants == ["first", "middle", "last"]
        for framework in PEERS:
            for position in curve.variants:
                xs, ys = curve.series(framework, position)
                assert xs == [3, 40]
                assert all(y > 0 for y in ys)


def test_a_route_table_that_answers_from_the_wrong_route_fails_the_curve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ask for one route past the end: every table answers 404, not the route's number.
    monkeypatch.setattr(routing, "target", lambda count, position: count)

    curves = run(routing.run(["responder"], small_routing(), CLOCKS["wall"]))

    for curve in curves:
        assert curve.failed
        assert "expected status 200, got 404" in curve.problems["responder"]
        assert curve.points == {}


def test_routing_requests_reach_the_first_middle_and_last_route() -> None:
    assert [routing.target(10, p) for p in routing.POSITIONS] == [0, 5, 9]
    request = routing.scenario(7, param=True)
    assert (request.path, request.verify(200, {"content-type": "text/plain"}, b"7:42")) == (
        "/p7/42",
        None,
    )
    assert request.verify(200, {"content-type": "text/plain"}, b"6:42") is not None


@pytest.mark.parametrize("size", [100, 1 << 10, 10 << 10, 1 << 20])
def test_echo_bodies_are_compact_json_of_about_the_size_asked(size: int) -> None:
    sent = body.scenario(size).body

    assert size - 16 <= len(sent) <= size
    assert json.loads(sent) == body.payload(size)


def test_body_curve_times_each_size_and_checks_the_echo() -> None:
    settings = body.BodySettings(sizes=(100, 20_000), rounds=2, requests=3, warmup=1)

    (curve,) = run(body.run(PEERS, settings, CLOCKS["cpu"]))

    assert curve.problems == {}
    for framework in PEERS:
        xs, ys = curve.series(framework, "")
        assert xs == [100, 20_000]
        assert all(y > 0 for y in ys)


def test_a_framework_stops_at_its_largest_table_and_the_curve_says_so() -> None:
    settings = routing.RoutingSettings(
        counts=(3, 40), rounds=1, requests=3, warmup=1, most_routes=(("starlette", 3),)
    )
    (static, _) = run(routing.run(PEERS, settings, CLOCKS["cpu"]))

    assert static.series("starlette", "last")[0] == [3]
    assert static.series("responder", "last")[0] == [3, 40]
    assert "starlette measured up to 3 routes (its table build)" in static.notes
    assert not static.failed
