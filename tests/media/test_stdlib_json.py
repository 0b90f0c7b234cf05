"""``handlers.orjson = None`` sends JSON through the stdlib (what bench/ compares)."""

from __future__ import annotations

import pytest

import responder
import responder.media.handlers as handlers


@pytest.fixture
def stdlib_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "orjson", None)


def test_json_is_read_and_written_by_the_stdlib_without_orjson(stdlib_only):
    api = responder.API()

    @api.route("/echo", methods=["POST"])
    async def echo(req, resp):
        resp.media = {"got": await req.media(), "big": 2**70}

    body = {"items": [{"id": i, "name": f"n{i}"} for i in range(400)]}  # a large body, too
    answer = api.requests.post("/echo", json=body)
    # Any use of orjson here would fail (None has no loads or dumps): a 500.
    assert answer.status_code == 200
    assert answer.json() == {"got": body, "big": 2**70}
