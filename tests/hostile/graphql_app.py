"""A GraphQL API for the hostile suite: the default limits, small limits, and probes.

``/graphql`` has the default limits; ``/small`` has small ones, so each limit's
edge can be reached with a short query. ``nested`` counts its calls (``/calls``)
so a test can tell that a refused query ran nothing. ``block`` is a sync
resolver that waits until ``/release`` is called, so a test can hold a GraphQL
request in progress and see that ``/ping`` is still answered meanwhile.
"""

import threading

import graphene
from graphene.types.generic import GenericScalar

import responder

CALLS = {"nested": 0}
STARTED = threading.Event()
RELEASE = threading.Event()


class Query(graphene.ObjectType):
    hello = graphene.String()
    nested = graphene.Field(lambda: Query)
    accepts = graphene.Boolean(value=GenericScalar())
    block = graphene.String()

    def resolve_hello(self, info):
        return "hi"

    def resolve_nested(self, info):
        CALLS["nested"] += 1
        return Query()

    def resolve_accepts(self, info, value=None):
        return True

    def resolve_block(self, info):
        STARTED.set()
        released = RELEASE.wait(timeout=10)  # never forever, whatever the test does
        return "released" if released else "timed out"


class Touch(graphene.Mutation):
    ok = graphene.Boolean()

    def mutate(self, info):
        CALLS["touch"] = CALLS.get("touch", 0) + 1
        return Touch(ok=True)


class Mutation(graphene.ObjectType):
    touch = Touch.Field()


SCHEMA = graphene.Schema(query=Query, mutation=Mutation)

SMALL_LIMITS = {
    "max_query_size": 200,
    "max_tokens": 40,
    "max_depth": 3,
    "max_fields": 8,
    "max_aliases": 2,
    "max_variables_depth": 2,
    "max_variable_values": 5,
    "max_validation_cost": 12,
}

api = responder.API()
api.graphql("/graphql", schema=SCHEMA)
api.graphql("/small", schema=SCHEMA, **SMALL_LIMITS)


@api.route("/ping")
def ping(req, resp):
    resp.text = "pong"


@api.route("/calls")
def calls(req, resp):
    resp.media = CALLS


@api.route("/started")
async def started(req, resp):
    resp.media = {"started": STARTED.is_set()}


@api.route("/release")
async def release(req, resp):
    RELEASE.set()
    resp.text = "released"
