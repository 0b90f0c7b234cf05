"""Example apps, fuzzed from their own OpenAPI documents: no 500s, no off-schema responses.

The pet store is the documented example; the rich app (``rich_app.py``) adds
responses keyed by ``status_code=`` and ``responses=``, response models from
return annotations (a list, a union, a dataclass, a TypedDict), recursive
models, tuples, enums, forms and a router. Each is fuzzed from its 3.1 document
and, with valid data, from its 3.0 one: what the 3.0 rewriting must keep true.
"""

import importlib.util
import os
from pathlib import Path

import msgpack
import schemathesis
from hypothesis import HealthCheck, reject, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from responder.params.body import FORM_TYPES
from tests.docs import rich_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load_example(name="petstore", openapi=None):
    spec = importlib.util.spec_from_file_location(f"{name}_for_fuzzing", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_api() if openapi is None else module.make_api(openapi)


@schemathesis.serializer("application/x-msgpack", "application/msgpack")
def _msgpack(ctx, value):
    try:
        return msgpack.packb(value, use_bin_type=True)
    except OverflowError:
        reject()  # an integer MessagePack cannot carry: not a body a client could send


def examples(count: int) -> int:
    """``count`` examples, scaled by ``RESPONDER_FUZZ_SCALE`` (``scripts/check --fast``: 0.25).

    CI runs the full count; a quick local run fuzzes the same operations, less deeply.
    """
    return max(5, round(count * float(os.environ.get("RESPONDER_FUZZ_SCALE", "1"))))


FUZZ = settings(
    max_examples=examples(100),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

schema = schemathesis.openapi.from_asgi("/schema.json", _load_example())
rich_31 = schemathesis.openapi.from_asgi("/schema.json", rich_app.make_api("3.1.0"))
rich_30 = schemathesis.openapi.from_asgi("/schema.json", rich_app.make_api("3.0.3"))
# Valid data only against the 3.0 document: its JSON Schema dialect (draft 4) counts
# 5.0 and 1e300 as no integers, while validation reads JSON Schema as 3.1 does and
# accepts them. Negative data is fuzzed against the 3.1 document above.
rich_30.config.generation.update(modes=[GenerationMode.POSITIVE])
typed_31 = schemathesis.openapi.from_asgi("/schema.json", _load_example("typed_app", "3.1.0"))
typed_30 = schemathesis.openapi.from_asgi("/schema.json", _load_example("typed_app", "3.0.3"))
typed_30.config.generation.update(modes=[GenerationMode.POSITIVE])


@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_own_schema(case):
    # The staff token, so that adding a pet is fuzzed past its 401.
    case.call_and_validate(headers={"Authorization": "Bearer pets-demo-token"})


@rich_31.parametrize()
@settings(FUZZ, max_examples=examples(50))
def test_rich_app_conforms_to_its_31_schema(case):
    case.call_and_validate()


@rich_30.parametrize()
@settings(FUZZ, max_examples=examples(50))
def test_rich_app_conforms_to_its_30_schema(case):
    case.call_and_validate()


@typed_31.parametrize()
@settings(FUZZ, max_examples=examples(50))
def test_typed_app_conforms_to_its_31_schema(case):
    # A form carries text only: a "number" or a non-binary "file" in it is text the
    # schema allows, so schemathesis's invalid forms are not invalid; all else is checked.
    text_only = case.media_type in FORM_TYPES
    case.call_and_validate(excluded_checks=[negative_data_rejection] if text_only else None)


@typed_30.parametrize()
@settings(FUZZ, max_examples=examples(50))
def test_typed_app_conforms_to_its_30_schema(case):
    case.call_and_validate()
