"""The app for the attacks that already held: traversal, hosts, CORS, SSE, body and form limits."""

from pathlib import Path

import responder
from responder.media import MultipartHandler

api = responder.API(
    static_dir=str(Path(__file__).parent / "static"),
    allowed_hosts=["127.0.0.1", "localhost"],
    cors=True,
    cors_params={"allow_origins": ["https://app.example.com"]},
    max_request_size=4096,
)
api.media.register(MultipartHandler(max_parts=5, max_field_size=512))


@api.route("/echo", methods=["POST"])
async def echo(req, resp):
    resp.media = {"got": await req.media()}


@api.route("/events")
async def events(req, resp):
    message = req.params.get("msg", "")

    @resp.sse
    async def stream():
        yield {"event": "note", "data": message, "id": message}
