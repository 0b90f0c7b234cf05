"""The session routes the cross-process apps share: log in, who am I (and which PID), log out."""

from __future__ import annotations

import os

import responder


def session_routes(api: responder.API) -> None:
    """``/login/{name}``, ``/me`` (the user, and the PID that answered) and ``/logout``."""

    @api.route("/login/{name}")
    def login(req, resp, *, name):
        req.session["user"] = name
        req.session.regenerate()

    @api.route("/me")
    def me(req, resp):
        resp.media = {"user": req.session.get("user"), "pid": os.getpid()}

    @api.route("/logout")
    def logout(req, resp):
        req.session.clear()
