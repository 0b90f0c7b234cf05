"""The notes both apps read and write: in a real migration, the database they share."""

from __future__ import annotations

import itertools
import threading
from typing import Any


class NoteStore:
    """Notes in memory, safe to share between Flask's threads and Responder's loop."""

    def __init__(self) -> None:
        self._notes: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, text: str, tags: list[str]) -> dict[str, Any]:
        with self._lock:
            note = {"id": next(self._ids), "text": text, "tags": tags}
            self._notes[note["id"]] = note
            return note

    def get(self, note_id: int) -> dict[str, Any] | None:
        return self._notes.get(note_id)

    def all(self, tag: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            notes = list(self._notes.values())
        return [note for note in notes if tag is None or tag in note["tags"]]

    def delete(self, note_id: int) -> bool:
        with self._lock:
            return self._notes.pop(note_id, None) is not None
