"""The API's observability settings and the pieces built from them.

``API(metrics_route=..., enable_logging=..., log_format=...)`` becomes an
:class:`ObservabilityOptions`, checked when the API is created; the API's
:class:`Observability` (``api.observability``) builds the metrics (importing
prometheus-client only then), the access log and, once
``responder.ext.otel.install`` gives it a tracer, the layer that reports to
all three (:class:`responder.layers.observe.ObserveLayer`). An API with none
of them gets no layer: it pays nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._records import record
from .types import ASGIApp

if TYPE_CHECKING:
    from ._access_batch import AccessBatch
    from .layers.observe import Tracer
    from .log import AccessLog, RequestLogger
    from .metrics import Metrics

__all__ = ["Observability", "ObservabilityOptions", "ObservabilityRegistration"]


@record(frozen=True)
class ObservabilityOptions:
    """Metrics and logging settings, checked once.

    Attributes:
        metrics_route: where Prometheus scrapes, or None for no metrics.
        enable_logging: one access line per request, and request fields on log records.
        log_format: ``"text"`` or ``"json"`` (one JSON object per line).
        log_batch: write the access lines of the requests that end in one turn
            of the event loop together, at the end of that turn (see
            :mod:`responder._access_batch`).

    Raises:
        ValueError: the route does not start with ``/``, the format is unknown
            or ``log_batch`` is not a bool.
    """

    metrics_route: str | None = None
    enable_logging: bool = False
    log_format: str = "text"
    log_batch: bool = False

    def __post_init__(self) -> None:
        route = self.metrics_route
        if route is not None and (not isinstance(route, str) or not route.startswith("/")):
            raise ValueError(f"metrics_route must be a path starting with '/', not {route!r}.")
        if self.log_format != "text":  # the default needs no look at responder.log
            from .log import LOG_FORMATS

            if self.log_format not in LOG_FORMATS:
                raise ValueError(f"log_format must be 'text' or 'json', not {self.log_format!r}.")
        if not isinstance(self.log_batch, bool):
            raise ValueError(f"log_batch must be True or False, not {self.log_batch!r}.")


class Observability:
    """What observes the API's requests: metrics, the access log, a tracer.

    Args:
        options: the checked settings.
    """

    def __init__(self, options: ObservabilityOptions) -> None:
        self.options = options
        self.metrics: Metrics | None = None
        self.access_log: AccessLog | None = None
        self.tracer: Tracer | None = None
        self._logger: RequestLogger | None = None
        self._lines: AccessBatch | None = None  # the access lines' batch, with log_batch
        #: Freeze the heap once started (``gc.freeze``): ``otel.install(freeze_heap=)``.
        self.freeze_heap = False
        if options.metrics_route is not None:
            # Imported here so that an API without metrics never loads prometheus-client.
            from .metrics import Metrics

            self.metrics = Metrics()
        if options.enable_logging:
            # Imported here: an API that does not log loads responder.log with api.log only.
            from .log import AccessLog, configure

            self.access_log = AccessLog()
            configure(options.log_format)

    @classmethod
    def of(
        cls, metrics_route: str | None, enable_logging: bool, log_format: str, log_batch: bool
    ) -> Observability:
        """Check ``API(...)``'s settings and build what they ask for.

        Raises:
            ValueError: see :class:`ObservabilityOptions`.
        """
        return cls(ObservabilityOptions(metrics_route, enable_logging, log_format, log_batch))

    @property
    def any(self) -> bool:
        """Whether anything observes requests (else no layer is built)."""
        return self.metrics is not None or self.access_log is not None or self.tracer is not None

    def routes(self) -> list[tuple[str, Any]]:
        """The ``(path, view)`` pairs the API adds: the metrics route, if any."""
        if self.metrics is None or self.options.metrics_route is None:
            return []
        return [(self.options.metrics_route, self.metrics.view)]

    def layer(self, app: ASGIApp, request_ids: bool = False) -> ASGIApp:
        """``app`` wrapped in the observing layer, or ``app`` itself when nothing observes.

        With ``request_ids``, the observing layer also assigns request IDs
        (the caller then adds no request-ID layer of its own); when nothing
        observes, that is the request-ID layer alone.
        """
        # Imported here: an API that observes nothing never loads the layer.
        from .layers.observe import ObserveLayer
        from .layers.request_id import RequestIDLayer

        if not self.any:
            return RequestIDLayer(app) if request_ids else app
        recorder = self.metrics.recorder if self.metrics is not None else None
        lines: AccessLog | AccessBatch | None = self.access_log
        if self.access_log is not None and self.options.log_batch:
            from ._access_batch import AccessBatch

            lines = self._lines = AccessBatch(self.access_log)
        return ObserveLayer(app, recorder, lines, self.tracer, request_ids, self.freeze_heap)

    def install_tracer(self, tracer: Tracer, built: bool, freeze_heap: bool = False) -> None:
        """Trace requests with ``tracer`` (``responder.ext.otel.install``).

        With ``freeze_heap``, the heap is frozen once the app has started
        (see :func:`responder.layers.observe.freezing`).

        Raises:
            RuntimeError: the app has already served (its stack is built).
        """
        if built:
            raise RuntimeError("Install tracing before the app serves its first request.")
        self.tracer = tracer
        self.freeze_heap = freeze_heap

    def stop(self) -> None:
        """At shutdown: access lines still waiting are written; this worker's live gauges go."""
        if self._lines is not None:
            self._lines.flush()
        if self.metrics is not None:
            self.metrics.stop()

    def logger(self) -> RequestLogger:
        """``api.log``: records carry the request's ID, method and path (made on first use)."""
        if self._logger is None:
            from .log import get_logger

            self._logger = get_logger("responder.app")
        return self._logger


class ObservabilityRegistration:
    """``api.log``: a mixin of ``API``, which sets ``observability``."""

    observability: Observability

    @property
    def log(self) -> RequestLogger:
        """A logger (``responder.app``) whose records carry the request's ID, method and path."""
        return self.observability.logger()
