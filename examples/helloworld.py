"""The README's example: a few routes that show the shape of a Responder app.

Serve it with ``python examples/helloworld.py`` and try::

    curl http://127.0.0.1:5042/
    curl http://127.0.0.1:5042/hello/world
    curl http://127.0.0.1:5042/add/3/4
    curl -X POST http://127.0.0.1:5042/echo -H 'Content-Type: application/json' -d '{"k": 1}'
"""

import responder

api = responder.API()


@api.route("/")
def index(req, resp):
    resp.text = "hello, world!"


@api.route("/hello/{who}")
def hello(req, resp, *, who):
    resp.media = {"hello": who}


@api.route("/add/{a:int}/{b:int}")
async def add(req, resp, *, a, b):
    resp.media = {"result": a + b}


@api.route("/echo", methods=["POST"])
async def echo(req, resp):
    resp.media = {"received": await req.media()}


TITLES = {1: "Dune"}  # the data outlives requests; the resource instances do not


@api.route("/books/{book_id:int}")
class Book:
    """A class resource: a new instance answers each request, as in Responder 3.3."""

    def on_get(self, req, resp, *, book_id):
        if book_id not in TITLES:
            raise responder.HTTPNotFound(detail=f"No book {book_id}.")
        resp.media = {"id": book_id, "title": TITLES[book_id]}

    async def on_put(self, req, resp, *, book_id):
        TITLES[book_id] = (await req.media())["title"]
        resp.status_code = api.status_codes.HTTP_204


if __name__ == "__main__":
    api.run()
