"""Short-lived identity tokens for the mini-program's own backend. Permission: ``auth``."""

from __future__ import annotations

from typing import Iterable

from . import _backend
from .types import LoginCode, Token, UserProfile


def token(scopes: Iterable[str]) -> Token:
    """A JWT (15 minutes) for the signed-in user with the requested scopes the host allows.

    Raises ``BridgeError``: ``PERMISSION_DENIED``, ``INVALID_ARGUMENT`` (no scope, or none
    allowed), ``UNAVAILABLE`` (no signed-in user).
    """
    if isinstance(scopes, str):
        raise TypeError("scopes is a list of strings, e.g. auth.token(['profile'])")
    return _backend.typed("auth.getToken", {"scopes": list(scopes)}, Token.from_json)


def login_code() -> LoginCode:
    """A one-time code (5 minutes) bound to this mini-program and the signed-in user: send it to
    your backend, which redeems it once with the host's backend. Not a bearer token."""
    return _backend.typed("auth.loginCode", {}, LoginCode.from_json)


def profile() -> UserProfile:
    """The user's profile once they agree to share it; ``BridgeError("CANCELLED")`` if they
    decline, ``UNAVAILABLE`` when nobody is signed in."""
    return _backend.typed("auth.profile", {}, UserProfile.from_json)
