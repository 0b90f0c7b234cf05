"""Start-up: ``import responder`` and a hello app load only what serving them needs.

Optional parts load on first use: Jinja2 with the first template, PyYAML and
msgpack with the first body in their format, and the extras' libraries only
when their feature is configured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAZY = (
    "jinja2",
    "yaml",
    "msgpack",
    "pydantic",
    "jwt",
    "taskiq",
    "redis",
    "prometheus_client",
    "opentelemetry",
    "graphene",
)

HELLO = """
import json, sys
import responder

api = responder.API()

@api.route("/hello/{who}")
async def hello(req, resp, *, who):
    resp.media = {"hello": who}

assert api.requests.get("/hello/ann").json() == {"hello": "ann"}
"""


def loaded_after(code: str) -> list[str]:
    """The lazy libraries that running ``code`` in a fresh interpreter loaded."""
    probe = f"{code}\nprint(json.dumps([m for m in {LAZY!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_hello_app_loads_no_optional_library():
    assert loaded_after(HELLO) == []


def test_yaml_loads_with_the_first_yaml_body():
    code = HELLO + (
        "\nassert api.requests.get('/hello/bo', headers={'Accept': 'application/x-yaml'})"
        ".text == 'hello: bo\\n'"
    )
    assert loaded_after(code) == ["yaml"]


def test_msgpack_loads_with_the_first_msgpack_body():
    code = HELLO + (
        "\nassert api.requests.get('/hello/bo', headers={'Accept': 'application/x-msgpack'})"
        ".content == b'\\x81\\xa5hello\\xa2bo'"
    )
    assert loaded_after(code) == ["msgpack"]


def test_jinja2_loads_with_the_first_template():
    code = HELLO + "\nassert api.template_string('{{ 1 + 1 }}') == '2'"
    assert loaded_after(code) == ["jinja2"]
