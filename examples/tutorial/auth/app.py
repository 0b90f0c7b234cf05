"""The authentication tutorial's app: field notes, for a robot, for API clients and for people.

Three kinds of caller, three ways to say who they are:

- the backup robot sends an API key (``X-API-Key``) to ``GET /api/export``;
- API clients log in at ``POST /api/token`` and send the JWT they get back
  (``Authorization: Bearer ...``) to ``/api/notes``, which checks its scopes;
- people log in on the web page at ``/login``, get a session cookie, and add
  notes through a form that carries a CSRF token.

Serve it with ``responder run examples/tutorial/auth/app.py`` and open
http://127.0.0.1:5042/login (ada / correct horse battery staple). Set
``NOTES_SECRET_KEY`` and ``NOTES_JWT_SECRET`` (32 characters or more) so that
sessions and tokens survive a restart, and ``NOTES_ROBOT_KEY`` for the robot's
key (``robot-demo-key-change-me`` otherwise).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from pydantic import BaseModel, Field

import responder
from responder import Form
from responder.ext.auth import APIKeyAuth, JWTAuth

SECRET_KEY = os.environ.get("NOTES_SECRET_KEY") or secrets.token_urlsafe(32)
JWT_SECRET = os.environ.get("NOTES_JWT_SECRET") or secrets.token_urlsafe(32)
TOKEN_LIFETIME = 15 * 60  # seconds
AUDIENCE, ISSUER = "notes-api", "notes-login"

api = responder.API(
    title="Field notes",
    version="1.0.0",
    openapi="3.1.0",
    docs_route="/docs",
    secret_key=SECRET_KEY,
    sessions=responder.MemorySessions(),
    csrf=True,
)
notes: list[dict[str, str]] = [{"author": "ada", "text": "The robot backs these up nightly."}]

# -- the robot: an API key, stored as a SHA-256 digest ---------------------------------


def digest(key: str) -> str:
    """A key's SHA-256: what the server keeps instead of the key."""
    return hashlib.sha256(key.encode()).hexdigest()


ROBOT_KEYS = {digest(os.environ.get("NOTES_ROBOT_KEY", "robot-demo-key-change-me")): "robot"}


def find_robot(key: str) -> str | None:
    """The robot a key belongs to; ``None`` refuses it."""
    return ROBOT_KEYS.get(digest(key))


robot_key = APIKeyAuth(find_robot, description="The backup robot's key.")


@api.get("/api/export", auth=robot_key)
def export(req, resp, *, user):
    resp.media = {"exported_by": user, "notes": notes}


# -- people: argon2 password hashes -------------------------------------------------------

hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """Someone who may log in: a password hash, never the password, and the scopes granted."""

    name: str
    password_hash: str
    scopes: tuple[str, ...]


# A real app keeps these in its database; hashing here keeps the example whole.
USERS = {
    "ada": User("ada", hasher.hash("correct horse battery staple"), ("notes:read", "notes:write")),
    "bob": User("bob", hasher.hash("hunter2 is not a password"), ("notes:read",)),
}
NOBODY = User("", hasher.hash("a decoy, so unknown names cost a full check"), ())


def check_password(name: str, password: str) -> User | None:
    """The user whose password this is, or ``None``; as slow for unknown names as known ones."""
    user = USERS.get(name, NOBODY)
    try:
        hasher.verify(user.password_hash, password)
    except VerificationError:
        return None
    return user if user is not NOBODY else None


# -- API clients: JWTs with scopes ---------------------------------------------------------

tokens = JWTAuth(secret=JWT_SECRET, audience=AUDIENCE, issuer=ISSUER)


def issue_token(user: User) -> str:
    """A signed JWT saying who the user is, what they may do, and until when."""
    now = int(time.time())
    claims = {
        "sub": user.name,
        "scope": " ".join(user.scopes),
        "aud": AUDIENCE,
        "iss": ISSUER,
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
    }
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class Note(BaseModel):
    text: str = Field(min_length=1, max_length=500)


@api.post("/api/token")
def login_for_token(req, resp, *, credentials: Credentials):
    user = check_password(credentials.username, credentials.password)
    if user is None:
        raise responder.HTTPUnauthorized(
            detail="Wrong username or password.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    resp.media = {
        "access_token": issue_token(user),
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
    }


@api.get("/api/notes", auth=tokens.requires("notes:read"))
def list_notes(req, resp, *, user):
    resp.media = {"reader": user["sub"], "notes": notes}


@api.post("/api/notes", auth=tokens.requires("notes:write"), status_code=201)
def add_note(req, resp, *, user, note: Note):
    notes.append({"author": user["sub"], "text": note.text})
    resp.media = notes[-1]


# -- people in a browser: a session cookie, and CSRF tokens in the forms -----------------

LOGIN_PAGE = """<!DOCTYPE html>
<title>Log in</title>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
<form method="post" action="/login">
  {{ csrf_input() }}
  <input name="username" autocomplete="username">
  <input name="password" type="password" autocomplete="current-password">
  <button>Log in</button>
</form>
"""

NOTES_PAGE = """<!DOCTYPE html>
<title>Field notes</title>
<p>Signed in as {{ user }}.</p>
<ul>{% for note in notes %}<li>{{ note.author }}: {{ note.text }}</li>{% endfor %}</ul>
<form method="post" action="/notes">
  {{ csrf_input() }}
  <input name="text"> <button>Add</button>
</form>
<form method="post" action="/logout">{{ csrf_input() }}<button>Log out</button></form>
"""

page = {"include_in_schema": False}  # HTML pages are not part of the API's document


@api.get("/login", **page)
def login_page(req, resp):
    resp.html = api.template_string(LOGIN_PAGE, error=None)


@api.post("/login", **page)
def log_in(
    req, resp, *, username: str = Form(max_length=64), password: str = Form(max_length=256)
):
    user = check_password(username, password)
    if user is None:
        resp.html = api.template_string(LOGIN_PAGE, error="Wrong username or password.")
        return
    req.session.clear()  # forget the anonymous session, its CSRF secret too
    req.session["user"] = user.name
    req.session.regenerate()  # and a new session id: one planted before now is worthless
    api.redirect(resp, "/", status_code=303)


@api.get("/", **page)
def notes_page(req, resp):
    if "user" not in req.session:
        api.redirect(resp, "/login", status_code=303)
        return
    resp.html = api.template_string(NOTES_PAGE, user=req.session["user"], notes=notes)


@api.post("/notes", **page)
def add_note_from_form(req, resp, *, text: str = Form(min_length=1, max_length=500)):
    if "user" not in req.session:
        raise responder.HTTPForbidden(detail="Log in first.")
    notes.append({"author": req.session["user"], "text": text})
    api.redirect(resp, "/", status_code=303)


@api.post("/logout", **page)
def log_out(req, resp):
    req.session.clear()
    api.redirect(resp, "/login", status_code=303)


if __name__ == "__main__":
    api.run()
