"""Start-up cost per framework: import time and the memory of a hello app.

Every figure comes from a fresh interpreter, so nothing one framework loaded
helps the next. For each framework, in interleaved rounds (every framework
once per round, so a busy spell on the machine hits all of them):

* **import**: a child times its own ``import`` statement with
  ``time.perf_counter()`` (elapsed) and ``time.process_time()`` (CPU);
* **python -c**: this process times ``python -c "<the import>"`` from start
  to exit (interpreter start-up included, the same for everyone; the ``python``
  row is ``python -c pass``);
* **RSS growth**: a child imports the framework, builds a hello app, answers
  one ``GET /`` through ASGI in-process (so whatever loads on the first
  request is counted), then reads ``VmRSS`` from ``/proc/self/status``; the
  cell is that minus the median ``VmRSS`` of a bare interpreter that imports
  nothing. The ``raw ASGI`` row drives a hand-written ASGI callable the same
  way: the part of every framework's growth that is asyncio's.

Each cell is the median of the rounds. Bytecode is written and read as usual
(``PYTHONDONTWRITEBYTECODE`` is dropped from the children's environment, and a
warm-up run per framework compiles what it imports), since a deployed app
starts from compiled modules.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from bench.report import environment
from bench.results import Cell, RunResult

SUBJECT = "responder"


@dataclass(frozen=True)
class Probe:
    """How one framework is imported and how its hello app is built."""

    name: str
    #: What a hello app's module imports (timed).
    imports: str
    #: Builds ``app``, an ASGI callable answering ``GET /`` with ``hello``.
    build: str


PROBES: tuple[Probe, ...] = (
    Probe(
        SUBJECT,
        "import responder",
        """
api = responder.API()

@api.route("/")
async def hello(req, resp):
    resp.text = "hello"

app = api
""",
    ),
    Probe(
        "falcon",
        "import falcon.asgi",
        """
class Hello:
    async def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "hello"

app = falcon.asgi.App()
app.add_route("/", Hello())
""",
    ),
    Probe(
        "starlette",
        "from starlette.applications import Starlette\n"
        "from starlette.responses import PlainTextResponse\n"
        "from starlette.routing import Route",
        """
async def hello(request):
    return PlainTextResponse("hello")

app = Starlette(routes=[Route("/", hello)])
""",
    ),
    Probe(
        "fastapi",
        "import fastapi\nfrom fastapi.responses import PlainTextResponse",
        """
app = fastapi.FastAPI()

@app.get("/", response_class=PlainTextResponse)
async def hello():
    return "hello"
""",
    ),
    Probe(
        "litestar",
        "import litestar",
        """
@litestar.get("/", sync_to_thread=False)
async def hello() -> str:
    return "hello"

app = litestar.Litestar([hello])
""",
    ),
)

#: The hand-written ASGI hello: asyncio and the driver, no framework.
RAW = Probe(
    "raw ASGI",
    "pass",
    """
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})
""",
)
#: A bare interpreter: the RSS every growth is measured from.
BARE = "python"

_RSS = """
def _rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")
"""

_DRIVE = """
import asyncio

async def _get(app):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/",
             "query_string": b"", "root_path": "", "headers": [(b"host", b"localhost")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    status = sent[0]["status"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    if status != 200 or body != b"hello":
        raise SystemExit(f"GET / answered {status} {body!r}")

asyncio.run(_get(app))
"""


def memory_code(probe: Probe | None) -> str:
    """A child that builds and exercises ``probe``'s hello app, then prints its RSS."""
    if probe is None:  # the bare interpreter
        return _RSS + "print(_rss_kib())"
    return "\n".join((_RSS, probe.imports, probe.build, _DRIVE, "print(_rss_kib())"))


def import_code(probe: Probe) -> str:
    """A child that times its own import statement and prints both clocks and modules."""
    return (
        "import time, sys\n"
        "_wall, _cpu = time.perf_counter(), time.process_time()\n"
        f"{probe.imports}\n"
        "_wall, _cpu = time.perf_counter() - _wall, time.process_time() - _cpu\n"
        "print(_wall, _cpu, len(sys.modules))\n"
    )


def child_env() -> dict[str, str]:
    """The children's environment: bytecode caching on, as when deployed.

    With ``BENCH_RESPONDER`` set, that checkout goes first on the children's
    path, so they import its ``responder`` (they never import ``bench``).
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    checkout = env.get("BENCH_RESPONDER")
    if checkout:
        paths = [os.path.abspath(checkout), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    return env


def _run(code: str, env: dict[str, str]) -> tuple[str, float]:
    """Run ``python -c code``; its last output line and the elapsed seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tempfile.gettempdir(),  # not the checkout: ``-c`` puts the cwd first on the path
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    lines = done.stdout.strip().splitlines()
    return (lines[-1] if lines else ""), elapsed


@dataclass
class Samples:
    """One framework's measurements across rounds."""

    import_wall: list[float]
    import_cpu: list[float]
    python_c: list[float]
    rss_kib: list[float]
    modules: list[float]


def _round(probe: Probe, env: dict[str, str], samples: Samples) -> None:
    """One measurement of each kind for ``probe``, appended to ``samples``."""
    line, _ = _run(import_code(probe), env)
    wall, cpu, modules = line.split()
    samples.import_wall.append(float(wall) * 1000)
    samples.import_cpu.append(float(cpu) * 1000)
    samples.modules.append(float(modules))
    _, elapsed = _run(probe.imports.replace("\n", "; "), env)
    samples.python_c.append(elapsed * 1000)
    line, _ = _run(memory_code(probe), env)
    samples.rss_kib.append(float(line))


COLUMNS = (
    "import ms",
    "import CPU ms",
    "python -c ms",
    "RSS growth MB",
    "over raw ASGI MB",
    "modules",
)
#: The columns given as a ratio to Responder.
RATIOS = ("import ms", "import CPU ms", "python -c ms", "RSS growth MB", "over raw ASGI MB")


def run(frameworks: list[str], runs: int) -> RunResult:
    """Measure every selected framework (plus the raw and bare rows) ``runs`` times."""
    probes = [p for p in PROBES if p.name in frameworks] + [RAW]
    result = RunResult("startup", [*(p.name for p in probes), BARE], list(COLUMNS))
    env = child_env()
    load_before = os.getloadavg()[0]  # CPU times swell on a busy machine: say how busy
    samples = {p.name: Samples([], [], [], [], []) for p in probes}
    bare = Samples([], [], [], [], [])
    for probe in list(probes):  # warm-up: compile, and drop what cannot run here
        try:
            _run(memory_code(probe), env)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            result.skip(probe.name, str(exc))
            probes.remove(probe)
    for index in range(runs):
        print(f"  round {index + 1}/{runs}", flush=True)
        bare.rss_kib.append(float(_run(memory_code(None), env)[0]))
        bare.python_c.append(_run("pass", env)[1] * 1000)
        for probe in probes:
            _round(probe, env, samples[probe.name])
    base_rss = statistics.median(bare.rss_kib)
    raw_rss = statistics.median(samples[RAW.name].rss_kib)
    for probe in probes:
        _store(result, probe.name, samples[probe.name], base_rss)
        over_raw = (statistics.median(samples[probe.name].rss_kib) - raw_rss) / 1024
        result.set(probe.name, "over raw ASGI MB", Cell(over_raw))
    result.set(BARE, "python -c ms", Cell(statistics.median(bare.python_c)))
    result.set(BARE, "RSS growth MB", Cell(0.0, note=f"VmRSS {base_rss / 1024:.1f} MB"))
    result.notes.append(f"bare interpreter VmRSS: {base_rss / 1024:.1f} MB (median)")
    load_after = os.getloadavg()[0]
    result.notes.append(
        f"1-minute load average: {load_before:.1f} at the start, {load_after:.1f} at the end"
    )
    return result


def _store(result: RunResult, name: str, samples: Samples, base_rss: float) -> None:
    """Medians of ``samples`` as ``name``'s cells."""
    med = statistics.median
    result.set(name, "import ms", Cell(med(samples.import_wall)))
    result.set(name, "import CPU ms", Cell(med(samples.import_cpu)))
    result.set(name, "python -c ms", Cell(med(samples.python_c)))
    result.set(name, "RSS growth MB", Cell((med(samples.rss_kib) - base_rss) / 1024))
    result.set(name, "modules", Cell(med(samples.modules)))
    spread = max(samples.import_cpu) - min(samples.import_cpu)
    result.notes.append(f"{name}: import CPU ms ranged over {spread:.1f} ms across rounds")


def render(result: RunResult, runs: int) -> str:
    """The Markdown report: one row per framework, ratios to Responder."""
    ratio_cols = RATIOS
    head = ["framework", *COLUMNS, *(f"{c} ÷ {SUBJECT}" for c in ratio_cols)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    shown = [f for f in result.frameworks if f not in result.skipped]
    for name in shown:
        cells = [result.get(name, column) for column in COLUMNS]
        values = [_fmt(cell, column) for cell, column in zip(cells, COLUMNS, strict=True)]
        ratios = [_ratio(result, name, column) for column in ratio_cols]
        lines.append("| " + " | ".join([name, *values, *ratios]) + " |")
    notes = [f"- {note}" for note in result.notes]
    notes += [f"- **{f} skipped**: {why}" for f, why in result.skipped.items()]
    out = [
        "## Start-up: import time and hello-app memory (lower is better)",
        "",
        f"Medians of {runs} fresh interpreters per cell, rounds interleaved. Ratio columns"
        f" are peer ÷ {SUBJECT}: **> 1 means {SUBJECT} is cheaper**. RSS growth is"
        " VmRSS after importing, building a hello app and answering one request"
        " in-process, minus a bare interpreter's VmRSS; `over raw ASGI` subtracts the"
        " raw ASGI hello's VmRSS instead (asyncio and the driver: what every framework"
        " needs anyway).",
        "",
        environment(),
        "",
        *lines,
        "",
        *notes,
    ]
    return "\n".join(out) + "\n"


def _fmt(cell: Cell, column: str) -> str:
    if cell.value is None:
        return "—"
    return f"{cell.value:,.0f}" if column == "modules" else f"{cell.value:,.1f}"


def _ratio(result: RunResult, name: str, column: str) -> str:
    ours, theirs = result.get(SUBJECT, column).value, result.get(name, column).value
    if name in (SUBJECT, BARE, RAW.name) or not ours or theirs is None:
        return "—"
    return f"{theirs / ours:.2f}"
