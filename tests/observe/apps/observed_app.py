"""An app with metrics and JSON logging, served by real ``responder run`` processes in tests.

``/hold`` writes its worker's pid to ``$HOLD_PID_FILE`` and then waits (for a
test to kill that worker mid-request, or to stop the server around it).
``LOG_BATCH=1`` in the environment serves it with ``log_batch=True``.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import responder

api = responder.API(
    metrics_route="/metrics",
    enable_logging=True,
    log_format="json",
    ready_route="/ready",
    log_batch=os.environ.get("LOG_BATCH") == "1",
)


@api.route("/pid")
async def pid(req, resp):
    api.log.info("serving pid")
    resp.text = str(os.getpid())


@api.route("/items/{id:int}")
async def item(req, resp, *, id):
    resp.media = {"id": id}


@api.route("/hold")
async def hold(req, resp):
    seconds = float(req.params.get("seconds", "60"))
    where = os.environ.get("HOLD_PID_FILE")
    if where:  # written whole, then renamed: a reader never sees part of the number
        partial = Path(where + ".partial")
        partial.write_text(str(os.getpid()))
        partial.replace(where)
    await asyncio.sleep(seconds)
    resp.text = "held"
