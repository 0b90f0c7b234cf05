"""The typed example app fuzzed once over real HTTP, served by uvicorn in a subprocess.

The in-process fuzzing (tests/docs/test_schemathesis.py) calls the ASGI app
directly; this run goes through uvicorn's HTTP parsing of headers, cookies,
query strings and multipart bodies, which the typed parameters read.
"""

import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from responder.params.body import FORM_TYPES
from tests.docs.test_schemathesis import FUZZ, examples  # also registers MessagePack
from tests.e2e.server import serve_uvicorn


def _fuzz(operation, mode):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(FUZZ, max_examples=examples(15))
    def run(case):
        text_only = case.media_type in FORM_TYPES  # see test_typed_app_conforms_to_its_31_schema
        case.call_and_validate(excluded_checks=[negative_data_rejection] if text_only else None)

    run()


def test_typed_app_conforms_over_http():
    with serve_uvicorn("examples.typed_app:api") as url:
        schema = schemathesis.openapi.from_url(f"{url}/schema.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 9  # every operation of the app, not an empty document
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(operation, mode)
