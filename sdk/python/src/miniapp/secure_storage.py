"""Small secrets (tokens, keys) in the host's keystore, per mini-program; the host's bridge records
never show them. Permission: ``storage``. Keys are 1 to 128 bytes without control characters,
values at most 4096 bytes (``INVALID_ARGUMENT``); ``QUOTA_EXCEEDED`` past 64 keys."""

from __future__ import annotations

from typing import Optional

from . import _backend

__all__ = ["get", "remove", "set"]


def set(key: str, value: str) -> None:  # noqa: A001 - the bridge's name
    """Keeps ``value`` under ``key``, replacing any earlier value."""
    _backend.call("secureStorage.set", {"key": key, "value": value})


def get(key: str) -> Optional[str]:
    """The value under ``key``, ``None`` if there is none."""
    return _backend.call("secureStorage.get", {"key": key})


def remove(key: str) -> bool:
    """Removes ``key``; whether it was there."""
    return bool(_backend.call("secureStorage.remove", {"key": key}))
