"""The ``responder`` command: serve an API (uvicorn, granian or hypercorn), build a front end.

Usage::

    responder run TARGET [--server uvicorn|granian|hypercorn] [--host HOST] [--port PORT]
                         [--workers N] [--reload] [--debug] [--grace S]
                         [--proxy-headers] [--forwarded-allow-ips IPS]
    responder worker TARGET [--concurrency N] [--grace SECONDS]
    responder build [DIR]
    responder -v | --version

TARGET is ``pkg.module[:name]``, ``path/to/file.py[:name]`` or a URL
``scheme://host/path/app.py[#name]``; the name defaults to ``api`` and must
name a :class:`responder.API`. See ``docs/cli.md``.

DESIGN
    The target is always loaded in this process first, so that a mistake in
    it is one line on stderr (exit 1) and not a traceback from every worker.
    With one process the loaded API is handed to ``uvicorn.run`` directly.
    ``--workers`` and ``--reload`` need an import string that each (spawned)
    child process can import; that string is always
    ``responder.cli:_worker_app``, a factory that reads the resolved target
    (a module name or the absolute path of a local file) from the
    ``_RESPONDER_RUN_TARGET`` environment variable and loads it the same way.
    A URL target is downloaded once, into a temporary directory, and from then
    on is a file target, so every worker imports the same downloaded file.

    A file is imported as a real module, the way Flask's CLI does it: walking
    up while the directories are packages (have ``__init__.py``), putting the
    top directory first on ``sys.path`` and importing the dotted name. Its
    relative imports and sibling imports work, and the name does not change
    between the parent and the workers.

    ``--server granian`` and ``--server hypercorn`` (``servers``) get the
    same options in their own words. granian always serves from worker
    processes, so it always gets the factory; hypercorn serves the loaded API
    in this process unless it has workers or reloads. Neither trusts proxy
    headers itself: the factory (or ``servers``) wraps the API in uvicorn's
    proxy-headers middleware when ``--proxy-headers`` asks for it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from . import __version__, servers
from . import cli_targets as _targets
from ._api_helpers import DEFAULT_ADDRESS as DEFAULT_HOST
from ._api_helpers import DEFAULT_PORT, bind_address, server_log_options
from .api import API
from .cli_targets import CLIError, Target, _local, _UserCodeError, load_api, parse_target

__all__ = ["CLIError", "Target", "load_api", "main", "parse_target"]

#: Seconds requests in flight get to finish after SIGTERM (``--grace``).
DEFAULT_GRACE = 30.0
#: Where the parent leaves the resolved target for ``--workers`` and ``--reload`` children.
TARGET_ENV = "_RESPONDER_RUN_TARGET"
#: The import string every server's worker processes load their app from.
FACTORY = f"{__name__}:_worker_app"


def _worker_app() -> Any:
    """The factory each worker process calls: the API, behind the proxies it trusts.

    uvicorn's ``--workers``/``--reload`` children, granian's workers and
    hypercorn's; uvicorn reads proxy headers itself, so for it ``trusted`` is
    never set.
    """
    spec = json.loads(os.environ[TARGET_ENV])
    target = Target(spec["kind"], spec["ref"], spec["name"])
    servers.prepare_worker(spec.get("server", "uvicorn"))
    api = load_api(target, debug=bool(spec["debug"]))
    return servers.behind_proxies(api, spec.get("trusted"))


# -- commands -------------------------------------------------------------------------------


def _address(host: str | None, port: int | None) -> tuple[str, int]:
    """As :meth:`responder.API.serve` decides it (``PORT`` on 0.0.0.0 when no port is given)."""
    try:
        return bind_address(host, port)
    except ValueError as exc:
        raise CLIError(str(exc)[0].lower() + str(exc)[1:].rstrip(".")) from None


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that ``with`` blocks clean up on the way out."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated(signum)


def _run(args: argparse.Namespace) -> int:
    target = parse_target(args.target)
    if args.reload and args.workers > 1:
        raise CLIError("--reload and --workers cannot be used together")
    if args.reload and target.kind == "url":
        raise CLIError("--reload cannot watch a URL; download the file and run it by path")
    host, port = _address(args.host, args.port)
    # uvicorn handles SIGTERM while it serves, then raises it again once it has shut down;
    # this handler gets it then (or earlier, during a download or an import), so that the
    # temporary directory of a URL target is removed before the process ends by SIGTERM.
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with _local(target) as local:
            _serve(local, host, port, args)
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _serve(target: Target, host: str, port: int, args: argparse.Namespace) -> None:
    """Load a local (module or file) target, then serve it until the server stops."""
    if args.server != "uvicorn":
        try:
            servers.require(args.server)  # before the import: a missing server is one line
        except servers.ServerUnavailable as exc:
            raise CLIError(str(exc)) from None
    api = load_api(target, debug=args.debug)
    one_process = args.workers == 1 and not args.reload
    # Proxy headers are off unless asked for: uvicorn's default trusts them from loopback.
    trusted = servers.trusted_proxies(args.proxy_headers, args.forwarded_allow_ips)
    if not one_process or args.server == "granian":  # workers that load the target again
        _export_target(target, args, None if args.server == "uvicorn" else trusted)
    with _metrics_directory(api, args.workers):
        if args.server == "uvicorn":
            _serve_uvicorn(api, target, host, port, args)
            return
        options = servers.ServeOptions(
            host=host,
            port=port,
            workers=args.workers,
            reload_dirs=tuple(_reload_dirs(target)) if args.reload else None,
            log_level="debug" if args.debug else "info",
            access_log=api.observability.access_log is None,
            grace=args.grace,
            trusted=trusted,
            shutdown_delay=api.health.options.shutdown_delay,
        )
        app = api if one_process and args.server == "hypercorn" else None
        try:
            servers.check_options(args.server, options, in_process=app is not None)
        except ValueError as exc:
            raise CLIError(str(exc)) from None
        stopped_by = servers.serve(args.server, options, app=app, factory=FACTORY)
        if stopped_by == signal.SIGTERM:
            raise _Terminated(stopped_by)  # ends by SIGTERM once cleaned up, as uvicorn does


def _export_target(target: Target, args: argparse.Namespace, trusted: str | None) -> None:
    """Leave the resolved target where each worker's :func:`_worker_app` finds it."""
    ref = str(Path(target.ref).resolve()) if target.kind == "file" else target.ref
    spec = {"kind": target.kind, "ref": ref, "name": target.name, "debug": args.debug}
    os.environ[TARGET_ENV] = json.dumps({**spec, "server": args.server, "trusted": trusted})


def _reload_dirs(target: Target) -> list[str]:
    """What ``--reload`` watches: a file target's directory, else the current one."""
    if target.kind == "file":
        return [str(Path(target.ref).resolve().parent)]
    return [os.getcwd()]


def _serve_uvicorn(
    api: API, target: Target, host: str, port: int, args: argparse.Namespace
) -> None:
    """Serve with uvicorn: the loaded API itself, or the factory in each worker."""
    import uvicorn

    options: dict[str, Any] = {"log_level": "debug" if args.debug else "info"}
    # After a stop signal, requests in flight get this long to finish; then they are cut.
    options["timeout_graceful_shutdown"] = args.grace
    options["proxy_headers"] = args.proxy_headers or args.forwarded_allow_ips is not None
    if args.forwarded_allow_ips is not None:
        options["forwarded_allow_ips"] = args.forwarded_allow_ips
    options.update(server_log_options(api, {}))
    if args.workers == 1 and not args.reload:
        uvicorn.run(api, host=host, port=port, **options)
        return
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        reload=args.reload,
        reload_dirs=_reload_dirs(target) if args.reload else None,
        **options,
    )


@contextlib.contextmanager
def _metrics_directory(api: API, workers: int) -> Iterator[None]:
    """Under several workers, a fresh directory where they all keep their metrics.

    prometheus-client's multiprocess mode: each worker writes its values to
    files there, and a scrape of any worker adds them up. The directory is
    made before the workers start (they read ``PROMETHEUS_MULTIPROC_DIR`` when
    they import prometheus-client) and removed when the server stops. One the
    operator set already is used as it is, and left in place.
    """
    if workers == 1 or api.observability.metrics is None:
        yield
        return
    from .metrics import MULTIPROC_ENV  # the API has metrics: prometheus-client is installed

    if os.environ.get(MULTIPROC_ENV):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="responder-metrics-") as directory:
        os.environ[MULTIPROC_ENV] = directory
        try:
            yield
        finally:
            del os.environ[MULTIPROC_ENV]


def _worker(args: argparse.Namespace) -> int:
    """Run the queued jobs of the target's API (``API(tasks=Queue(...))``) until SIGTERM."""
    target = parse_target(args.target)
    with _local(target) as local:
        api = load_api(local)
        try:
            from .tasks import Queue
            from .tasks.worker import run
        except ImportError as exc:
            raise CLIError(
                f'responder worker needs the tasks extra: pip install "responder[tasks]" ({exc})'
            ) from None
        queue = api.background.tasks
        if not isinstance(queue, Queue):
            raise CLIError(
                f"{target} has no job queue; create it with API(tasks=responder.tasks.Queue(url))"
            )
        logging.basicConfig(
            level=logging.DEBUG if args.debug else logging.INFO,
            format="%(levelname)s: %(name)s: %(message)s",
        )
        run(api, queue, concurrency=args.concurrency, grace=args.grace)
    return 0


def _build(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if not directory.is_dir():
        raise CLIError(f"directory {args.dir!r} not found")
    if not (directory / "package.json").is_file():
        raise CLIError(f"no package.json in {args.dir!r}")
    npm = shutil.which("npm")
    if npm is None:
        raise CLIError("npm not found on PATH; install Node.js and npm to build")
    code = subprocess.run([npm, "run", "build"], cwd=directory, check=False).returncode  # noqa: S603
    return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell says


# -- the parser -----------------------------------------------------------------------------


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return port


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return seconds


def _workers(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"not a positive number of workers: {text!r}")
    return count


def _add_worker(commands: Any) -> None:
    """The ``worker`` command's arguments."""
    worker = commands.add_parser(
        "worker",
        help="run an API's queued jobs",
        description="Run the jobs of the job queue of the responder.API named by TARGET "
        "(API(tasks=responder.tasks.Queue(url))) until SIGTERM. See docs/jobs.md.",
        epilog="TARGET: as for `responder run`.",
    )
    worker.add_argument("target", metavar="TARGET", help="the module, file or URL of the API")
    worker.add_argument(
        "--concurrency", type=_workers, default=10, metavar="N", help="jobs at once (default 10)"
    )
    worker.add_argument(
        "--grace",
        type=_seconds,
        default=30.0,
        metavar="SECONDS",
        help="time running jobs get to finish after SIGTERM (default 30)",
    )
    worker.add_argument("--debug", action="store_true", help="debug logging")
    worker.set_defaults(handler=_worker)


def _add_grace(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--grace",
        type=_seconds,
        default=DEFAULT_GRACE,
        metavar="SECONDS",
        help="after SIGTERM, seconds requests in flight may take to finish "
        f"(default {DEFAULT_GRACE:g})",
    )


def _add_proxy(run: argparse.ArgumentParser) -> None:
    """``responder run``'s proxy-header options (off unless asked for)."""
    run.add_argument(
        "--proxy-headers",
        action="store_true",
        help="take the client's address and scheme from X-Forwarded-For and "
        "X-Forwarded-Proto sent by the proxies of --forwarded-allow-ips "
        "(default: $FORWARDED_ALLOW_IPS, else 127.0.0.1 and ::1); off by default",
    )
    run.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="comma-separated addresses or networks of the proxies to trust "
        "(implies --proxy-headers)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="responder", description="Serve and build Responder apps."
    )
    # The bare version, as 3.3 printed it, so scripts can compare it.
    parser.add_argument(
        "-v", "--version", action="version", version=__version__, help="print the version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="serve an API with uvicorn, granian or hypercorn",
        description="Serve the responder.API named by TARGET with uvicorn (or --server).",
        epilog="TARGET: pkg.module[:name], path/to/file.py[:name] or "
        "scheme://host/path/app.py[#name]; name defaults to 'api'.",
    )
    run.add_argument("target", metavar="TARGET", help="the module, file or URL of the API")
    run.add_argument(
        "--server",
        choices=servers.SERVERS,
        default=servers.SERVERS[0],
        help="the ASGI server (default uvicorn; granian and hypercorn are extras: "
        'pip install "responder[granian]")',
    )
    run.add_argument("--host", help=f"address to bind (default {DEFAULT_HOST})")
    run.add_argument(
        "--port",
        type=_port,
        help=f"port to bind (default $PORT on 0.0.0.0 if set, else {DEFAULT_PORT})",
    )
    run.add_argument(
        "--workers", type=_workers, default=1, metavar="N", help="worker processes (default 1)"
    )
    run.add_argument("--reload", action="store_true", help="restart when a .py file changes")
    _add_grace(run)
    run.add_argument(
        "--debug", action="store_true", help="tracebacks in 500 responses; debug logging"
    )
    _add_proxy(run)
    run.set_defaults(handler=_run)

    _add_worker(commands)

    build = commands.add_parser(
        "build",
        help="run `npm run build`",
        description="Run `npm run build` in DIR (the front end of an app).",
    )
    build.add_argument("dir", metavar="DIR", nargs="?", default=".", help="default: .")
    build.set_defaults(handler=_build)
    return parser


def _print_user_traceback(error: _UserCodeError) -> None:
    """The cause's traceback, without the frames of the loader and of importlib."""
    cause = error.cause
    tb: TracebackType | None = cause.__traceback__
    while tb is not None and (
        tb.tb_frame.f_code.co_filename in (__file__, _targets.__file__, importlib.__file__)
        or tb.tb_frame.f_code.co_filename.startswith("<frozen importlib")
    ):
        tb = tb.tb_next
    traceback.print_exception(type(cause), cause, tb, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except CLIError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except _UserCodeError as error:
        _print_user_traceback(error)
        print(
            f"error: importing {error.target!r} failed (the traceback above is from its code)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return code
