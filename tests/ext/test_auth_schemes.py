"""Bearer, Basic and API key schemes in-process: challenges, principals, stored secrets."""

import base64

import pytest
from argon2 import PasswordHasher

import responder
from responder.ext.auth import APIKeyAuth, BasicAuth, BearerAuth, requires
from responder.ext.auth._secrets import CredentialTable, SecretSet


def basic(user, password):
    raw = f"{user}:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def who_am_i(api, **options):
    @api.route("/me", **options)
    def me(req, resp, *, user):
        resp.media = {"user": user, "state": req.state.user, "auth": req.state.auth}

    return api.requests


# -- Bearer ---------------------------------------------------------------------------


def test_bearer_tokens_give_their_principal_to_the_view_and_state():
    client = who_am_i(responder.API(auth=BearerAuth(tokens={"t-ada": "ada"})))
    r = client.get("/me", headers={"Authorization": "Bearer t-ada"})
    assert r.status_code == 200
    assert r.json() == {"user": "ada", "state": "ada", "auth": "ada"}


def test_bearer_without_a_token_is_a_401_with_a_bare_challenge():
    client = who_am_i(responder.API(auth=BearerAuth(tokens=["secret-token"])))
    r = client.get("/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer realm="api"'  # RFC 6750 3.1: no error
    assert r.headers["content-type"] == "application/problem+json"
    assert "Authorization: Bearer" in r.json()["detail"]


def test_a_wrong_bearer_token_is_invalid_token():
    client = who_am_i(responder.API(auth=BearerAuth(tokens=["secret-token"], realm="books")))
    r = client.get("/me", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == (
        'Bearer realm="books", error="invalid_token", error_description="The token is not valid."'
    )


@pytest.mark.parametrize("header", ["Basic c2VjcmV0LXRva2Vu", "secret-token", "Bearer", "Token x"])
def test_a_token_in_the_wrong_scheme_is_refused(header):
    client = who_am_i(responder.API(auth=BearerAuth(tokens=["secret-token"])))
    r = client.get("/me", headers={"Authorization": header})
    assert r.status_code == 401
    assert 'error="invalid_request"' in r.headers["www-authenticate"]
    assert r.json()["detail"] == "The Authorization header does not carry a Bearer token."


def test_a_huge_token_is_refused_unread():
    seen = []
    client = who_am_i(responder.API(auth=BearerAuth(seen.append, max_length=100)))
    r = client.get("/me", headers={"Authorization": "Bearer " + "a" * 101})
    assert r.status_code == 401 and seen == []
    assert "longer than 100" in r.headers["www-authenticate"]


def test_the_problem_follows_the_negotiated_format():
    client = who_am_i(responder.API(auth=BearerAuth(tokens=["secret-token"])))
    r = client.get("/me", headers={"Accept": "application/x-yaml"})
    assert r.status_code == 401 and "yaml" in r.headers["content-type"]
    assert "status: 401" in r.text


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(("token", "status"), [("good", 200), ("bad", 401)])
def test_bearer_verify_sync_or_async(kind, token, status):
    def check(token):
        return {"sub": "ada"} if token == "good" else None

    async def check_async(token):
        return check(token)

    scheme = BearerAuth(check if kind == "sync" else check_async)
    r = who_am_i(responder.API(), auth=scheme).get(
        "/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == status
    if status == 200:
        assert r.json()["user"] == {"sub": "ada"}


def test_a_token_list_names_each_principal_by_position():
    client = who_am_i(responder.API(auth=BearerAuth(tokens=["first-tok", "second-tok"])))
    r = client.get("/me", headers={"Authorization": "Bearer second-tok"})
    assert r.json()["user"] == "token-1"


def test_non_ascii_credentials_never_crash_the_comparison():
    client = who_am_i(responder.API(auth=BearerAuth(tokens=["jeton-é"])))
    sent = {"Authorization": "Bearer jeton-é".encode()}  # UTF-8 bytes on the wire
    assert client.get("/me", headers=sent).status_code == 200
    sent = {"Authorization": "Bearer ünïcode".encode()}
    assert client.get("/me", headers=sent).status_code == 401


# -- stored secrets: every entry checked, argon2 hashes ---------------------------------


def test_every_stored_secret_is_compared_even_after_a_match(monkeypatch):
    compared = []
    import hmac

    real = hmac.compare_digest

    def counting(a, b):
        compared.append(a)
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    keys = SecretSet(["k-one", "k-two", "k-three"], "key")
    assert keys.match(b"k-one") == "key-0"
    assert compared == [b"k-one", b"k-two", b"k-three"]


def test_argon2_hashed_keys_and_passwords_are_verified():
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    api = responder.API()

    @api.route("/key", auth=APIKeyAuth(keys={hasher.hash("k-123"): "robot"}))
    def key(req, resp, *, principal):
        resp.text = principal

    @api.route("/basic", auth=BasicAuth(credentials={"ada": hasher.hash("pw"), "bob": "plain"}))
    def user(req, resp, *, user):
        resp.text = user

    client = api.requests
    assert client.get("/key", headers={"X-API-Key": "k-123"}).text == "robot"
    assert client.get("/key", headers={"X-API-Key": "k-124"}).status_code == 401
    assert client.get("/basic", headers=basic("ada", "pw")).text == "ada"
    assert client.get("/basic", headers=basic("bob", "plain")).text == "bob"
    assert client.get("/basic", headers=basic("ada", "plain")).status_code == 401
    assert client.get("/basic", headers=basic("eve", "pw")).status_code == 401


def test_an_unknown_user_is_checked_against_a_decoy():
    table = CredentialTable({"ada": "pw"})
    assert table.match(b"eve", b"pw") is None
    assert table.match(b"ada", b"pw") == "ada"


# -- Basic -------------------------------------------------------------------------------


def test_basic_challenge_names_the_realm_and_charset():
    client = who_am_i(responder.API(auth=BasicAuth(credentials={"ada": "pw"}, realm="staff")))
    r = client.get("/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Basic realm="staff", charset="UTF-8"'
    assert client.get("/me", headers=basic("ada", "pw")).json()["user"] == "ada"


@pytest.mark.parametrize(
    "value",
    [
        "Basic !!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + "QQ" * 5000,
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Bearer abc",
    ],
    ids=["not-base64", "no-colon", "huge", "not-utf8", "other-scheme"],
)
def test_malformed_basic_credentials_are_a_401(value):
    client = who_am_i(responder.API(auth=BasicAuth(credentials={"ada": "pw"})))
    r = client.get("/me", headers={"Authorization": value})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic ")


def test_basic_verify_gets_utf8_text():
    got = []

    def verify(username, password):
        got.append((username, password))
        return username == "zoë" and password == "pä:ss"

    client = who_am_i(responder.API(auth=BasicAuth(verify)))
    assert client.get("/me", headers=basic("zoë", "pä:ss")).json()["user"] is True
    assert got == [("zoë", "pä:ss")]


# -- API keys ----------------------------------------------------------------------------


@pytest.mark.parametrize("location", ["header", "query", "cookie"])
def test_api_keys_in_each_location(location):
    scheme = APIKeyAuth(keys={"k-ëxtra": "robot"}, name="api_key", location=location)
    api = responder.API(auth=scheme)
    client = who_am_i(api)
    place = {
        "header": lambda v: {"headers": {"api_key": v.encode()}},
        "query": lambda v: {"params": {"api_key": v}},
        "cookie": lambda v: {"headers": {"Cookie": f"api_key={v}".encode()}},
    }[location]
    r = client.get("/me", **place("k-ëxtra"))
    assert r.status_code == 200, r.text
    assert r.json()["user"] == "robot"
    r = client.get("/me", **place("wrong"))
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == f'APIKey realm="api", in="{location}", name="api_key"'
    assert client.get("/me").status_code == 401


def test_api_key_verify_may_be_async():
    async def verify(key):
        return {"client": key[:3]} if key.startswith("ok-") else None

    client = who_am_i(responder.API(auth=APIKeyAuth(verify)))
    assert client.get("/me", headers={"X-API-Key": "ok-1"}).json()["user"] == {"client": "ok-"}
    assert client.get("/me", headers={"X-API-Key": "no-1"}).status_code == 401


# -- configuration errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: BearerAuth(), TypeError),
        (lambda: BearerAuth(lambda t: t, tokens=["x"]), TypeError),
        (lambda: BearerAuth(tokens="one-string"), TypeError),
        (lambda: BearerAuth(tokens=[]), ValueError),
        (lambda: BearerAuth(tokens={"x": None}), ValueError),
        (lambda: BearerAuth(tokens=["x"], realm='a"b'), ValueError),
        (lambda: BasicAuth(credentials={"a:b": "pw"}), ValueError),
        (lambda: APIKeyAuth(keys=["x"], location="body"), ValueError),
        (lambda: BearerAuth(tokens=["x"]).requires("has space"), ValueError),
        (lambda: requires(), ValueError),
    ],
)
def test_misconfigured_schemes_fail_when_made(make, error):
    with pytest.raises(error):
        make()


def test_auth_must_be_a_scheme_instance():
    with pytest.raises(TypeError, match="auth= takes a scheme"):
        responder.API(auth=BearerAuth)
    api = responder.API()
    with pytest.raises(TypeError, match="auth= takes a scheme"):
        api.add_route("/x", lambda req, resp: None, auth="token")
