"""The optional layers' settings: one frozen value, built and checked once.

``API(cors=..., cors_params=..., enable_hsts=..., allowed_hosts=...,
request_id=...)`` becomes a :class:`LayerOptions` when the API is created, so a
bad ``cors_params`` or ``allowed_hosts`` fails there; the stack is later built
from it alone, and no layer reads the ``API`` object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .cors import CORSPolicy
from .hosts import HostPatterns

__all__ = ["LayerOptions"]


@dataclass(frozen=True)
class LayerOptions:
    """Which optional layers wrap the app, with their settings.

    Raises:
        ValueError: ``cors_params`` or ``allowed_hosts`` is malformed, has
            unknown keys, or allows any origin with credentials.
        TypeError: a setting has the wrong type (e.g. a string for a list).
    """

    cors: bool = False
    cors_params: Mapping[str, Any] = field(default_factory=dict)
    enable_hsts: bool = False
    allowed_hosts: tuple[str, ...] = ()
    request_id: bool = False

    def __post_init__(self) -> None:
        if self.cors:
            CORSPolicy.from_params(self.cors_params)
        if self.allowed_hosts:
            HostPatterns(self.allowed_hosts)

    @classmethod
    def from_settings(
        cls,
        *,
        cors: bool = False,
        cors_params: Mapping[str, Any] | None = None,
        enable_hsts: bool = False,
        allowed_hosts: Iterable[str] | None = None,
        request_id: bool = False,
    ) -> LayerOptions:
        """The options from ``API(...)``'s keywords (``None`` meaning unset)."""
        if isinstance(allowed_hosts, (str, bytes)):
            HostPatterns(allowed_hosts)  # refuses a lone string with its own message
        hosts = tuple(allowed_hosts or ())
        return cls(cors, dict(cors_params or {}), enable_hsts, hosts, request_id)
