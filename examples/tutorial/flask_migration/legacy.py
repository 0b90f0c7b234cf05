"""The old Flask app, with the routes that have not moved to Responder yet.

It once also served ``GET /notes``, ``POST /notes`` and ``GET /notes/<id>``;
those were deleted from here as they moved to ``app.py``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort
from werkzeug.exceptions import HTTPException

from .store import NoteStore


def create_legacy(store: NoteStore) -> Flask:
    """The Flask app, reading and writing ``store``."""
    app = Flask(__name__)
    notes = Blueprint("notes", __name__, url_prefix="/notes")

    @notes.delete("/<int:note_id>")
    def delete_note(note_id: int) -> tuple[str, int]:
        if not store.delete(note_id):
            abort(404, "no such note")
        return "", 204

    app.register_blueprint(notes)

    @app.get("/stats")
    def stats() -> dict[str, Any]:
        return {"notes": len(store.all())}

    @app.errorhandler(HTTPException)
    def as_json(error: HTTPException) -> tuple[dict[str, Any], int]:
        return {"error": error.description}, error.code or 500

    @app.after_request
    def served_by(response: Any) -> Any:
        response.headers["X-Served-By"] = "flask"
        return response

    return app
