"""Where ``request_model`` / ``response_model`` validation used to live; kept importable.

The checks run on every request, so they moved next to the resources they
guard: :mod:`responder.resources.validation`.
"""

from ..resources.validation import BODY_METHODS, Model, carries_body, checks_for

__all__ = ["BODY_METHODS", "Model", "carries_body", "checks_for"]
