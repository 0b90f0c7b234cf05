"""Per-framework ASGI apps and the registry that loads them.

Each ``<name>_app`` module exposes ``app`` (the ASGI callable, also what
uvicorn serves) and may declare:

* ``UNSUPPORTED``: scenario name -> reason it cannot be expressed there;
* ``ONLY``: the scenarios it implements (the raw baseline: ``text``, ``json``, ``echo``).

A framework name maps to its module with dashes as underscores
(``responder-stdlib-json`` -> ``responder_stdlib_json_app``). ``formats`` holds
the Accept negotiation and YAML/MessagePack codecs the peer apps share.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The framework under test; ratio columns are relative to it.
SUBJECT = "responder"
#: The hand-written ASGI callable used as the throughput ceiling.
BASELINE = "raw"
#: Responder with the stdlib JSON encoder instead of orjson (json and echo only).
STDLIB_JSON = "responder-stdlib-json"
#: Responder with metrics, logging, tracing, all three, and all three with one trace in ten
#: sampled (text, json, param, notfound).
OBSERVED = (
    "responder-metrics",
    "responder-logging",
    "responder-tracing",
    "responder-observed",
    "responder-observed-sampled",
)
#: Peers with their own tracing or metrics on (text, json, param, notfound): measured only
#: when named in ``--frameworks``, next to ``starlette``, ``litestar`` and Responder's variants.
PEERS_OBSERVED = ("starlette-tracing", "litestar-metrics", "litestar-tracing")
#: The raw ASGI app with one OpenTelemetry SDK span per request (text, json): the
#: least any framework pays to trace every request with the SDK. Opt-in, like the peers.
SDK_FLOOR = "raw-span"
#: What ``bench/run`` measures when ``--frameworks`` is not given.
DEFAULT_FRAMEWORKS: tuple[str, ...] = (
    SUBJECT,
    "falcon",
    "starlette",
    "fastapi",
    "litestar",
    STDLIB_JSON,
    BASELINE,
    *OBSERVED,
)
FRAMEWORKS: tuple[str, ...] = (*DEFAULT_FRAMEWORKS, *PEERS_OBSERVED, SDK_FLOOR)


def module_name(framework: str) -> str:
    """Dotted module path of a framework's app (what uvicorn is pointed at)."""
    return f"bench.apps.{framework.replace('-', '_')}_app"


@dataclass(frozen=True)
class LoadedApp:
    """An imported app plus which scenarios it can run."""

    name: str
    app: Any
    unsupported: Mapping[str, str] = field(default_factory=dict)
    only: frozenset[str] | None = None

    def skip_reason(self, scenario: str) -> str | None:
        """Why this app does not run ``scenario``, or None if it does."""
        if self.only is not None and scenario not in self.only:
            return f"{self.name} implements only {', '.join(sorted(self.only))}"
        return self.unsupported.get(scenario)


def load(framework: str) -> LoadedApp:
    """Import a framework's app module; import errors propagate to the caller."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}")
    module = importlib.import_module(module_name(framework))
    only = getattr(module, "ONLY", None)
    return LoadedApp(
        name=framework,
        app=module.app,
        unsupported=dict(getattr(module, "UNSUPPORTED", {})),
        only=frozenset(only) if only is not None else None,
    )
