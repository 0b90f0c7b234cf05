"""Apps for the WebSocket and server-sent-event curves, one module per framework.

Each module's ``app`` serves the same three routes:

* ``/ws``: a WebSocket that sends back every text message it receives;
* ``GET /events``: a stream of server-sent events that first sends
  ``event: ready`` (the client is subscribed from then on), then one
  ``data: <text>`` event per message published;
* ``POST /publish``: publishes its text body to every open ``/events`` stream.

Responder publishes through its own ``api.broadcast``; Starlette and Litestar,
which have no in-process broadcast of their own, through ``hub.Hub``, the
smallest fan-out that works (a queue per subscriber).
"""

#: Framework -> the uvicorn target serving its stream app.
TARGETS = {
    "responder": "bench.curves.stream_apps.responder_streams:app",
    "starlette": "bench.curves.stream_apps.starlette_streams:app",
    "litestar": "bench.curves.stream_apps.litestar_streams:app",
}
