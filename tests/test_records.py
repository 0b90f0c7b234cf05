"""``@record`` behaves as ``@dataclass`` does, for the features the package uses."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from responder._records import _record
from responder.health import HealthOptions
from responder.resources.spec import RouteSpec


def make_classes(decorate: Any) -> dict[str, type]:
    """The same classes, built by ``dataclass`` or by ``record``."""

    @decorate(frozen=True, slots=True)
    class Spec:
        path: str
        tags: tuple[str, ...] = ()
        options: dict[str, Any] = dataclasses.field(default_factory=dict)

    @decorate(frozen=True)
    class Checked:
        name: str
        hidden: int = dataclasses.field(default=0, repr=False, compare=False)

        def __post_init__(self) -> None:
            if not self.name:
                raise ValueError("a name, please")

    @decorate
    class Node:
        children: list[Any] = dataclasses.field(default_factory=list)

    @decorate(eq=False)
    class Plain:
        value: int = 0

    return {"Spec": Spec, "Checked": Checked, "Node": Node, "Plain": Plain}


DATACLASSES = make_classes(dataclasses.dataclass)
RECORDS = make_classes(_record)


def both(name: str) -> list[type]:
    return [DATACLASSES[name], RECORDS[name]]


def outcome(call: Any) -> Any:
    """What ``call()`` gives, or the exception's type and message."""
    try:
        return call()
    except Exception as exc:  # the outcome is compared
        return type(exc), str(exc)


@pytest.mark.parametrize(
    "call",
    [
        lambda cls: cls("/a"),
        lambda cls: cls("/a", ("x",), {"k": 1}),
        lambda cls: cls(path="/a", options={}),
        lambda cls: cls(),
        lambda cls: cls("/a", (), {}, 4),
        lambda cls: cls("/a", path="/b"),
        lambda cls: cls("/a", nope=1),
        lambda cls: cls("/a") == cls("/a", (), {}),
        lambda cls: cls("/a") == cls("/b"),
        lambda cls: cls("/a").__eq__("/a"),
        lambda cls: hash(cls("/a", ("t",))) == hash(cls("/a", ("t",))),
        lambda cls: dataclasses.replace(cls("/a"), tags=("t",)),
        lambda cls: dataclasses.asdict(cls("/a", ("t",))),
        lambda cls: [f.name for f in dataclasses.fields(cls)],
        lambda cls: cls.__match_args__,
        lambda cls: cls.__doc__,
        lambda cls: str(inspect.signature(cls)),
        lambda cls: pickle.loads(pickle.dumps(cls("/a", ("t",)))),
        lambda cls: copy.deepcopy(cls("/a", (), {"k": [1]})),
        lambda cls: setattr(cls("/a"), "path", "/b"),
        lambda cls: delattr(cls("/a"), "path"),
    ],
)
def test_a_frozen_slotted_record_answers_as_the_dataclass(call):
    made, recorded = (outcome(lambda cls=cls: call(cls)) for cls in both("Spec"))
    assert repr(made) == repr(recorded)


def test_repr_and_equality_leave_out_the_fields_that_say_so():
    for cls in both("Checked"):
        assert repr(cls("a", 1)) == f"{cls.__qualname__}(name='a')"
        assert cls("a", 1) == cls("a", 2) and hash(cls("a", 1)) == hash(cls("a", 2))
        with pytest.raises(ValueError, match="a name, please"):
            cls("")


def test_a_mutable_record_is_unhashable_and_one_without_eq_compares_by_identity():
    for node, plain in zip(both("Node"), both("Plain"), strict=True):
        first = node()
        first.children.append(1)
        assert first == node([1]) and node().children is not node().children
        assert node.__hash__ is None
        assert plain(1) != plain(1) and hash(plain(1)) != 0
        assert repr(plain(2)) == f"{plain.__qualname__}(value=2)"


def test_a_record_that_contains_itself_repr_stops():
    for node in both("Node"):
        looped = node()
        looped.children.append(looped)
        assert repr(looped) == f"{node.__qualname__}(children=[...])"


def test_the_packages_records_are_still_dataclasses():
    spec = RouteSpec("/items", methods=("GET",))
    assert dataclasses.is_dataclass(spec) and spec == RouteSpec("/items", ("GET",))
    assert dataclasses.replace(spec, path="/other").path == "/other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.path = "/x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):  # (a slotted dataclass: TypeError)
        spec.other = 1  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="status_code must be an int"):
        RouteSpec("/items", status_code=99)
    assert repr(HealthOptions("/health")) == (
        "HealthOptions(health_route='/health', ready_route=None, shutdown_delay=0.0)"
    )


def test_the_observability_options_are_a_checked_record():
    from responder.observability import ObservabilityOptions

    options = ObservabilityOptions("/metrics", True, "json")
    assert dataclasses.is_dataclass(options)
    assert options == ObservabilityOptions(
        metrics_route="/metrics", enable_logging=True, log_format="json"
    )
    assert repr(ObservabilityOptions()) == (
        "ObservabilityOptions(metrics_route=None, enable_logging=False, log_format='text',"
        " log_batch=False)"
    )
    with pytest.raises(ValueError, match="metrics_route"):  # __post_init__ still checks
        ObservabilityOptions("metrics")
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.log_format = "text"  # type: ignore[misc]
