"""Authentication: bearer tokens, HTTP Basic, API keys and JWTs, as route guards.

::

    from responder.ext.auth import BearerAuth, JWTAuth, requires

    api = responder.API(auth=JWTAuth(secret=SECRET, audience="books"))

    @api.route("/books", methods=["POST"], dependencies=[requires("books:write")])
    async def add_book(req, resp, *, user):
        ...

A scheme given as ``auth=`` (on a route, a router, ``include_router`` or the
API; the most specific wins, ``auth=None`` opts out) runs before the route's
other guards. A request it cannot authenticate is answered 401 with the
scheme's ``WWW-Authenticate`` challenge; a principal without a required scope
403. The principal lands on ``req.state.user`` (and ``req.state.auth``), and
views receive it as a ``user``, ``principal`` or ``auth`` parameter. The
OpenAPI document lists the schemes and each operation's ``security``.

PyJWT and argon2-cffi are loaded only by the schemes that need them
(``pip install "responder[auth]"``).
"""

from ._base import AuthScheme, Scoped, requires, scopes_of
from ._jwt import JWTAuth
from ._schemes import APIKeyAuth, BasicAuth, BearerAuth

__all__ = [
    "APIKeyAuth",
    "AuthScheme",
    "BasicAuth",
    "BearerAuth",
    "JWTAuth",
    "Scoped",
    "requires",
    "scopes_of",
]
