"""bench/run's options for the curves and for ``all``."""

from __future__ import annotations

import pytest

from bench.cli import parse_args


def test_all_runs_wrk_for_less_time_unless_told() -> None:
    assert parse_args(["http"]).duration == 5
    assert parse_args(["all"]).duration == 3
    assert parse_args(["all", "--duration", "7"]).duration == 7
    with pytest.raises(SystemExit):
        parse_args(["curves", "--curves", "routing,nope"])
