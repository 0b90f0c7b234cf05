"""The quick start's closing example: the routes the guide builds, in one file.

Serve it with ``python examples/quickstart.py`` and try::

    curl http://127.0.0.1:5042/
    curl http://127.0.0.1:5042/hello/world
    curl http://127.0.0.1:5042/add/3/4
    curl -X POST http://127.0.0.1:5042/echo -H 'Content-Type: application/json' \
        -d '{"key": "value"}'
"""

import responder

api = responder.API()


@api.route("/")
def index(req, resp):
    resp.text = "Welcome to the API"


@api.route("/hello/{name}")
def greet(req, resp, *, name):
    resp.media = {"message": f"hello, {name}!"}


@api.route("/add/{a:int}/{b:int}")
def add(req, resp, *, a, b):
    resp.media = {"result": a + b}


@api.route("/echo", methods=["POST"])
async def echo(req, resp):
    data = await req.media()
    resp.media = {"received": data}


if __name__ == "__main__":
    api.run()
