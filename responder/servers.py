"""Serving an API with granian or hypercorn: ``responder run --server`` and ``api.run(server=)``.

uvicorn, the default, is still driven by ``cli`` and ``_api_helpers`` as it
always was; this module owns the other two. Each takes the same settings
(:class:`ServeOptions`), mapped onto what that server has:

=====================  ==========================  ==========================
setting                granian                     hypercorn
=====================  ==========================  ==========================
host, port             ``address``, ``port``       ``bind``
workers                ``workers``                 ``workers``
reload                 ``reload``, ``reload_paths``  ``use_reloader`` (every
                                                   imported module's file)
log level              ``log_level``               ``loglevel``
access log             ``log_access``              ``accesslog="-"``
grace                  ``workers_kill_timeout``    ``graceful_timeout``
                       (whole seconds, at least 1)
proxy headers          uvicorn's ``ProxyHeadersMiddleware`` around the app
                       (neither server has the same rules of its own)
lifespan               interface ``asgi``          always run
=====================  ==========================  ==========================

``responder run`` hands either server an import string,
``responder.cli:_served_app``, a factory that each (spawned) worker calls to
load the target again, as uvicorn's workers do. ``api.run`` has only the API
object: hypercorn serves it in this process, granian in worker processes
forked from this one; neither can then reload or run several workers, and
asking for that is an error rather than a silent single process.

granian, hypercorn and uvicorn's middleware are imported only when used:
``import responder`` loads none of them.
"""

from __future__ import annotations

import asyncio
import importlib
import math
import multiprocessing
import os
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "SERVERS",
    "ServeOptions",
    "ServerUnavailable",
    "behind_proxies",
    "check_options",
    "check_server",
    "prepare_worker",
    "serve",
    "trusted_proxies",
]

#: The servers ``--server`` and ``api.run(server=)`` accept; the first is the default.
SERVERS = ("uvicorn", "granian", "hypercorn")
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class ServerUnavailable(ImportError):
    """The chosen server's package is not installed; the message names the extra."""


@dataclass(frozen=True)
class ServeOptions:
    """One server's settings, in words every server shares (checked by whoever builds it)."""

    host: str
    port: int
    workers: int = 1
    #: Directories to watch and restart on change; ``None``: no reloading.
    reload_dirs: tuple[str, ...] | None = None
    log_level: str = "info"
    #: The server's own access log (off when the API's ``enable_logging`` writes one).
    access_log: bool = True
    #: Seconds requests in flight get after a stop signal; ``None``: the server's default.
    grace: float | None = None
    #: Whose ``X-Forwarded-For``/``-Proto`` to believe; ``None``: nobody's.
    trusted: str | None = None
    #: The API's ``shutdown_delay=``: it delays the server's own stop-signal handler,
    #: which only uvicorn and hypercorn in one process let it see.
    shutdown_delay: float = 0.0
    #: The server's own keywords, passed on as they are (``api.run``'s ``**options``).
    extra: Mapping[str, Any] = field(default_factory=dict)


def check_server(name: str) -> str:
    """``name`` if it is one of :data:`SERVERS`, else a ``ValueError`` listing them."""
    if name not in SERVERS:
        raise ValueError(f"unknown server {name!r}; choose one of {', '.join(SERVERS)}")
    return name


def require(name: str) -> None:
    """Import the server's package now, so that a missing one is one clear error."""
    try:
        importlib.import_module(name)
    except ImportError as exc:
        raise ServerUnavailable(
            f'the {name} server is not installed: pip install "responder[{name}]" ({exc})'
        ) from None


def trusted_proxies(proxy_headers: bool, forwarded_allow_ips: str | None) -> str | None:
    """Whose proxy headers to believe, as uvicorn decides it; ``None`` when they are off."""
    if forwarded_allow_ips is not None:
        return forwarded_allow_ips
    if proxy_headers:
        return os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
    return None


def behind_proxies(app: Any, trusted: str | None) -> Any:
    """``app`` reading the client and scheme from the proxy headers of ``trusted`` peers.

    uvicorn's own middleware, so that every server follows the same rules (the
    rightmost untrusted ``X-Forwarded-For`` entry; HTTP and WebSocket scopes).
    """
    if trusted is None:
        return app
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    return ProxyHeadersMiddleware(app, trusted_hosts=trusted)


def prepare_worker(name: str) -> None:
    """Ready a worker process of server ``name`` before it serves.

    hypercorn's workers leave SIGTERM at its default, so one sent to the whole
    process group (``kill -- -PID``, systemd, a test harness) would end them
    at once: no graceful drain, no lifespan shutdown. They ignore it here;
    their parent, which gets it too, stops them through its shutdown event.
    """
    if name == "hypercorn" and multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def check_options(name: str, options: ServeOptions, *, in_process: bool) -> None:
    """Refuse, before serving, what server ``name`` cannot honour (a ``ValueError``).

    ``in_process``: the API object itself is to be served (``api.run``), not a
    factory's app in each worker.
    """
    if options.shutdown_delay and (name == "granian" or not in_process):
        where = "granian's workers" if name == "granian" else "hypercorn's workers"
        raise ValueError(
            f"API(shutdown_delay=) holds the server's stop-signal handler, which {where} "
            "keep to themselves; serve it with uvicorn, or hypercorn in one process"
        )
    if in_process and (options.workers != 1 or options.reload_dirs is not None):
        raise ValueError(
            f"api.run(server={name!r}) serves one process and cannot reload; for workers "
            f"or reloading, use `responder run --server {name} --workers N` or `--reload`"
        )


def serve(name: str, options: ServeOptions, *, app: Any = None, factory: str = "") -> int | None:
    """Serve with granian or hypercorn until stopped: ``app`` itself, or ``factory``'s apps.

    Args:
        name: ``"granian"`` or ``"hypercorn"``.
        options: the settings, mapped onto that server's own.
        app: an ASGI app to serve from this process (``api.run``); one process only.
        factory: else a ``module:function`` each worker calls for its app
            (``responder run``); it must apply ``options.trusted`` itself.

    Returns:
        The signal that stopped an in-process server, when one did.

    Raises:
        ServerUnavailable: the server is not installed.
        ValueError: a setting the server cannot honour this way.
    """
    require(check_server(name))
    check_options(name, options, in_process=app is not None)
    if name == "granian":
        _serve_granian(options, app, factory)
        return None
    if app is not None:
        return _serve_hypercorn_here(options, behind_proxies(app, options.trusted))
    _serve_hypercorn_workers(options, factory)
    return None


# -- granian ----------------------------------------------------------------------------------


def _granian_options(options: ServeOptions) -> dict[str, Any]:
    """The keywords granian takes for ``options``."""
    from granian.constants import Interfaces
    from granian.log import LogLevels

    settings: dict[str, Any] = {
        "address": options.host,
        "port": options.port,
        "interface": Interfaces.ASGI,  # ASGI with the lifespan protocol
        "workers": options.workers,
        "log_level": LogLevels(options.log_level.lower()),
        "log_access": options.access_log,
    }
    if options.grace is not None:
        # granian counts whole seconds, and 0 would mean "wait for ever".
        settings["workers_kill_timeout"] = max(1, math.ceil(options.grace))
    if options.reload_dirs is not None:
        settings["reload"] = True
        settings["reload_paths"] = [Path(d) for d in options.reload_dirs]
    return {**settings, **options.extra}


def _serve_granian(options: ServeOptions, app: Any, factory: str) -> None:
    """Run granian's process manager: workers load ``factory``, or are forked with ``app``."""
    from granian.server import Server

    settings = _granian_options(options)
    if app is None:
        # Spawned, not forked: this process imported the target already, and a forked
        # worker would keep that copy across a reload.
        multiprocessing.set_start_method("spawn", force=True)
        Server(factory, factory=True, **settings).serve()
        return
    if multiprocessing.get_start_method() != "fork":
        raise ValueError(
            "api.run(server='granian') forks its worker; this platform spawns them: "
            "use `responder run --server granian`"
        )
    served = behind_proxies(app, options.trusted)
    Server("api.run", **settings).serve(target_loader=lambda: served, wrap_loader=False)


# -- hypercorn --------------------------------------------------------------------------------


def _hypercorn_config(options: ServeOptions) -> Any:
    """The hypercorn ``Config`` for ``options``; an unknown extra setting is an error."""
    from hypercorn.config import Config

    config = Config()
    host = f"[{options.host}]" if ":" in options.host else options.host
    config.bind = [f"{host}:{options.port}"]
    config.loglevel = options.log_level.upper()
    config.accesslog = "-" if options.access_log else None
    config.errorlog = "-"
    config.workers = options.workers
    config.use_reloader = options.reload_dirs is not None
    if options.grace is not None:
        config.graceful_timeout = options.grace
    for key, value in options.extra.items():
        if not hasattr(config, key):
            raise ValueError(f"hypercorn has no setting {key!r}")
        setattr(config, key, value)
    return config


def _uvloop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The uvloop loop factory when it is installed (uvicorn uses it then too)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _serve_hypercorn_here(options: ServeOptions, app: Any) -> int | None:
    """Serve ``app`` from this process until SIGINT or SIGTERM; return which one came.

    The handlers are plain ``signal.signal`` ones, not the loop's: readiness
    (``responder.health``) wraps such a handler to answer 503 and hold the
    stop for ``shutdown_delay`` seconds, as it does under uvicorn.
    """
    from hypercorn.asyncio import serve as hypercorn_serve

    config = _hypercorn_config(options)
    received: list[int] = []
    loop = (_uvloop() or asyncio.new_event_loop)()
    stop = asyncio.Event()

    def stopping(signum: int, frame: object) -> None:
        received.append(signum)
        loop.call_soon_threadsafe(stop.set)

    previous = {signum: signal.signal(signum, stopping) for signum in _STOP_SIGNALS}
    try:
        loop.run_until_complete(hypercorn_serve(app, config, shutdown_trigger=stop.wait))
    finally:
        loop.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return received[0] if received else None


def _serve_hypercorn_workers(options: ServeOptions, factory: str) -> None:
    """Run hypercorn's process manager: each spawned worker calls ``factory`` for its app."""
    from hypercorn.run import run

    config = _hypercorn_config(options)
    config.application_path = f"{factory}()"  # evaluated in the factory's module
    config.worker_class = "uvloop" if _uvloop() else "asyncio"
    code = run(config)
    if code:
        raise SystemExit(code)
