"""The new Responder app: moved routes answered here, the rest by Flask under ``/legacy``.

Clients keep calling the old URLs (``/notes``, ``/stats``): what no route here
answers is redirected (307, method and body kept) to the same path under
``/legacy``, where the mounted Flask app answers it.
"""

from __future__ import annotations

from typing import Any

import responder

from .legacy import create_legacy
from .store import NoteStore


def create_api(store: NoteStore | None = None) -> responder.API:
    """The app, with the Flask app mounted and the moved routes; ``store`` shared by both."""
    store = NoteStore() if store is None else store
    api = responder.API()
    api.mount("/legacy", create_legacy(store))

    @api.after_request()
    def served_by(req: Any, resp: Any) -> None:
        resp.headers["X-Served-By"] = "responder"

    @api.exception_handler(responder.HTTPNotFound)
    @api.exception_handler(responder.HTTPMethodNotAllowed)
    def to_legacy(req: Any, resp: Any, exc: Exception) -> None:
        # Only Responder's own 404s and 405s land here: no route, or a method not moved yet.
        location = "/legacy" + req.url.path
        if req.url.query:
            location += "?" + req.url.query
        resp.redirect(location, status_code=307)

    @api.exception_handler(responder.HTTPError)
    def legacy_error_shape(req: Any, resp: Any, exc: responder.HTTPError) -> None:
        # The Flask app answered errors as {"error": ...}, and clients parse that.
        resp.media = {"error": exc.detail or exc.title}

    @api.get("/notes")
    async def list_notes(req: Any, resp: Any) -> None:
        resp.media = store.all(req.params.get("tag"))

    @api.post("/notes")
    async def create_note(req: Any, resp: Any) -> None:
        data = await req.media()
        text = data.get("text") if isinstance(data, dict) else None
        tags = data.get("tags", []) if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise responder.HTTPBadRequest(detail="text is required")
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise responder.HTTPBadRequest(detail="tags must be a list of strings")
        note = store.add(text, tags)
        resp.created(note, location=api.url_for(read_note, note_id=note["id"]))

    @api.get("/notes/{note_id:int}")
    async def read_note(req: Any, resp: Any, *, note_id: int) -> None:
        note = store.get(note_id)
        if note is None:
            # HTTPError(404), not HTTPNotFound: a missing note is an answer, not a
            # route Flask might have, so to_legacy leaves it alone.
            raise responder.HTTPError(404, detail="no such note")
        resp.media = note

    return api


api = create_api()
