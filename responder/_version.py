"""The version, in one place: pyproject.toml reads it here without importing Responder."""

__version__ = "0.1.0"
