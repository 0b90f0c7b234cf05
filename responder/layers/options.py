"""The optional layers' settings: one frozen value, built and checked once.

``API(cors=..., cors_params=..., enable_hsts=..., allowed_hosts=...,
request_id=..., security_headers=...)`` becomes a :class:`LayerOptions` when
the API is created, so a bad ``cors_params`` or ``allowed_hosts`` fails there. It holds the checked
settings themselves (:class:`~.cors.CORSOptions`, :class:`~.hosts.HostPatterns`),
so the stack is later built from it alone, nothing is parsed twice, and no
layer reads the ``API`` object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._records import record

if TYPE_CHECKING:
    from .cors import CORSOptions
    from .hosts import HostPatterns
    from .security import SecurityHeaders

__all__ = ["GZIP_MINIMUM_SIZE", "LayerOptions"]


#: Bodies shorter than this (in bytes) are sent as they are: gzip would not pay off.
#: Here rather than in :mod:`.compression` (its ``MINIMUM_SIZE``): every response
#: compares its body with it, and only a larger one loads the compressor.
GZIP_MINIMUM_SIZE = 500


@record(frozen=True)
class LayerOptions:
    """Which optional layers wrap the app, each with its checked settings.

    Attributes:
        cors: the CORS settings, or None for no CORS layer.
        enable_hsts: redirect to HTTPS and send ``Strict-Transport-Security``.
        allowed_hosts: the trusted hosts, or None for no host check.
        request_id: tag requests and responses with ``X-Request-ID``.
        security: the security headers every response gets, or None for none.
    """

    cors: CORSOptions | None = None
    enable_hsts: bool = False
    allowed_hosts: HostPatterns | None = None
    request_id: bool = False
    security: SecurityHeaders | None = None

    @property
    def any(self) -> bool:
        """Whether any layer is configured (else the app is served bare)."""
        hosts = self.allowed_hosts
        return bool(self.cors or self.enable_hsts or hosts or self.request_id or self.security)

    @classmethod
    def from_settings(
        cls,
        cors: bool = False,
        cors_params: Mapping[str, Any] | None = None,
        enable_hsts: bool = False,
        allowed_hosts: Iterable[str] | None = None,
        request_id: bool = False,
        security_headers: bool | Mapping[str, Any] | None = None,
    ) -> LayerOptions:
        """The options from ``API(...)``'s keywords (``None`` meaning unset).

        Raises:
            ValueError: ``cors_params``, ``allowed_hosts`` or ``security_headers``
                is malformed, has unknown keys, or allows any origin with credentials.
            TypeError: a setting has the wrong type (e.g. a string for a list).
        """
        # Each layer's module is imported only when its setting is given.
        policy = hosts = security = None
        if cors:
            from .cors import CORSOptions

            policy = CORSOptions.from_params(cors_params or {})
        if allowed_hosts is not None:
            from .hosts import HostPatterns

            hosts = HostPatterns(allowed_hosts)
            if not (hosts.allow_any or hosts.exact or hosts.suffixes):
                hosts = None  # an empty list checks nothing, as before
        if security_headers is not None and security_headers is not False:
            from .security import SecurityHeaders

            security = SecurityHeaders.from_setting(security_headers)
        return cls(policy, enable_hsts, hosts, request_id, security)
