"""The example app, fuzzed from its own OpenAPI document: no 500s, no off-schema responses."""

import importlib.util
from pathlib import Path

import msgpack
import schemathesis
from hypothesis import HealthCheck, reject, settings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "petstore.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("petstore_for_fuzzing", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_api()


@schemathesis.serializer("application/x-msgpack", "application/msgpack")
def _msgpack(ctx, value):
    try:
        return msgpack.packb(value, use_bin_type=True)
    except OverflowError:
        reject()  # an integer MessagePack cannot carry: not a body a client could send


schema = schemathesis.openapi.from_asgi("/schema.json", _load_example())


@schema.parametrize()
@settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_api_conforms_to_its_own_schema(case):
    case.call_and_validate()
