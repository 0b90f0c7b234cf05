import asyncio

import graphene
import pytest
import yaml

import responder
from responder.ext import GraphQLView


class Query(graphene.ObjectType):
    hello = graphene.String(name=graphene.String(default_value="stranger"))
    agent = graphene.String()
    slow = graphene.String()
    fail = graphene.String()
    nested = graphene.Field(lambda: Query)

    def resolve_hello(self, info, name):
        return f"Hello {name}"

    def resolve_agent(self, info):
        info.context["response"].headers["X-Seen-By-Resolver"] = "yes"
        return info.context["request"].headers.get("user-agent", "none")

    async def resolve_slow(self, info):
        await asyncio.sleep(0.01)
        return "awaited"

    def resolve_fail(self, info):
        raise ValueError("resolver broke")

    def resolve_nested(self, info):
        return Query()


COUNTER = {"n": 0}


class Increment(graphene.Mutation):
    class Arguments:
        by = graphene.Int(default_value=1)

    value = graphene.Int()

    def mutate(self, info, by):
        COUNTER["n"] += by
        return Increment(value=COUNTER["n"])


class Mutation(graphene.ObjectType):
    increment = Increment.Field()


SCHEMA = graphene.Schema(query=Query, mutation=Mutation)


@pytest.fixture
def api():
    api = responder.API()
    api.graphql("/graphql", schema=SCHEMA)
    return api


def test_get_query(api):
    r = api.requests.get("/graphql", params={"query": '{ hello(name: "GET") }'})
    assert r.status_code == 200
    assert r.json() == {"data": {"hello": "Hello GET"}}


def test_get_with_variables_and_operation_name(api):
    r = api.requests.get(
        "/graphql",
        params={
            "query": "query A($n: String) { hello(name: $n) } query B { agent }",
            "variables": '{"n": "vars"}',
            "operationName": "A",
        },
    )
    assert r.json() == {"data": {"hello": "Hello vars"}}


def test_post_json_with_variables(api):
    r = api.requests.post(
        "/graphql",
        json={"query": "query($n: String) { hello(name: $n) }", "variables": {"n": "JSON"}},
    )
    assert r.json() == {"data": {"hello": "Hello JSON"}}


def test_post_application_graphql(api):
    r = api.requests.post(
        "/graphql", content=b"{ hello }", headers={"Content-Type": "application/graphql"}
    )
    assert r.json() == {"data": {"hello": "Hello stranger"}}


def test_yaml_when_asked(api):
    r = api.requests.post(
        "/graphql", json={"query": "{ hello }"}, headers={"Accept": "application/x-yaml"}
    )
    assert r.headers["content-type"] == "application/x-yaml"
    assert yaml.safe_load(r.text) == {"data": {"hello": "Hello stranger"}}


def test_yaml_request_body_too(api):
    r = api.requests.post(
        "/graphql", content=b"query: '{ hello }'", headers={"Content-Type": "application/x-yaml"}
    )
    assert r.json() == {"data": {"hello": "Hello stranger"}}


def test_mutation_over_post(api):
    before = COUNTER["n"]
    r = api.requests.post("/graphql", json={"query": "mutation { increment(by: 2) { value } }"})
    assert r.json() == {"data": {"increment": {"value": before + 2}}}


def test_mutation_over_get_is_405_with_graphql_errors(api):
    before = COUNTER["n"]
    r = api.requests.get("/graphql", params={"query": "mutation { increment { value } }"})
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"errors": [{"message": "Mutations must be sent with POST."}]}
    assert COUNTER["n"] == before


def test_q_is_an_alias_of_query(api):
    r = api.requests.get("/graphql", params={"q": '{ hello(name: "q") }'})
    assert r.json() == {"data": {"hello": "Hello q"}}
    # A browser sending ?q= wants the answer, not the GraphiQL page.
    r = api.requests.get("/graphql", params={"q": "{ hello }"}, headers={"Accept": "text/html"})
    assert r.json() == {"data": {"hello": "Hello stranger"}}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"query=mutation+%7B+increment+%7B+value+%7D+%7D"),
        ("text/plain", b'{"query": "mutation { increment { value } }"}'),
        ("multipart/form-data; boundary=x", b"--x--\r\n"),
        (None, b'{"query": "mutation { increment { value } }"}'),
    ],
)
def test_bodies_a_browser_sends_cross_site_are_refused(api, content_type, body):
    before = COUNTER["n"]
    headers = {"Content-Type": content_type} if content_type else {}
    r = api.requests.post("/graphql", content=body, headers=headers)
    assert r.status_code == 415
    (error,) = r.json()["errors"]
    assert "cross-site" in error["message"]
    assert COUNTER["n"] == before


def test_resolvers_see_request_and_response(api):
    r = api.requests.post(
        "/graphql", json={"query": "{ agent }"}, headers={"User-Agent": "resolver-test"}
    )
    assert r.json() == {"data": {"agent": "resolver-test"}}
    assert r.headers["x-seen-by-resolver"] == "yes"


def test_async_resolvers(api):
    assert api.requests.post("/graphql", json={"query": "{ slow }"}).json() == {
        "data": {"slow": "awaited"}
    }


def test_execution_errors_come_back_with_data_and_200(api):
    r = api.requests.post("/graphql", json={"query": "{ hello fail }"})
    assert r.status_code == 200
    body = r.json()
    assert body["data"] == {"hello": "Hello stranger", "fail": None}
    assert body["errors"][0]["message"] == "resolver broke"
    assert body["errors"][0]["path"] == ["fail"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"query": "{ hello "}, "Syntax Error"),
        ({"query": "{ nope }"}, "Cannot query field 'nope'"),
        ({"query": "query A { hello } query B { agent }"}, "No operation"),
    ],
)
def test_request_errors_are_400_with_graphql_errors(api, payload, message):
    r = api.requests.post("/graphql", json=payload)
    assert r.status_code == 400
    assert message in r.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"query": ""}, {"query": 5}, {"query": "{ hello }", "variables": [1]}, [1, 2]],
)
def test_malformed_graphql_requests_are_400_with_graphql_errors(api, payload):
    r = api.requests.post("/graphql", json=payload)
    assert r.status_code == 400
    (error,) = r.json()["errors"]
    assert set(error) == {"message"} and error["message"]


def test_body_without_query_says_so_in_errors(api):
    r = api.requests.post("/graphql", json={"variables": {}})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"errors": [{"message": "A GraphQL request needs a 'query' string."}]}


@pytest.mark.parametrize(
    "params", [{}, {"query": ""}, {"query": "{ hello }", "variables": "{not json"}]
)
def test_bad_get_requests_are_400_with_graphql_errors(api, params):
    r = api.requests.get("/graphql", params=params, headers={"Accept": "application/json"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"]


def test_malformed_json_body_is_400_with_graphql_errors(api):
    r = api.requests.post("/graphql", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert "not valid JSON" in r.json()["errors"][0]["message"]


def test_graphql_errors_follow_the_accept_header(api):
    r = api.requests.post("/graphql", json={}, headers={"Accept": "application/x-yaml"})
    assert r.status_code == 400
    assert yaml.safe_load(r.text) == {
        "errors": [{"message": "A GraphQL request needs a 'query' string."}]
    }


def test_depth_limit():
    api = responder.API()
    api.graphql("/graphql", schema=SCHEMA, max_depth=3)
    ok = "{ nested { nested { hello } } }"
    deep = "{ nested { nested { nested { hello } } } }"
    via_fragment = "query { ...F } fragment F on Query { nested { nested { nested { hello } } } }"
    assert api.requests.post("/graphql", json={"query": ok}).status_code == 200
    for query in (deep, via_fragment):
        r = api.requests.post("/graphql", json={"query": query})
        assert r.status_code == 400
        assert "deeper than 3" in r.json()["errors"][0]["message"]


def test_graphiql_for_browsers(api):
    r = api.requests.get("/graphql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "graphiql" in r.text.lower()
    assert "https://cdn.jsdelivr.net/npm/graphiql@4.1.2/graphiql.min.js" in r.text


def test_graphiql_assets_url_is_configurable():
    api = responder.API(docs_assets_url="/vendor/{package}")
    api.graphql("/graphql", schema=SCHEMA)
    page = api.requests.get("/graphql", headers={"Accept": "text/html"}).text
    assert 'src="/vendor/graphiql/graphiql.min.js"' in page
    assert 'src="/vendor/react/umd/react.production.min.js"' in page


def test_graphql_view_class_and_bare_schema_with_add_route():
    api = responder.API()
    api.add_route("/view", GraphQLView(api=api, schema=SCHEMA))
    api.add_route("/bare", SCHEMA)
    for path in ("/view", "/bare"):
        r = api.requests.get(path, params={"query": "{ hello }"})
        assert r.json() == {"data": {"hello": "Hello stranger"}}


def test_other_methods_are_405(api):
    r = api.requests.put("/graphql", json={"query": "{ hello }"})
    assert r.status_code == 405
    assert "POST" in r.headers["allow"]
