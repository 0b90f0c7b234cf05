"""The app for streamed bodies and uploads, served by uvicorn in tests/web/test_stream_live.py.

``STREAM_LIMIT`` is its ``max_request_size``; ``STREAM_SAVE_DIR`` is where
``/save`` writes uploads. Multipart is limited to 20 parts and 1 KiB fields,
and files spool to disk past 64 KiB.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import responder
from responder.media import MultipartHandler

api = responder.API(max_request_size=int(os.environ.get("STREAM_LIMIT", str(1024 * 1024))))
api.media.register(MultipartHandler(max_parts=20, max_field_size=1024, spool_size=64 * 1024))

#: The files of the last upload, to show they are closed once it was answered.
last_files: list = []


def _tmp_fds() -> list[str]:
    """This process's open temporary files in the temp directory.

    A named one is there; an unnamed one (``O_TMPFILE``) was made there
    (its link reads ``<tmp>/#<inode> (deleted)``) and has no name yet: once
    ``save`` gave it one, it is the saved file, no temporary file.
    """
    tmp = os.environ.get("TMPDIR", "/tmp")
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            links = os.stat(f"/proc/self/fd/{fd}").st_nlink
        except OSError:
            continue
        named = links > 0 and target.startswith(f"{tmp}/") and os.path.exists(target)
        if named or (links == 0 and target.startswith(f"{tmp}/#")):
            found.append(target)
    return found


@api.route("/hash", methods=["POST"])
async def hash_body(req, resp):
    digest, size = hashlib.sha256(), 0
    async for chunk in req.stream():
        digest.update(chunk)
        size += len(chunk)
    resp.media = {"size": size, "sha256": digest.hexdigest()}


@api.route("/save", methods=["POST"])
async def save(req, resp):
    form = await req.media("files")
    doc = form["doc"]
    target = Path(os.environ["STREAM_SAVE_DIR"]) / "upload.bin"
    await doc.save(target)
    last_files[:] = [(doc.file, target)]
    digest = hashlib.sha256()
    with target.open("rb") as saved:
        while block := saved.read(1024 * 1024):
            digest.update(block)
    resp.media = {
        "filename": doc.filename,
        "content_type": doc.content_type,
        "size": doc.size,
        "spooled_to_disk": _is_disk_file(doc.file),  # what really holds it, not our guess
        "temp_files_open": len(_tmp_fds()),
        "temp_files": len(os.listdir(os.environ.get("TMPDIR", "/tmp"))),
        "saved_is_the_upload": _is_disk_file(doc.file)
        and os.path.samestat(os.fstat(doc.file.fileno()), target.stat()),
        "saved_size": target.stat().st_size,
        "saved_sha256": digest.hexdigest(),
        "fields": {k: v for k, v in form.items() if isinstance(v, str)},
    }


def _is_disk_file(file) -> bool:
    """Whether ``file`` is a real file (with a descriptor), not bytes in memory."""
    try:
        file.fileno()
    except OSError:
        return False
    return True


@api.route("/after")
async def after(req, resp):
    resp.media = {
        "closed": [f.closed for f, _ in last_files],
        "saved_sizes": [target.stat().st_size for _, target in last_files],
        "temp_files_open": len(_tmp_fds()),
        "temp_files": len(os.listdir(os.environ.get("TMPDIR", "/tmp"))),
    }
