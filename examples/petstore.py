"""A documented API: the three ways of describing endpoints, one OpenAPI document.

- pydantic models as ``request_model`` / ``response_model`` (validated too);
- a marshmallow schema registered with ``@api.schema``, referenced from YAML;
- OpenAPI YAML after ``---`` in docstrings.

Adding a pet needs a bearer token (``auth=BearerAuth(...)`` on that route), so
the docs page shows **Authorize**: paste ``pets-demo-token`` there.

Serve it with ``python examples/petstore.py`` and open http://127.0.0.1:5042/docs.
"""

import os
import re

from marshmallow import Schema, fields
from pydantic import BaseModel, Field

import responder
from responder.ext.auth import BearerAuth

#: The token that may add pets (a demo: a real app keeps it out of the code).
DEMO_TOKEN = os.environ.get("PETSTORE_TOKEN", "pets-demo-token")


class Tag(BaseModel):
    """A label on a pet."""

    name: str = Field(min_length=1, max_length=20)


class PetIn(BaseModel):
    """What a client sends to create or replace a pet."""

    name: str = Field(min_length=1, max_length=50)
    species: str = Field(default="cat", pattern="^(cat|dog|bird)$")
    age: int | None = Field(default=None, ge=0, le=100)
    tags: list[Tag] = Field(default_factory=list, max_length=5)


class Pet(PetIn):
    """A stored pet."""

    id: int


class PetList(BaseModel):
    """A page of pets."""

    pets: list[Pet]
    total: int


OWNER_NAME = re.compile("[a-z]{1,30}")


class OwnerSchema(Schema):
    """A pet's owner (documented with marshmallow)."""

    name = fields.Str(required=True)
    email = fields.Email()


def make_api(openapi: str = "3.1.0", **options: object) -> responder.API:
    """Build the pet store; ``openapi`` picks the OpenAPI version of its document."""
    api = responder.API(
        title="Pet Store",
        version="1.0.0",
        description="Pets, their owners, and the three ways of documenting them.",
        terms_of_service="https://example.com/terms",
        contact={"name": "Pet Store team", "email": "pets@example.com"},
        license={"name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        openapi=openapi,
        docs_route="/docs",
        **options,  # type: ignore[arg-type]
    )
    pets: dict[int, Pet] = {1: Pet(id=1, name="Tom", species="cat", age=3)}
    api.schema("Owner")(OwnerSchema)

    @api.route("/pets", methods=["GET"], response_model=PetList)
    def list_pets(req, resp):
        """List every pet."""
        resp.media = {"pets": [p.model_dump() for p in pets.values()], "total": len(pets)}

    @api.route(
        "/pets",
        methods=["POST"],
        check_existing=False,
        request_model=PetIn,
        response_model=Pet,
        status_code=201,
        auth=BearerAuth(
            tokens={DEMO_TOKEN: "staff"},
            description="The pet store's staff token (pets-demo-token in the demo).",
        ),
    )
    async def create_pet(req, resp):
        """Add a pet.

        The body is validated against PetIn; a bad one is a 422. Staff only:
        without the bearer token, a 401.
        """
        data = await req.media()
        pet = Pet(id=max(pets, default=0) + 1, **data)
        if len(pets) < 1000:  # keep the demo's memory bounded
            pets[pet.id] = pet
        resp.media = pet.model_dump()

    @api.route("/pets/{pet_id:int}")
    class PetResource:
        """One pet."""

        def on_get(self, req, resp, *, pet_id):
            """Fetch a pet.

            ---
            responses:
              "200":
                description: The pet.
                content:
                  application/json:
                    schema:
                      $ref: "#/components/schemas/Pet"
              "404":
                description: No such pet.
            """
            if pet_id not in pets:
                raise responder.HTTPNotFound(detail=f"No pet {pet_id}.")
            resp.media = pets[pet_id].model_dump()

        def on_delete(self, req, resp, *, pet_id):
            """Remove a pet.

            ---
            responses:
              "204":
                description: Removed (or never there).
            """
            pets.pop(pet_id, None)
            resp.status_code = 204

    @api.route("/owners/{name}", methods=["GET"])
    def owner(req, resp, *, name):
        """Look up an owner.

        ---
        get:
          summary: Look up an owner by name.
          parameters:
            - name: name
              in: path
              description: The owner's name, in lower-case letters.
              schema:
                type: string
                pattern: "^[a-z]{1,30}$"
          responses:
            "200":
              description: The owner.
              content:
                application/json:
                  schema:
                    $ref: "#/components/schemas/Owner"
        """
        if not OWNER_NAME.fullmatch(name):
            raise responder.HTTPNotFound(detail="Owner names are lower-case letters.")
        resp.media = {"name": name, "email": f"{name}@example.com"}

    @api.route("/health", include_in_schema=False)
    def health(req, resp):
        resp.text = "ok"

    return api


api = make_api()

if __name__ == "__main__":
    api.run()
