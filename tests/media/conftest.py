"""Fixtures shared by the media tests."""

import pytest

import responder


@pytest.fixture
def mirror_api():
    """An API whose ``/echo`` answers with the decoded body, in the negotiated format."""
    api = responder.API()

    @api.route("/echo")
    async def echo(req, resp):
        resp.media = await req.media()

    return api
