"""Static secrets, compared in constant time; argon2 hashes verified with argon2-cffi.

Every stored secret is compared with what the client sent, with no early
exit: how long a check takes does not tell which entry (if any) matched.
A secret that starts with ``$argon2`` is a hash (``argon2.PasswordHasher().hash(key)``)
and is verified as one; such checks are slow by design, so the schemes run
them in the thread pool, never on the event loop.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["CredentialTable", "SecretSet", "is_hash"]

_HASH_PREFIXES = ("$argon2id$", "$argon2i$", "$argon2d$")


def is_hash(secret: str) -> bool:
    """Whether a stored secret is an argon2 hash rather than the secret itself."""
    return secret.startswith(_HASH_PREFIXES)


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the [auth] extra installs it
        raise ImportError(
            'Stored argon2 hashes need argon2-cffi: pip install "responder[auth]".'
        ) from None
    return PasswordHasher()


class _Secret:
    """One stored secret: its bytes, or its argon2 hash."""

    __slots__ = ("hashed", "value")

    def __init__(self, secret: Any, what: str) -> None:
        if not isinstance(secret, str) or not secret:
            raise TypeError(f"Each {what} must be a non-empty str, not {type(secret).__name__}.")
        self.hashed = is_hash(secret)
        self.value: str | bytes = secret if self.hashed else secret.encode()

    def matches(self, presented: bytes, hasher: Any) -> bool:
        """Whether ``presented`` is this secret (an argon2 verification for a hash)."""
        if not self.hashed:
            return hmac.compare_digest(self.value, presented)  # type: ignore[arg-type]
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return bool(hasher.verify(self.value, presented))
        except (VerificationError, InvalidHashError):
            return False


class SecretSet:
    """Tokens or keys: a list (each one's principal is its label) or ``{secret: principal}``.

    Args:
        entries: the secrets, or a mapping of each secret to its principal.
        what: ``"token"`` or ``"key"``, for messages and the list's labels
            (``"token-0"``, ``"token-1"``, ...).
    """

    def __init__(self, entries: Iterable[str] | Mapping[str, Any], what: str) -> None:
        if isinstance(entries, str):
            raise TypeError(f"Give a list of {what}s, not one string.")
        if isinstance(entries, Mapping):
            pairs = list(entries.items())
        else:
            pairs = [(secret, f"{what}-{index}") for index, secret in enumerate(entries)]
        if not pairs:
            raise ValueError(f"Give at least one {what}.")
        for _, principal in pairs:
            if not principal:
                raise ValueError(f"Each {what}'s principal must be truthy, not {principal!r}.")
        self.entries = [(_Secret(secret, what), principal) for secret, principal in pairs]
        self.hashed = any(secret.hashed for secret, _ in self.entries)
        self._hasher = _hasher() if self.hashed else None

    def match(self, presented: bytes) -> Any:
        """The principal of the entry ``presented`` is, or None; every entry is checked."""
        found = None
        for secret, principal in self.entries:  # no early exit: the time names no entry
            if secret.matches(presented, self._hasher) and found is None:
                found = principal
        return found


class CredentialTable:
    """Basic credentials: ``{username: password or argon2 hash}``; the principal is the name."""

    def __init__(self, credentials: Mapping[str, str]) -> None:
        if not isinstance(credentials, Mapping) or not credentials:
            raise ValueError("credentials= is a non-empty {username: password} mapping.")
        self.entries = []
        for name, secret in credentials.items():
            if not isinstance(name, str) or not name or ":" in name:
                raise ValueError(f"A username is a non-empty str without ':', not {name!r}.")
            self.entries.append((name.encode(), name, _Secret(secret, "password")))
        self.hashed = any(secret.hashed for _, _, secret in self.entries)
        hasher = self._hasher = _hasher() if self.hashed else None
        # An unknown name is checked against this, so it costs what a known one does.
        decoy = secrets.token_urlsafe(16)
        self._decoy = _Secret(hasher.hash(decoy) if hasher is not None else decoy, "password")

    def match(self, username: bytes, password: bytes) -> str | None:
        """The username if ``username:password`` is a stored pair, else None."""
        found: tuple[str, _Secret] | None = None
        for raw, name, secret in self.entries:  # every name compared: no early exit
            if hmac.compare_digest(raw, username) and found is None:
                found = (name, secret)
        name, secret = found if found is not None else ("", self._decoy)
        ok = secret.matches(password, self._hasher)
        return name if ok and found is not None else None
