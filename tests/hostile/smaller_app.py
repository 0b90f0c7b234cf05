"""The app the hostile suite attacks for sessions, background work, the SPA and convertors."""

import responder

SECRET = "hostile-suite-secret"
MAX_AGE = 600

api = responder.API(secret_key=SECRET, session_max_age=MAX_AGE)


@api.route("/login/{name}")
def login(req, resp, *, name):
    req.session["user"] = name
    resp.media = {"user": name}


@api.route("/me")
def me(req, resp):
    user = req.session.get("user")
    if not isinstance(user, str):
        raise responder.HTTPUnauthorized(detail="Log in first.")
    resp.media = {"user": user}
