"""Media over a real uvicorn server: what the in-process client sees, a real client sees too."""

import httpx2 as httpx
import msgpack
import pytest
import yaml

from tests.e2e.server import serve_uvicorn


@pytest.fixture(scope="module")
def live_url():
    with serve_uvicorn("tests.media.live_app:api") as url:
        yield url


EXPECTED = {
    "params": {"a": "2"},
    "all": ["1", "2"],
    "when": "2024-05-01T12:30:00+00:00",
    "id": "00000000-0000-0000-0000-000000000007",
    "price": "19.90",
    "set": ["a", "b"],
}


@pytest.mark.parametrize(
    ("accept", "decode"),
    [
        ("application/json", lambda r: r.json()),
        ("application/x-yaml", lambda r: yaml.safe_load(r.content)),
        ("application/msgpack", lambda r: msgpack.unpackb(r.content)),
    ],
)
def test_mappings_and_common_types_over_http(live_url, accept, decode):
    with httpx.Client(base_url=live_url) as client:
        r = client.get("/types?a=1&a=2", headers={"Accept": accept, "X-Thing": "yes"})
    assert r.status_code == 200
    assert r.headers["content-type"] == accept
    got = decode(r)
    assert got.pop("headers")["x-thing"] == "yes"
    assert got == EXPECTED


def test_settable_encodings_over_http(live_url):
    with httpx.Client(base_url=live_url) as client:
        r = client.post("/text", content="café".encode("latin-1"))
    assert r.status_code == 200
    assert r.content == "café".encode("latin-1")
