"""Every auth scheme over real uvicorn servers; JWKS fetched, cached and rotated over HTTP."""

import json
import secrets
import time

import httpx2 as httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from responder.ext.auth import JWTAuth
from tests.e2e.server import free_port, live_uvicorn
from tests.ext.test_auth_jwt import app as app_with


def jwk(private_key, kid):
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    return {**public, "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="module")
def keys():
    return {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in "ABC"}


@pytest.fixture(scope="module")
def jwks_file(tmp_path_factory, keys):
    path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk(keys["A"], "A")]}))
    return path


@pytest.fixture(scope="module")
def jwks_server(jwks_file):
    with live_uvicorn("tests.ext.jwks_app:api", env={"JWKS_FILE": str(jwks_file)}) as live:
        yield live


@pytest.fixture(scope="module")
def server(jwks_server):
    env = {"JWKS_URL": jwks_server.url + "/jwks.json"}
    with live_uvicorn("tests.ext.auth_app:api", env=env) as live:
        yield live


def token(key, kid, **extra):
    body = {"sub": "ada", "aud": "books", "exp": int(time.time()) + 600, **extra}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def fetches(jwks_server):
    return httpx.get(jwks_server.url + "/fetches", timeout=10).json()["jwks"]


def get(server, path, **options):
    return httpx.get(server.url + path, timeout=10, **options)


def test_bearer_and_opting_out_over_http(server):
    assert get(server, "/bearer", headers={"Authorization": "Bearer t-live"}).json() == {
        "user": "live"
    }
    r = get(server, "/bearer", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith('Bearer realm="api", error="invalid_token"')
    assert r.headers["content-type"] == "application/problem+json"
    assert get(server, "/public").text == "public"
    assert get(server, "/schema.yml").status_code == 200


def test_basic_over_http(server):
    assert get(server, "/basic", auth=("ada", "pw")).json() == {"user": "ada"}
    r = get(server, "/basic", auth=("ada", "nope"))
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Basic realm="api", charset="UTF-8"'


def test_api_keys_over_http(server):
    assert get(server, "/key/header", headers={"api_key": "k-live"}).json()["user"] == "robot"
    assert get(server, "/key/query", params={"api_key": "k-live"}).json()["user"] == "robot"
    assert get(server, "/key/cookie", headers={"Cookie": "api_key=k-live"}).status_code == 200
    for where in ("header", "query", "cookie"):
        r = get(server, f"/key/{where}")
        assert r.status_code == 401
        assert f'in="{where}"' in r.headers["www-authenticate"]


def test_jwt_from_a_jwks_over_http(server, keys):
    headers = {"Authorization": f"Bearer {token(keys['A'], 'A', scope='w')}"}
    assert get(server, "/jwt", headers=headers).json() == {"sub": "ada"}
    assert httpx.post(server.url + "/jwt/write", headers=headers, timeout=10).status_code == 201
    reader = {"Authorization": f"Bearer {token(keys['A'], 'A')}"}
    assert httpx.post(server.url + "/jwt/write", headers=reader, timeout=10).status_code == 403
    expired = {"Authorization": f"Bearer {token(keys['A'], 'A', exp=1)}"}
    r = get(server, "/jwt", headers=expired)
    assert r.status_code == 401 and "expired" in r.headers["www-authenticate"]
    near_limit = {"Authorization": "Bearer " + "a" * 9000}  # under uvicorn's header limit
    r = get(server, "/jwt", headers=near_limit)
    assert r.status_code == 401 and "longer than 8192" in r.json()["detail"]


def bearer(value):
    return {"Authorization": f"Bearer {value}"}


def test_random_kids_cannot_hammer_the_jwks_endpoint(jwks_server, keys):
    client = app_with(JWTAuth(jwks_url=jwks_server.url + "/jwks.json", audience="books"))
    before = fetches(jwks_server)
    assert client.get("/me", headers=bearer(token(keys["A"], "A"))).status_code == 200
    for _ in range(20):
        r = client.get("/me", headers=bearer(token(keys["A"], secrets.token_hex(8))))
        assert r.status_code == 401
        assert "kid names no known key" in r.headers["www-authenticate"]
    assert fetches(jwks_server) - before == 1  # the first fetch; unknown kids wait 30 s
    assert client.get("/me", headers=bearer(token(keys["A"], "A"))).status_code == 200


def test_a_rotated_key_is_fetched_for_its_new_kid(jwks_server, jwks_file, keys):
    scheme = JWTAuth(jwks_url=jwks_server.url + "/jwks.json", audience="books", jwks_min_refresh=0)
    client = app_with(scheme)
    original = jwks_file.read_text()
    try:
        assert client.get("/me", headers=bearer(token(keys["A"], "A"))).status_code == 200
        before = fetches(jwks_server)
        jwks_file.write_text(json.dumps({"keys": [jwk(keys["B"], "B")]}))  # A retired
        assert client.get("/me", headers=bearer(token(keys["B"], "B"))).status_code == 200
        assert fetches(jwks_server) - before == 1
        assert client.get("/me", headers=bearer(token(keys["A"], "A"))).status_code == 401
        forged = token(keys["C"], "B")  # the new kid, signed with a key not in the set
        r = client.get("/me", headers=bearer(forged))
        assert r.status_code == 401 and "signature does not verify" in r.text
    finally:
        jwks_file.write_text(original)


@pytest.mark.parametrize("where", ["closed-port", "garbage"])
def test_an_unreachable_or_broken_jwks_is_a_503_not_a_500(jwks_server, keys, where):
    url = {
        "closed-port": f"http://127.0.0.1:{free_port()}/jwks.json",
        "garbage": jwks_server.url + "/garbage.json",
    }[where]
    client = app_with(JWTAuth(jwks_url=url, audience="books"))
    r = client.get("/me", headers=bearer(token(keys["A"], "A")))
    assert r.status_code == 503
    assert r.headers["retry-after"] == "30"
    assert "cannot be fetched" in r.json()["detail"]
