"""JWTAuth in-process: good tokens, scopes, keys by kid, and the attack table (all 401s)."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import responder
from responder.ext.auth import JWTAuth, requires

SECRET = "s" * 32


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def public_pem(rsa_key):
    return rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def now() -> int:
    """The time when the token is made (not when the module was imported: runs are long)."""
    return int(time.time())


def claims(**extra):
    return {"sub": "ada", "exp": now() + 600, **extra}


def app(scheme):
    api = responder.API()

    @api.route("/me", auth=scheme)
    def me(req, resp, *, user):
        resp.media = user

    return api.requests


def call(client, token, scheme="Bearer"):
    return client.get("/me", headers={"Authorization": f"{scheme} {token}"})


def b64(data):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def refused(response, description):
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="api", error="invalid_token"'), challenge
    assert f'error_description="{description}"' in challenge
    assert response.json()["detail"] == description


def test_a_good_token_gives_its_claims():
    client = app(JWTAuth(secret=SECRET, audience="books", issuer="https://id.example"))
    token = jwt.encode(claims(aud="books", iss="https://id.example"), SECRET, algorithm="HS256")
    r = call(client, token)
    assert r.status_code == 200
    assert r.json()["sub"] == "ada"


@pytest.mark.parametrize(
    "granted",
    [{"scope": "books:read books:write"}, {"scp": ["books:write"]}, {"scopes": ["books:write"]}],
)
def test_scopes_from_scope_scp_or_scopes(granted):
    scheme = JWTAuth(secret=SECRET)
    api = responder.API(auth=scheme)

    @api.route("/write", dependencies=[requires("books:write")])
    def write(req, resp):
        resp.text = "written"

    @api.route("/admin", auth=scheme.requires("admin"))
    def admin(req, resp):
        resp.text = "admin"

    token = jwt.encode(claims(**granted), SECRET, algorithm="HS256")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.requests.get("/write", headers=headers).text == "written"
    r = api.requests.get("/admin", headers=headers)
    assert r.status_code == 403
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]
    assert 'scope="admin"' in r.headers["www-authenticate"]


def test_keys_by_kid_pem_and_jwk(rsa_key, public_pem):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key()))
    scheme = JWTAuth(keys={"rsa-1": public_pem, "ec-1": ec_jwk}, algorithms=["RS256", "ES256"])
    client = app(scheme)
    rs = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "rsa-1"})
    es = jwt.encode(claims(sub="eve"), ec_key, algorithm="ES256", headers={"kid": "ec-1"})
    assert call(client, rs).json()["sub"] == "ada"
    assert call(client, es).json()["sub"] == "eve"
    swapped = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "ec-1"})
    refused(call(client, swapped), "The token's signature does not verify.")


def test_a_jwks_dict_as_keys(rsa_key):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    client = app(JWTAuth(keys={"keys": [{**jwk, "kid": "k1", "use": "sig"}]}))
    token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "k1"})
    assert call(client, token).status_code == 200


# -- the attack table: every one a 401 with a clear error_description, never a 500 ----------


def test_alg_none_is_refused():
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."
    refused(call(app(JWTAuth(secret=SECRET)), token), "The token's algorithm is not accepted.")


def test_hs_rs_confusion_is_refused(rsa_key, public_pem):
    # An HS256 token whose HMAC key is the server's RSA public key, as published.
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64(mac)}"
    client = app(JWTAuth(keys=public_pem))
    refused(call(client, token), "The token's algorithm is not accepted.")
    good = jwt.encode(claims(), rsa_key, algorithm="RS256")
    assert call(client, good).status_code == 200


def test_an_unknown_kid_is_refused(rsa_key, public_pem):
    client = app(JWTAuth(keys={"k1": public_pem}))
    token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "k9"})
    refused(call(client, token), "The token's kid names no known key.")
    no_kid = jwt.encode(claims(), rsa_key, algorithm="RS256")
    assert call(client, no_kid).status_code == 200  # one key: a token need not name it
    two = app(JWTAuth(keys={"k1": public_pem, "k2": public_pem}))
    refused(call(two, no_kid), "The token's kid names no known key.")


@pytest.mark.parametrize(
    ("extra", "description"),
    [
        ({"exp": -30}, "The token has expired."),
        ({"nbf": 30}, "The token is not valid yet."),
        ({"iat": 30}, "The token is not valid yet."),
    ],
    ids=["expired", "not-before", "issued-in-the-future"],
)
def test_time_claims_are_checked_with_leeway(extra, description):
    offsets = {claim: now() + seconds for claim, seconds in extra.items()}
    token = jwt.encode(claims(**offsets), SECRET, algorithm="HS256")
    refused(call(app(JWTAuth(secret=SECRET)), token), description)
    assert call(app(JWTAuth(secret=SECRET, leeway=60)), token).status_code == 200


@pytest.mark.parametrize(
    ("extra", "description"),
    [
        ({"aud": "other"}, "The token is not meant for this audience."),
        ({}, "The token has no aud claim."),
        ({"aud": "books", "iss": "https://evil.example"}, "The token's issuer is not accepted."),
        ({"aud": "books", "sub": 42}, "The token's sub claim is not a string."),
        ({"aud": "books", "sub": {"id": 1}}, "The token's sub claim is not a string."),
        ({"aud": "books", "exp": "tomorrow"}, "The token is not valid."),
    ],
    ids=["audience", "no-audience", "issuer", "sub-int", "sub-object", "exp-text"],
)
def test_claims_that_do_not_fit_are_refused(extra, description):
    scheme = JWTAuth(secret=SECRET, audience="books", issuer="https://id.example")
    body = {"iss": "https://id.example", **claims(**extra)}
    token = jwt.encode(body, SECRET, algorithm="HS256")
    r = call(app(scheme), token)
    assert r.status_code == 401
    if description != "The token is not valid.":  # PyJWT's wording for a bad exp varies
        refused(r, description)


def test_an_audience_the_app_does_not_expect_is_refused():
    token = jwt.encode(claims(aud="someone"), SECRET, algorithm="HS256")
    refused(call(app(JWTAuth(secret=SECRET)), token), "The token is not meant for this audience.")


def test_a_token_without_exp_is_refused_unless_told():
    token = jwt.encode({"sub": "ada"}, SECRET, algorithm="HS256")
    refused(call(app(JWTAuth(secret=SECRET)), token), "The token has no exp claim.")
    assert call(app(JWTAuth(secret=SECRET, required_claims=())), token).status_code == 200


def test_a_tampered_token_does_not_verify():
    header, _, signature = jwt.encode(claims(), SECRET, algorithm="HS256").split(".")
    forged = f"{header}.{b64(claims(sub='root'))}.{signature}"
    refused(call(app(JWTAuth(secret=SECRET)), forged), "The token's signature does not verify.")
    other = jwt.encode(claims(), "t" * 32, algorithm="HS256")
    refused(call(app(JWTAuth(secret=SECRET)), other), "The token's signature does not verify.")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        "a.b.c",
        "a.b",
        "....",
        pytest.param(f"{b64(b'[1]')}.{b64(claims())}.x", id="header-not-an-object"),
        "ü.ü.ü",
        f"{b64({'alg': 'HS256'})}.bm90IGpzb24.sig",
        f"{b64({'alg': ['HS256']})}.e30.x",
    ],
)
def test_malformed_tokens_are_refused(token):
    r = call(app(JWTAuth(secret=SECRET)), token.encode().decode("latin-1").encode("latin-1"))
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_a_kid_that_is_not_text_is_refused():
    signing_input = f"{b64({'alg': 'HS256', 'kid': 7})}.{b64(claims())}"
    mac = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64(mac)}"
    refused(call(app(JWTAuth(secret=SECRET)), token), "The token is malformed.")


def test_a_jwt_in_the_wrong_header_scheme_is_refused():
    token = jwt.encode(claims(), SECRET, algorithm="HS256")
    for scheme in ("Basic", "JWT", "Token"):
        r = call(app(JWTAuth(secret=SECRET)), token, scheme=scheme)
        assert r.status_code == 401
        assert 'error="invalid_request"' in r.headers["www-authenticate"]


def test_a_huge_token_is_refused_before_decoding():
    token = jwt.encode(claims(pad="x" * 9000), SECRET, algorithm="HS256")
    refused(call(app(JWTAuth(secret=SECRET)), token), "The token is longer than 8192 characters.")


# -- configuration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({}, "exactly one"),
        ({"secret": SECRET, "jwks_url": "https://id.example/jwks"}, "exactly one"),
        ({"secret": "short"}, "needs at least 32"),
        ({"secret": SECRET, "algorithms": ["none"]}, "not an algorithm"),
        ({"secret": SECRET, "algorithms": ["RS256"]}, "does not fit"),
        ({"keys": "pem", "algorithms": ["RS256", "HS256"]}, "does not fit"),
        ({"secret": SECRET, "algorithms": "HS256"}, "non-empty list"),
        ({"jwks_url": "file:///etc/passwd"}, "http"),
    ],
)
def test_misconfiguration_fails_when_made(options, match):
    with pytest.raises((TypeError, ValueError), match=match):
        JWTAuth(**options)
