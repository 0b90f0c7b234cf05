"""The pet store example (examples/petstore.py) under a real uvicorn, as its docstring says."""

from __future__ import annotations

import httpx2 as httpx

from tests.e2e.server import live_uvicorn

TOKEN = {"Authorization": "Bearer pets-demo-token"}


def test_the_pet_store_lists_adds_fetches_and_removes_pets_over_http():
    with (
        live_uvicorn("examples.petstore:api") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        assert client.get("/pets").json()["total"] == 1
        refused = client.post("/pets", json={"name": "Rex", "species": "dog"})
        assert refused.status_code == 401, server.log()
        assert refused.headers["www-authenticate"].startswith("Bearer")
        bad = client.post("/pets", json={"name": "", "species": "fish"}, headers=TOKEN)
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
        created = client.post("/pets", json={"name": "Rex", "species": "dog"}, headers=TOKEN)
        assert created.status_code == 201, server.log()
        pet_id = created.json()["id"]
        assert client.get(f"/pets/{pet_id}").json()["name"] == "Rex"
        assert client.delete(f"/pets/{pet_id}").status_code == 204
        assert client.get(f"/pets/{pet_id}").status_code == 404
        assert client.get("/owners/ann").json() == {"name": "ann", "email": "ann@example.com"}


def test_the_pet_store_documents_itself_over_http():
    with (
        live_uvicorn("examples.petstore:api") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        schema = client.get("/schema.json").json()
        assert {"/pets", "/pets/{pet_id}", "/owners/{name}"} <= set(schema["paths"])
        assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
        assert schema["paths"]["/pets"]["post"]["security"] == [{"bearerAuth": []}]
        page = client.get("/docs")
        assert page.status_code == 200 and "swagger-ui" in page.text
