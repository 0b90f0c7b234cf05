"""Hostile input against a live server: every case a table row, zero 5xx, zero hangs.

Each module owns one area (GraphQL, bodies, protocol, limits...) and its own
app module; servers come from ``tests.e2e.server.live_uvicorn`` (free port,
readiness deadline, always stopped, logs to a file), raw bytes go out with
``raw_request`` when a client library would normalise them.
"""
