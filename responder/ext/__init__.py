"""Optional extensions: import each one from its own module (e.g. ``responder.ext.ratelimit``)."""
