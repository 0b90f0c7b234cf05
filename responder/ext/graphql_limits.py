"""Limits that keep one GraphQL request from costing a worker more than a bounded amount.

The work a GraphQL document asks for can grow much faster than the document:
a chain of fragments that each spread the next one twice doubles at every
link, and ten aliased children seven levels deep expand to ten million
fields. So every check here costs time linear in the document, and the
cheap ones come first:

1. the query's size in bytes, before anything reads it;
2. the number of tokens, which graphql-core's parser counts as it goes and
   stops at (comments included);
3. for each operation, how deep it nests, how many fields it selects and how
   many aliases it uses, counting each fragment where it is spread, as the
   product the spreads expand to. Each fragment is measured once
   (memoized) and the spreads are resolved in dependency order, without
   expanding anything and without recursion, so a fragment cycle is found
   rather than followed;
4. the ``variables``: how deeply they nest and how many values they hold;
5. graphql-core's own validation, which runs only on documents that passed
   the checks above, with its one rule whose work can grow with the square
   of the document (that same-named fields can be merged) held to a budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import OverlappingFieldsCanBeMergedRule

__all__ = [
    "GraphQLLimits",
    "document_errors",
    "parse_query",
    "standard_rules",
    "validation_errors",
    "variables_errors",
]

#: Introspection's entry points. Their subtrees are left out of the depth (the
#: standard introspection query nests 18 levels, counting its fragment spreads);
#: graphql-core's ``MaxIntrospectionDepthRule`` bounds how they nest instead.
_INTROSPECTION = frozenset({"__schema", "__type"})

#: Counts saturate here: a document can name more fields than any limit, and
#: the product of a long fragment chain need not become a thousand-digit integer.
_CEILING = 10**15


@dataclass(frozen=True)
class GraphQLLimits:
    """What one GraphQL request may ask for; ``None`` turns a limit off.

    Args:
        max_query_size: bytes of query text (UTF-8), checked before parsing.
        max_tokens: tokens the parser reads (names, punctuation, strings,
            comments) before it gives up.
        max_depth: how deeply selections nest. Each field with a selection
            counts a level, and so does each fragment spread; introspection
            (``__schema``, ``__type``) is bounded by graphql-core instead.
        max_fields: fields an operation selects, each fragment counted every
            time it is spread (so the count is what the query expands to).
        max_aliases: aliased fields an operation selects, counted the same way.
        max_variables_depth: how deeply lists and objects in ``variables`` nest.
        max_variable_values: values in ``variables`` (every number, string,
            list item and object member counts one).
        max_validation_cost: the work graphql-core may spend checking that
            fields with the same name can be merged, in its own units (two
            per pair of fields compared).
    """

    max_query_size: int | None = 65_536
    max_tokens: int | None = 3_000
    max_depth: int | None = 15
    max_fields: int | None = 1_000
    max_aliases: int | None = 50
    max_variables_depth: int | None = 32
    max_variable_values: int | None = 10_000
    max_validation_cost: int | None = 30_000

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            valid = value is None or (type(value) is int and value > 0)
            if not valid:
                raise ValueError(f"{field.name} must be a positive int or None, not {value!r}")


def parse_query(query: str, limits: GraphQLLimits) -> DocumentNode:
    """Parse ``query`` within the size and token limits.

    Raises:
        GraphQLError: the query is over a limit, nests too deeply for the
            parser, or has a syntax error.
    """
    limit = limits.max_query_size
    if limit is not None and _utf8_size_over(query, limit):
        raise GraphQLError(f"The query is over the limit of {limit} bytes.")
    return parse(query, max_tokens=limits.max_tokens)


def _utf8_size_over(text: str, limit: int) -> bool:
    """Whether ``text`` takes more than ``limit`` bytes in UTF-8, encoding it only if need be."""
    # PERF: a character is 1 to 4 bytes, so the length alone settles most cases.
    if len(text) > limit:
        return True
    if len(text) * 4 <= limit or text.isascii():
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit


class _Cost(NamedTuple):
    """What a selection set asks for: nesting depth, fields and aliases."""

    depth: int
    fields: int
    aliases: int


class _Body(NamedTuple):
    """One definition's own cost, and the fragments it spreads (with the level of each)."""

    cost: _Cost
    spreads: list[tuple[str, int | None]]


class _CycleError(Exception):
    """A fragment spreads itself, directly or through other fragments."""


def document_errors(document: DocumentNode, limits: GraphQLLimits) -> list[GraphQLError]:
    """Every operation of ``document`` measured against the depth, field and alias limits.

    Linear in the document: each definition is walked once, each fragment's
    cost computed once and reused wherever it is spread.
    """
    fragments: dict[str, _Body] = {}
    operations: list[tuple[OperationDefinitionNode, _Body]] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, _body(definition.selection_set))
        elif isinstance(definition, OperationDefinitionNode):
            operations.append((definition, _body(definition.selection_set)))
    try:
        resolved = _resolve(fragments)
    except _CycleError as error:
        return [GraphQLError(f"Fragment {error} spreads itself, directly or through others.")]
    errors: list[GraphQLError] = []
    for operation, body in operations:
        errors.extend(_over_limits(operation, _total(body, resolved), limits))
    return errors


def _over_limits(
    operation: OperationDefinitionNode, cost: _Cost, limits: GraphQLLimits
) -> Iterator[GraphQLError]:
    """An error for each limit ``cost`` is over, pointing at the operation."""
    name = f"Operation {operation.name.value!r}" if operation.name else "The query"
    if limits.max_depth is not None and cost.depth > limits.max_depth:
        yield GraphQLError(
            f"{name} is nested {cost.depth} levels deep, deeper than {limits.max_depth}.",
            operation,
        )
    if limits.max_fields is not None and cost.fields > limits.max_fields:
        yield GraphQLError(
            f"{name} selects {_count(cost.fields)} fields (fragments counted each time they "
            f"are spread), more than {limits.max_fields}.",
            operation,
        )
    if limits.max_aliases is not None and cost.aliases > limits.max_aliases:
        yield GraphQLError(
            f"{name} uses {_count(cost.aliases)} aliases, more than {limits.max_aliases}.",
            operation,
        )


def _count(number: int) -> str:
    return "too many" if number >= _CEILING else str(number)


def _body(selection_set: SelectionSetNode) -> _Body:
    """Walk one definition (iteratively: nesting is bounded only by the parser)."""
    depth = count = aliases = 0
    spreads: list[tuple[str, int | None]] = []
    # (selection set, level of the field that owns it, inside introspection)
    stack: list[tuple[SelectionSetNode, int, bool]] = [(selection_set, 0, False)]
    while stack:
        node, level, meta = stack.pop()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                count += 1
                aliases += selection.alias is not None
                inner = level if meta else level + 1
                depth = max(depth, inner)
                if selection.selection_set is not None:
                    nested = meta or selection.name.value in _INTROSPECTION
                    stack.append((selection.selection_set, inner, nested))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, level, meta))
            elif isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, None if meta else level))
    return _Body(_Cost(depth, count, aliases), spreads)


def _total(body: _Body, resolved: dict[str, _Cost]) -> _Cost:
    """A definition's cost with its spreads replaced by the fragments' resolved costs."""
    depth, count, aliases = body.cost
    for name, level in body.spreads:
        cost = resolved.get(name)
        if cost is None:
            continue  # an unknown fragment: graphql-core's validation names it
        count = min(count + cost.fields, _CEILING)
        aliases = min(aliases + cost.aliases, _CEILING)
        if level is not None:  # a spread is a level of its own
            depth = max(depth, level + 1 + cost.depth)
    return _Cost(depth, count, aliases)


def _resolve(fragments: dict[str, _Body]) -> dict[str, _Cost]:
    """Each fragment's cost, spreads included, in dependency order (an iterative DFS).

    Raises:
        _CycleError: a fragment spreads itself; the message is its name.
    """
    resolved: dict[str, _Cost] = {}
    open_: set[str] = set()  # entered, not finished: the current path
    for start in fragments:
        stack = [start]
        while stack:
            name = stack[-1]
            if name in resolved or name not in fragments:
                stack.pop()
                continue
            body = fragments[name]
            if name in open_:  # every fragment it spreads is resolved now
                open_.discard(name)
                resolved[name] = _total(body, resolved)
                stack.pop()
                continue
            open_.add(name)
            for child, _ in body.spreads:
                if child in open_:
                    raise _CycleError(repr(child))
                if child not in resolved:
                    stack.append(child)
    return resolved


def variables_errors(
    variables: dict[str, Any] | None, limits: GraphQLLimits
) -> list[GraphQLError]:
    """Errors if ``variables`` nest deeper or hold more values than the limits allow.

    Iterative and stops at the first limit crossed, so a hostile value costs
    no more than the limits allow.
    """
    if not variables:
        return []
    max_depth = limits.max_variables_depth
    max_values = limits.max_variable_values
    stack: list[tuple[Any, int]] = [(value, 1) for value in variables.values()]
    count = len(stack)
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if max_depth is not None and depth > max_depth:
            return [GraphQLError(f"The variables nest deeper than {max_depth} levels.")]
        count += len(children)
        if max_values is not None and count > max_values:
            return [GraphQLError(f"The variables hold more than {max_values} values.")]
        stack.extend((child, depth + 1) for child in children)
    return []


#: What graphql-core says when a budget runs out, and what the client reads instead.
_ABORTED = "Validation aborted."
_TOO_COSTLY = (
    "The query costs too much to validate (the same fields selected too many times "
    "in one place); validation was stopped."
)


def standard_rules(budget: int | None) -> list[type[ASTValidationRule]]:
    """graphql-core's specified rules, the field-merging one held to ``budget`` units.

    Built once per view. graphql-core's own budget for that rule is a
    process-wide setting (half a million units, most of a second of CPU);
    this one is per view and lower.
    """
    if budget is None:
        return list(specified_rules)

    class BudgetedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
        """Fields with the same response name can be merged, checked within a budget."""

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            shared = getattr(self, "rule_context", None)
            if hasattr(shared, "remaining_complexity_budget"):  # graphql-core >= 3.2.14
                shared.remaining_complexity_budget = budget  # type: ignore[union-attr]

    return [
        BudgetedOverlappingFieldsRule if rule is OverlappingFieldsCanBeMergedRule else rule
        for rule in specified_rules
    ]


def validation_errors(
    schema: Any, document: DocumentNode, rules: list[type[ASTValidationRule]]
) -> list[GraphQLError]:
    """graphql-core's validation with ``rules``; a spent budget said in plain words."""
    errors = validate(schema, document, rules)
    return [GraphQLError(_TOO_COSTLY) if e.message == _ABORTED else e for e in errors]
