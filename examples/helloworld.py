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


@api.route("/books/{book_id:int}")
class Book:
    """A class resource: one instance answers every method it defines."""

    def __init__(self):
        self.titles = {1: "Dune"}

    def on_get(self, req, resp, *, book_id):
        if book_id not in self.titles:
            raise responder.HTTPNotFound(detail=f"No book {book_id}.")
        resp.media = {"id": book_id, "title": self.titles[book_id]}

    async def on_put(self, req, resp, *, book_id):
        self.titles[book_id] = (await req.media())["title"]
        resp.status_code = api.status_codes.HTTP_204


if __name__ == "__main__":
    api.run()
