"""Short-lived identity tokens for the mini-program's own backend. Permission: ``auth``."""

from __future__ import annotations

from typing import Iterable

from . import _backend
from .types import Token


def token(scopes: Iterable[str]) -> Token:
    """A JWT (15 minutes) for the signed-in user with the requested scopes the host allows.

    Raises ``BridgeError``: ``PERMISSION_DENIED``, ``INVALID_ARGUMENT`` (no scope, or none
    allowed), ``UNAVAILABLE`` (no signed-in user).
    """
    if isinstance(scopes, str):
        raise TypeError("scopes is a list of strings, e.g. auth.token(['profile'])")
    return _backend.typed("auth.getToken", {"scopes": list(scopes)}, Token.from_json)
