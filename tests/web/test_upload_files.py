"""``UploadFile``: spooled to a temporary file of its own, put in place by ``save``.

Each test puts the temp directory (where uploads spool) in a folder of its
own, so the upload's temporary files left after a save or a close can be
counted: named ones in the folder, and unnamed ones (``O_TMPFILE``, Linux)
among this process's open files. Each test runs with both kinds. The
cross-file-system tests spool to ``/dev/shm`` (tmpfs) and save to the test's
folder on disk; they are skipped where both are on one file system.
"""

from __future__ import annotations

import asyncio
import os
import stat
import tempfile
from pathlib import Path

import pytest

import responder
from responder import uploads
from responder.media import MultipartHandler
from responder.uploads import UploadFile

DATA = bytes(range(256)) * 40  # 10 KiB: past the 1 KiB spool size used here
SHM = Path("/dev/shm")


@pytest.fixture(params=["unnamed", "named"])
def kind(request, monkeypatch):
    """Spool to unnamed files (``O_TMPFILE``) or to named ones (where that is missing)."""
    if request.param == "named":
        monkeypatch.setattr(uploads, "_O_TMPFILE", None)
    elif uploads._O_TMPFILE is None:
        pytest.skip("no O_TMPFILE here")
    return request.param


@pytest.fixture
def spool(tmp_path, monkeypatch, kind):
    """The temp directory uploads spool to, empty at the start."""
    return _spool_in(tmp_path, monkeypatch)


@pytest.fixture
def unnamed_spool(tmp_path, monkeypatch):
    """The same, for tests of unnamed files only."""
    if uploads._O_TMPFILE is None:
        pytest.skip("no O_TMPFILE here")
    return _spool_in(tmp_path, monkeypatch)


def _spool_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def other_disk_spool(tmp_path, monkeypatch, kind):
    """A temp directory on another file system than ``tmp_path`` (tmpfs)."""
    if not SHM.is_dir() or SHM.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second file system to spool to")
    folder = Path(tempfile.mkdtemp(dir=SHM))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()


def temp_files(folder: Path) -> list[str]:
    """The uploads' temporary files in ``folder``: named files there, and unnamed ones open here.

    An unnamed file open in this process was made in ``folder`` (its link
    reads ``<folder>/#<inode> (deleted)``) and still has no name (no link).
    """
    named = [str(path) for path in folder.iterdir()]
    unnamed = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target, links = os.readlink(fd), os.stat(fd).st_nlink
        except OSError:  # closed since the listing
            continue
        if target.startswith(f"{folder}/#") and links == 0:
            unnamed.append(target)
    return named + unnamed


def _on_disk(data: bytes = DATA) -> UploadFile:
    doc = UploadFile("a.bin", data, spool_size=1024)
    assert doc.on_disk
    return doc


def _new_file_mode(folder: Path) -> int:
    """The permissions ``open(path, "w")`` gives a new file in ``folder``."""
    probe = folder / "probe"
    probe.touch()
    mode = stat.S_IMODE(probe.stat().st_mode)
    probe.unlink()
    return mode


@pytest.mark.parametrize("size", [100, len(DATA)], ids=["in-memory", "on-disk"])
def test_writes_go_at_the_end_whatever_was_read(spool, size):
    async def run():
        doc = UploadFile("a.bin", DATA[:size], spool_size=1024)
        assert await doc.read(3) == DATA[:3]
        await doc.write(b"tail")
        await doc.seek(0)
        return doc.size, await doc.read()

    assert asyncio.run(run()) == (size + 4, DATA[:size] + b"tail")


def test_a_spooled_file_is_readable_by_its_owner_only_until_saved(spool, kind):
    doc = _on_disk()
    assert len(temp_files(spool)) == 1
    assert stat.S_IMODE(os.fstat(doc.file.fileno()).st_mode) == 0o600
    if kind == "named":
        (temp,) = spool.iterdir()
        assert temp.name.startswith(uploads.TEMP_PREFIX)
        assert temp.read_bytes() == DATA
    else:  # nothing in the folder: the file has no name until saved
        assert list(spool.iterdir()) == []
        assert doc.content == DATA
    asyncio.run(doc.close())
    assert temp_files(spool) == []


@pytest.mark.parametrize("pwritev", [True, False], ids=["pwritev", "no-pwritev"])
def test_batches_of_any_length_are_written_whole_and_in_order(spool, monkeypatch, pwritev):
    # A platform without pwritev, and the per-call buffer limit (IOV_MAX), made small.
    monkeypatch.setattr(uploads, "_IOV_MAX", 3)
    if not pwritev:
        monkeypatch.setattr(uploads, "_pwritev", None)
    pieces = [bytes([n]) * (100 + n) for n in range(20)]
    doc = UploadFile("a.bin", spool_size=1024)
    doc.append(pieces[:2])
    doc.append(pieces[2:])
    doc.file.seek(0)
    assert (doc.on_disk, doc.size, doc.file.read()) == (True, 2190, b"".join(pieces))
    asyncio.run(doc.close())


def test_saving_a_spooled_file_renames_it_into_place(spool, tmp_path):
    target = tmp_path / "saved.bin"
    target.write_bytes(b"an older file")

    async def run():
        doc = _on_disk()
        await doc.read(5)
        await doc.save(target)
        assert temp_files(spool) == []  # moved out of the temp directory, not copied
        assert os.path.samestat(os.fstat(doc.file.fileno()), target.stat())
        assert await doc.read() == DATA  # the upload still reads its bytes, from the start
        await doc.close()

    asyncio.run(run())
    assert target.read_bytes() == DATA  # closing the upload leaves the saved file
    assert stat.S_IMODE(target.stat().st_mode) == _new_file_mode(tmp_path)


def test_a_saved_file_stays_as_saved_when_the_upload_is_written_to_after(spool, tmp_path):
    async def run():
        doc = _on_disk()
        await doc.save(tmp_path / "saved.bin")
        await doc.seek(len(DATA))
        await doc.write(b"more")
        await doc.seek(0)
        assert await doc.read() == DATA + b"more"
        assert len(temp_files(spool)) == 1  # the upload's own copy again
        await doc.close()

    asyncio.run(run())
    assert (tmp_path / "saved.bin").read_bytes() == DATA
    assert temp_files(spool) == []


def test_saving_twice_gives_two_files_and_saving_to_the_same_path_keeps_it(spool, tmp_path):
    async def run():
        doc = _on_disk()
        await doc.save(tmp_path / "one.bin")
        await doc.save(tmp_path / "two.bin")  # a copy: the first save took the temp file
        await doc.save(tmp_path / "one.bin")  # already there: never truncated under itself
        await doc.close()

    asyncio.run(run())
    assert (tmp_path / "one.bin").read_bytes() == DATA
    assert (tmp_path / "two.bin").read_bytes() == DATA
    assert not os.path.samefile(tmp_path / "one.bin", tmp_path / "two.bin")


def test_saving_through_a_symlink_writes_the_file_it_points_to(spool, tmp_path):
    real = tmp_path / "real.bin"
    real.write_bytes(b"old")
    link = tmp_path / "link.bin"
    link.symlink_to(real)

    async def run():
        doc = _on_disk()
        await doc.save(link)
        await doc.close()

    asyncio.run(run())
    assert link.is_symlink()
    assert real.read_bytes() == DATA


def test_saving_across_file_systems_copies_and_the_temp_file_goes_on_close(
    other_disk_spool, tmp_path
):
    async def run():
        doc = _on_disk()
        await doc.save(tmp_path / "saved.bin")
        assert len(temp_files(other_disk_spool)) == 1  # copied: the temp file is still ours
        assert await doc.read() == DATA
        await doc.close()

    asyncio.run(run())
    assert (tmp_path / "saved.bin").read_bytes() == DATA
    assert temp_files(other_disk_spool) == []


def test_an_unnamed_file_that_cannot_be_linked_is_copied(unnamed_spool, tmp_path, monkeypatch):
    # No /proc to link through (some containers): save copies, as across file systems.
    spool = unnamed_spool

    def no_proc(fd, target):
        raise FileNotFoundError("/proc/self/fd")

    monkeypatch.setattr(uploads, "_link_into_place", no_proc)
    target = tmp_path / "saved.bin"
    target.write_bytes(b"an older file")

    async def run():
        doc = _on_disk()
        await doc.save(target)
        assert len(temp_files(spool)) == 1  # copied: the unnamed file is still the upload's
        assert await doc.read() == DATA
        await doc.close()

    asyncio.run(run())
    assert target.read_bytes() == DATA
    assert temp_files(spool) == []


def test_a_file_kept_in_memory_is_written_out_and_nothing_spools(spool, tmp_path):
    async def run():
        doc = UploadFile("a.txt", b"small", spool_size=1024)
        assert not doc.on_disk
        await doc.save(tmp_path / "small.txt")
        assert await doc.read() == b"small"
        await doc.close()

    asyncio.run(run())
    assert (tmp_path / "small.txt").read_bytes() == b"small"
    assert temp_files(spool) == []


def _multipart(value: bytes, *, end: bool = True) -> bytes:
    body = (
        b'--b0undary\r\nContent-Disposition: form-data; name="doc"; filename="d.bin"\r\n\r\n'
        + value
        + b"\r\n"
    )
    return body + (b"--b0undary--\r\n" if end else b"")


@pytest.mark.parametrize(
    ("body", "status"),
    [(_multipart(DATA), 200), (_multipart(DATA, end=False), 400)],
    ids=["answered", "malformed"],
)
def test_an_upload_nobody_saved_leaves_no_temp_file(spool, body, status):
    api = responder.API()
    api.media.register(MultipartHandler(spool_size=1024))

    @api.route("/up", methods=["POST"])
    async def up(req, resp):
        doc = (await req.media("files"))["doc"]
        resp.media = {"on_disk": doc.on_disk, "temp_files": len(temp_files(spool))}

    headers = {"content-type": "multipart/form-data; boundary=b0undary"}
    r = api.requests.post("/up", content=body, headers=headers)
    assert r.status_code == status
    if status == 200:
        assert r.json() == {"on_disk": True, "temp_files": 1}
    assert temp_files(spool) == []
