"""Every auth scheme on one app, for the live tests (JWTAuth reads its keys from $JWKS_URL)."""

import os

import responder
from responder.ext.auth import APIKeyAuth, BasicAuth, BearerAuth, JWTAuth, requires

api = responder.API(auth=BearerAuth(tokens={"t-live": "live"}), docs_route="/docs")


@api.route("/bearer")
def bearer(req, resp, *, user):
    resp.media = {"user": user}


@api.route("/public", auth=None)
def public(req, resp):
    resp.text = "public"


@api.route("/basic", auth=BasicAuth(credentials={"ada": "pw"}))
def basic(req, resp, *, user):
    resp.media = {"user": user}


def keyed(req, resp, *, user):
    resp.media = {"user": user}


for _location in ("header", "query", "cookie"):
    api.add_route(
        f"/key/{_location}",
        keyed,
        name=f"key_{_location}",
        auth=APIKeyAuth(keys={"k-live": "robot"}, name="api_key", location=_location),
    )

if os.environ.get("JWKS_URL"):
    jwt_auth = JWTAuth(jwks_url=os.environ["JWKS_URL"], audience="books", jwks_min_refresh=0)

    @api.route("/jwt", auth=jwt_auth)
    def jwt_view(req, resp, *, principal):
        resp.media = {"sub": principal["sub"]}

    @api.route("/jwt/write", methods=["POST"], auth=jwt_auth, dependencies=[requires("w")])
    def jwt_write(req, resp):
        resp.status_code = 201
