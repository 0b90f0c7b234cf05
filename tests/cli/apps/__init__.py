"""Apps that the CLI tests serve with ``responder run``."""
