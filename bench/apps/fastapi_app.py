"""FastAPI app implementing every scenario in ``bench.scenarios``.

Handlers are written the idiomatic FastAPI way (return values serialized by
FastAPI, body parsed by ``Body``), since that cost is part of using FastAPI.
``response_model=None`` keeps the return annotations from adding response
validation that no other framework here performs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI
from fastapi.responses import PlainTextResponse

# No docs/OpenAPI routes: every app should have the same route table.
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/text", response_class=PlainTextResponse, response_model=None)
async def text() -> str:
    return "Hello, world!"


@app.get("/json", response_model=None)
async def js() -> dict[str, str]:
    return {"message": "Hello, world!"}


@app.get("/items/{item_id}", response_model=None)
async def item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


# FastAPI has no class-based views; the closest idiom is a function on an
# APIRouter included into the app, which is what "resource" measures here.
router = APIRouter()


@router.get("/resource", response_class=PlainTextResponse, response_model=None)
async def resource() -> str:
    return "resource"


app.include_router(router)


@app.post("/echo", response_model=None)
async def echo(payload: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    return payload


@app.get("/sync", response_class=PlainTextResponse, response_model=None)
def sync_view() -> str:
    return "sync"
