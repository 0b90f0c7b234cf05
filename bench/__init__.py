"""Benchmark harness comparing Responder with Falcon, Starlette, FastAPI and Litestar.

``BENCH_RESPONDER=/path/to/checkout`` benchmarks the Responder in another
checkout (e.g. a branch in another worktree) with this harness: that path goes
first on ``sys.path`` once ``bench`` itself is imported from here, so
``responder`` comes from there and ``bench.*`` from here, in this process and
in the uvicorn servers of the HTTP mode (they inherit the variable).
"""

import os
import sys

_RESPONDER_CHECKOUT = os.environ.get("BENCH_RESPONDER")
if _RESPONDER_CHECKOUT:
    sys.path.insert(0, os.path.abspath(_RESPONDER_CHECKOUT))
