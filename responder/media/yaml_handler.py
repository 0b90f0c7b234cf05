"""YAML bodies: safe loading only, with limits on nesting and alias expansion."""

from __future__ import annotations

from typing import Any, ClassVar

from .handlers import MediaHandler, decode_text, empty_body

__all__ = ["YAMLHandler"]

_YAML_SPACE = " \t\r\n\ufeff"


class YAMLHandler(MediaHandler):
    """``application/x-yaml`` (also ``application/yaml``, ``text/yaml``).

    Documents are loaded with the safe loader: tags that would build Python
    objects are refused. Before loading, the event stream is scanned so that
    a document deeper than ``max_depth`` or expanding (through aliases) to
    more than ``max_nodes`` nodes is refused with a 400 instead of eating the
    server's memory. So is what no other format could write back: an alias
    inside the collection it names, ``.nan`` and ``.inf``, integers of more
    decimal digits than ``sys.get_int_max_str_digits()`` (4300 by default),
    and scalars their tag cannot build (``2001-02-30``, ``!!int abc``).
    ``!!binary`` values are read as ``bytes``.

    Args:
        max_depth: deepest nesting of collections accepted.
        max_nodes: most nodes the document may expand to, aliases included.
    """

    media_types: ClassVar[tuple[str, ...]] = (
        "application/x-yaml",
        "application/yaml",
        "text/yaml",
    )
    format = "yaml"
    suffix = "yaml"

    def __init__(self, *, max_depth: int = 64, max_nodes: int = 100_000) -> None:
        self.max_depth = max_depth
        self.max_nodes = max_nodes

    def serialize(self, obj: Any) -> bytes:
        """Encode ``obj`` as block-style YAML, keys in their given order.

        Raises:
            TypeError: part of ``obj`` cannot be written; the message names where.
        """
        from . import _yaml_codec  # PyYAML loads on first use, not at start-up

        return _yaml_codec.dump(obj)

    def deserialize(self, data: bytes, *, charset: str | None = None, **_: Any) -> Any:
        """Decode one YAML document; anything unsafe or malformed is a 400."""
        text = decode_text(data, charset)
        if not text.strip(_YAML_SPACE):  # YAML's own white space: U+00A0 is content
            raise empty_body("YAML")
        from . import _yaml_codec

        return _yaml_codec.load(text, self.max_depth, self.max_nodes)
