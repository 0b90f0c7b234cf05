"""Streamed bodies and uploads over a real socket: hashes, limits, spooling, memory.

Each test talks to uvicorn serving ``tests/web/stream_app.py`` on a free port.
Bodies are sent from generators, so the client never holds them either.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.e2e.server import live_uvicorn, parse_response, until

MiB = 1024 * 1024
SMALL_LIMIT = MiB
BOUNDARY = "stream-b0undary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _server(tmp: Path, limit: int) -> Iterator:
    (tmp / "tmp").mkdir()
    (tmp / "saved").mkdir()
    env = {
        "STREAM_LIMIT": str(limit),
        "STREAM_SAVE_DIR": str(tmp / "saved"),
        "TMPDIR": str(tmp / "tmp"),
    }
    with live_uvicorn("tests.web.stream_app:api", env=env) as server:
        yield server


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A server with a 1 MiB body limit."""
    yield from _server(tmp_path_factory.mktemp("small"), SMALL_LIMIT)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A server that takes bodies up to 300 MiB."""
    yield from _server(tmp_path_factory.mktemp("big"), 300 * MiB)


def _blocks(size: int, block: bytes) -> Iterator[bytes]:
    while size > 0:
        yield block[:size]
        size -= len(block)


def _pattern(size: int) -> tuple[Iterator[bytes], str]:
    """``size`` bytes from a random 1 MiB block, and their SHA-256."""
    block = os.urandom(MiB)
    digest = hashlib.sha256()
    for piece in _blocks(size, block):
        digest.update(piece)
    return _blocks(size, block), digest.hexdigest()


def _multipart(file_chunks: Iterator[bytes], file_size: int) -> tuple[Iterator[bytes], int]:
    """A multipart body (a field, then the file ``doc``) as a generator, and its length."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nreport\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="doc"; filename="big.bin"\r\n'
        "Content-Type: application/x-thing\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from file_chunks
        yield tail

    return body(), len(head) + file_size + len(tail)


def _post(
    url: str, body: Iterator[bytes], length: int | None, content_type: str
) -> httpx.Response:
    headers = {"Content-Type": content_type}
    if length is not None:  # else httpx sends it chunked: the server cannot know the size
        headers["Content-Length"] = str(length)
    return httpx.post(url, content=body, headers=headers, timeout=120)


# -- req.stream() -----------------------------------------------------------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_streamed_body_reaches_the_view_whole(big, declared):
    size = 20 * MiB + 3
    chunks, sha = _pattern(size)
    r = _post(f"{big.url}/hash", chunks, size if declared else None, "application/octet-stream")
    assert r.status_code == 200, r.text
    assert r.json() == {"size": size, "sha256": sha}


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_of_exactly_the_limit_streams_and_one_byte_more_is_a_413(small, declared):
    chunks, sha = _pattern(SMALL_LIMIT)
    r = _post(f"{small.url}/hash", chunks, SMALL_LIMIT if declared else None, "text/plain")
    assert r.status_code == 200
    assert r.json() == {"size": SMALL_LIMIT, "sha256": sha}

    over = SMALL_LIMIT + 1
    chunks, _ = _pattern(over)
    r = _post(f"{small.url}/hash", chunks, over if declared else None, "text/plain")
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert str(SMALL_LIMIT) in r.json()["detail"]


def test_a_stream_over_the_limit_answers_in_the_format_asked_for(small):
    chunks, _ = _pattern(SMALL_LIMIT + 1)
    r = httpx.post(
        f"{small.url}/hash",
        content=chunks,
        headers={"Accept": "application/x-yaml"},
        timeout=60,
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+yaml"


def test_a_body_cut_short_of_its_content_length_is_never_served(small):
    host, port = small.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /hash HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"x" * 40)
        sock.shutdown(socket.SHUT_WR)  # the client stops sending, 60 bytes short
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
    # The view never gets a short body: a 400, or a connection closed unanswered.
    assert not answer or parse_response(answer)[0] == 400


# -- multipart, streamed ------------------------------------------------------------


def test_a_large_file_is_spooled_to_disk_then_saved_by_renaming_it(big):
    size = 8 * MiB + 11
    chunks, sha = _pattern(size)
    body, length = _multipart(chunks, size)
    r = _post(f"{big.url}/save", body, length, MULTIPART)
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen == {
        "filename": "big.bin",
        "content_type": "application/x-thing",
        "size": size,
        "spooled_to_disk": True,
        # TMPDIR and the save directory share a file system: the spooled file
        # was renamed to the saved path, nothing of it is left in TMPDIR.
        "temp_files_open": 0,
        "temp_files": 0,
        "saved_is_the_upload": True,
        "saved_size": size,
        "saved_sha256": sha,
        "fields": {"title": "report"},
    }
    after = httpx.get(f"{big.url}/after", timeout=10).json()
    assert after == {
        "closed": [True],
        "saved_sizes": [size],
        "temp_files_open": 0,
        "temp_files": 0,
    }


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="unnamed temp files need O_TMPFILE")
def test_a_server_killed_mid_upload_leaves_no_temp_file(tmp_path):
    """The spooled part has no name until saved: SIGKILL leaves nothing in TMPDIR."""
    servers = _server(tmp_path, 300 * MiB)
    server = next(servers)
    spool = tmp_path / "tmp"
    try:
        size = 8 * MiB
        chunks, _ = _pattern(size)
        body, length = _multipart(chunks, size)
        head = (
            f"POST /save HTTP/1.1\r\nHost: test\r\nContent-Type: {MULTIPART}\r\n"
            f"Content-Length: {length}\r\n\r\n"
        ).encode()
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(head + next(body) + next(body))  # the field, then the file's first MiB
            until(lambda: _spooling(server.pid, spool), what="the part spooled to disk")
            os.kill(server.pid, signal.SIGKILL)
            server.proc.wait(timeout=10)
        assert list(spool.iterdir()) == []
    finally:
        servers.close()


def _spooling(pid: int, spool: Path) -> bool:
    """Whether process ``pid`` holds an unnamed file it made in ``spool`` open.

    Only an unnamed one (its link reads ``<spool>/#<inode> (deleted)``): the
    first ``tempfile.gettempdir()`` also opens a named file there for a
    moment, to check that the directory is writable.
    """
    fds = Path(f"/proc/{pid}/fd")
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(fd).startswith(f"{spool}/#"):
                return True
    return False


def test_a_small_file_stays_in_memory(big):
    body, length = _multipart(iter([b"tiny"]), 4)
    seen = _post(f"{big.url}/save", body, length, MULTIPART).json()
    assert (seen["size"], seen["spooled_to_disk"], seen["temp_files_open"]) == (4, False, 0)
    assert (seen["temp_files"], seen["saved_is_the_upload"]) == (0, False)
    assert seen["saved_sha256"] == hashlib.sha256(b"tiny").hexdigest()


def _part(headers: bytes, value: bytes) -> bytes:
    return f"--{BOUNDARY}\r\n".encode() + headers + b"\r\n\r\n" + value + b"\r\n"


FIELD = b'Content-Disposition: form-data; name="title"'
FILE = b'Content-Disposition: form-data; name="doc"; filename="a.bin"'
END = f"--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (_part(FIELD, b"t") + _part(FILE, b"x" * 100_000), 400, "ends before"),
        (_part(FIELD + b"\r\nX-Pad: " + b"a" * 20_000, b"t") + END, 400, "parse"),
        (b"".join(_part(FIELD, b"t") for _ in range(21)) + END, 400, "at most 20"),
        (_part(FIELD, b"x" * 1025) + END, 413, "over 1024"),
        (_part(FILE, b"x" * SMALL_LIMIT) + END, 413, str(SMALL_LIMIT)),
        (f"--{BOUNDARY}\r\nno headers end".encode(), 400, "parse"),
    ],
    ids=["truncated", "huge-part-header", "too-many-parts", "field-too-big", "over-limit", "junk"],
)
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_hostile_multipart_is_a_4xx(small, body, status, says, declared):
    r = _post(f"{small.url}/save", iter([body]), len(body) if declared else None, MULTIPART)
    assert r.status_code == status, r.text
    assert says in r.json()["detail"]
    after = httpx.get(f"{small.url}/after", timeout=10).json()
    assert (after["temp_files_open"], after["temp_files"]) == (0, 0)  # none open, none left


# -- memory ---------------------------------------------------------------------------


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM line")


def test_a_256_mib_upload_grows_the_server_by_under_32_mib(big):
    warm, warm_length = _multipart(iter([b"w" * (2 * MiB)]), 2 * MiB)
    assert _post(f"{big.url}/save", warm, warm_length, MULTIPART).status_code == 200
    before = _peak_rss_kib(big.pid)
    size = 256 * MiB
    chunks, sha = _pattern(size)
    body, length = _multipart(chunks, size)
    r = _post(f"{big.url}/save", body, length, MULTIPART)
    assert r.status_code == 200, r.text
    assert (r.json()["saved_size"], r.json()["saved_sha256"]) == (size, sha)
    growth_kib = _peak_rss_kib(big.pid) - before
    assert growth_kib < 32 * 1024, f"peak RSS grew by {growth_kib} KiB"
