"""GraphQL limits: configured on api.graphql, measured as documented, cheap to check.

The same limits are tried over a live server, against hostile queries and at
each edge, in tests/hostile/test_graphql.py.
"""

import re
import threading
from pathlib import Path

import graphene
import pytest
from graphql import get_introspection_query, parse

import responder
from responder.ext import graphql_limits
from responder.ext.graphql import GraphQLLimits, GraphQLView
from responder.ext.graphql_limits import document_errors, variables_errors

DOCS = Path(__file__).resolve().parents[2] / "docs" / "graphql.md"


class Query(graphene.ObjectType):
    hello = graphene.String()
    nested = graphene.Field(lambda: Query)
    thread = graphene.String()

    def resolve_hello(self, info):
        return "hi"

    def resolve_nested(self, info):
        return Query()

    def resolve_thread(self, info):
        return threading.current_thread().name


SCHEMA = graphene.Schema(query=Query)


def nested(levels):
    return "{ " + "nested { " * (levels - 1) + "hello" + " }" * (levels - 1) + " }"


def messages(query, **limits):
    return [error.message for error in document_errors(parse(query), GraphQLLimits(**limits))]


def post(api, query, path="/graphql"):
    return api.requests.post(path, json={"query": query})


def api_with(**limits):
    api = responder.API()
    api.graphql("/graphql", schema=SCHEMA, **limits)
    return api


def refusal(api, query):
    """The errors of a query that must be refused with a 400."""
    r = post(api, query)
    assert r.status_code == 400
    return r.json()["errors"]


@pytest.mark.parametrize(
    ("limits", "error"),
    [
        ({"max_depth": 0}, ValueError),
        ({"max_fields": -1}, ValueError),
        ({"max_tokens": "5000"}, ValueError),
        ({"max_aliases": True}, ValueError),
        ({"max_deepness": 3}, TypeError),
    ],
)
def test_bad_limits_are_refused_at_registration(limits, error):
    with pytest.raises(error):
        responder.API().graphql("/graphql", schema=SCHEMA, **limits)


def test_every_limit_and_its_default_is_in_the_docs():
    rows = dict(re.findall(r"^\| `(max_\w+)` \| ([\d,]+) \|", DOCS.read_text(), re.MULTILINE))
    defaults = {name: f"{value:,}" for name, value in vars(GraphQLLimits()).items()}
    assert rows == defaults


def test_limits_are_configured_per_endpoint():
    api = responder.API()
    api.graphql("/strict", schema=SCHEMA, max_depth=2)
    api.graphql("/open", schema=SCHEMA, max_depth=None)
    assert post(api, nested(2), "/strict").status_code == 200
    assert post(api, nested(3), "/strict").status_code == 400
    assert post(api, nested(40), "/open").json()["data"] is not None


def test_a_view_built_by_hand_takes_the_same_limits():
    api = responder.API()
    api.add_route("/graphql", GraphQLView(api=api, schema=SCHEMA, max_aliases=1))
    (error,) = refusal(api, "{ a: hello b: hello }")
    assert error["message"] == "The query uses 2 aliases, more than 1."


def test_a_refusal_names_the_operation_and_points_at_it():
    (error,) = refusal(api_with(max_depth=2), "query Deep { nested { nested { hello } } }")
    assert error == {
        "message": "Operation 'Deep' is nested 3 levels deep, deeper than 2.",
        "locations": [{"line": 1, "column": 1}],
    }


def test_a_fragment_spread_is_a_level_and_its_fragment_counts_where_it_is_spread():
    query = "{ nested { ...F } } fragment F on Query { nested { hello } }"
    assert messages(query, max_depth=4) == []
    assert messages(query, max_depth=3) == ["The query is nested 4 levels deep, deeper than 3."]


def test_fields_and_aliases_are_counted_as_the_spreads_expand():
    query = "{ ...A ...A ...A } fragment A on Query { x: hello y: hello ...B ...B } " + (
        "fragment B on Query { hello }"
    )
    # A is 2 aliased fields + 2 x B (1 field) = 4 fields; spread 3 times: 12 fields, 6 aliases.
    assert messages(query, max_fields=12, max_aliases=6) == []
    assert messages(query, max_fields=11, max_aliases=5) == [
        "The query selects 12 fields (fragments counted each time they are spread), more than 11.",
        "The query uses 6 aliases, more than 5.",
    ]


def test_each_fragment_is_measured_once_however_often_it_is_spread(monkeypatch):
    links = 200  # 2**200 fields if expanded
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(links))
    document = parse(f"{{ ...F0 }} {chain} fragment F{links} on Query {{ hello }}")
    totals = []
    real_total = graphql_limits._total
    monkeypatch.setattr(
        graphql_limits, "_total", lambda *args: totals.append(1) or real_total(*args)
    )
    errors = document_errors(document, GraphQLLimits(max_depth=None))
    assert len(totals) == links + 2  # every fragment once, and the operation
    assert [e.message for e in errors] == [
        "The query selects too many fields (fragments counted each time they are spread), "
        "more than 1000."
    ]


@pytest.mark.parametrize(
    "query",
    [
        "{ ...A } fragment A on Query { ...A }",
        "{ ...A } fragment A on Query { nested { ... on Query { ...B } } } "
        "fragment B on Query { ...A }",
    ],
)
def test_fragment_cycles_are_refused_not_followed(query):
    (message,) = messages(query)
    assert message.endswith("spreads itself, directly or through others.")


def test_an_unknown_fragment_is_left_to_graphql_validation():
    (error,) = refusal(api_with(), "{ ...Missing }")
    assert error["message"] == "Unknown fragment 'Missing'."


def test_introspection_is_not_held_to_the_depth_limit_but_graphql_core_bounds_it():
    api = api_with(max_depth=3)
    r = post(api, get_introspection_query(descriptions=True, input_value_deprecation=True))
    assert r.status_code == 200
    assert r.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    deep = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    (error,) = refusal(api, deep)
    assert error["message"] == "Maximum introspection depth exceeded"


def test_a_query_over_the_byte_limit_is_measured_in_utf8():
    api = api_with(max_query_size=20)
    assert post(api, "{ hello } # éééé").status_code == 200  # 16 characters, 20 bytes
    errors = refusal(api, "{ hello } # ééééé")  # 17 characters, 22 bytes
    assert errors == [{"message": "The query is over the limit of 20 bytes."}]


@pytest.mark.parametrize(
    ("variables", "error"),
    [
        ({"a": [[1], {"b": 2}]}, None),  # a, [1], {b}, 1, 2: 5 values, 2 deep
        ({"a": [[[1]]]}, "The variables nest deeper than 2 levels."),
        ({"a": {"b": {"c": {"d": 1}}}}, "The variables nest deeper than 2 levels."),
        ({"a": [1, 2, 3], "b": "x"}, None),  # a, its 3 items, b: 5 values
        ({"a": [1, 2, 3, 4], "b": "x"}, "The variables hold more than 5 values."),
        ({"a": list(range(10**6))}, "The variables hold more than 5 values."),
    ],
)
def test_variables_depth_and_values(variables, error):
    limits = GraphQLLimits(max_variables_depth=2, max_variable_values=5)
    assert [e.message for e in variables_errors(variables, limits)] == ([error] if error else [])


@pytest.mark.parametrize("charset", ["utf-8", "UTF8", '"utf-8"'])
def test_application_graphql_in_utf8_is_read(charset):
    api = api_with()
    headers = {"Content-Type": f"application/graphql; charset={charset}"}
    r = api.requests.post("/graphql", content="{ hello } # ü".encode(), headers=headers)
    assert r.json() == {"data": {"hello": "hi"}}


def test_sync_resolvers_run_in_the_worker_pool_not_on_the_event_loop():
    name = post(api_with(), "{ thread }").json()["data"]["thread"]
    assert name.startswith("responder")


def test_charset_names_clients_make_up_do_not_grow_pythons_codec_cache():
    # The application/graphql charset check goes through the same guarded lookup
    # as every other body: a made-up name is never handed to codecs.lookup.
    import encodings

    api = api_with()
    headers = {"Content-Type": "application/graphql; charset=x-warm-up"}
    api.requests.post("/graphql", content=b"{ __typename }", headers=headers)
    before = len(encodings._cache)
    for i in range(100):
        headers = {"Content-Type": f"application/graphql; charset=x-made-up-{i}"}
        r = api.requests.post("/graphql", content=b"{ __typename }", headers=headers)
        assert r.status_code == 415 and r.json()["errors"]
    assert len(encodings._cache) == before
