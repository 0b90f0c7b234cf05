"""A module that imports a dependency that is not installed."""

import responder_cli_test_no_such_dependency  # noqa: F401

import responder

api = responder.API()
