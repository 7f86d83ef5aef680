"""Key-value storage private to this mini-program. Permission: ``storage``.

Keys are strings of 1 to 1024 UTF-8 bytes, values at most 1 MiB; the host enforces a quota
(10 MiB unless configured otherwise). Writes are atomic.
"""

from __future__ import annotations

import builtins
import json
from typing import Any, List, Optional, Union

from . import _backend
from .errors import BridgeError
from .types import StorageUsage


def set(key: str, value: Union[bytes, str]) -> None:  # noqa: A001 - mirrors the bridge's name
    """Stores ``value`` (``str`` is stored as UTF-8) under ``key``, replacing any previous value.

    Raises ``BridgeError``: ``INVALID_ARGUMENT`` (empty or too-long key, value over 1 MiB),
    ``QUOTA_EXCEEDED``, ``PERMISSION_DENIED``, ``INTERNAL``.
    """
    data = value.encode() if isinstance(value, str) else builtins.bytes(value)
    _backend.call("storage.set", {"key": key, "value": data})


def get(key: str) -> Optional[bytes]:
    """The bytes stored under ``key``, or ``None``."""
    value = _backend.call("storage.get", {"key": key})
    return None if value is None else builtins.bytes(value)


def get_text(key: str) -> Optional[str]:
    """The value under ``key`` decoded as UTF-8, or ``None``."""
    value = get(key)
    return None if value is None else value.decode()


def set_json(key: str, value: Any) -> None:
    """Stores ``value`` as JSON text. ``BridgeError("JSON")`` if it cannot be serialized."""
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise BridgeError("JSON", f"value for {key!r} is not JSON: {e}") from None
    set(key, text)


def get_json(key: str, default: Any = None) -> Any:
    """The JSON value stored under ``key``, or ``default`` when the key is absent.
    ``BridgeError("JSON")`` if the stored bytes are not JSON."""
    value = get(key)
    if value is None:
        return default
    try:
        return json.loads(value)
    except ValueError as e:
        raise BridgeError("JSON", f"value under {key!r} is not JSON: {e}") from None


def remove(key: str) -> bool:
    """Removes ``key``; returns whether it existed."""
    return builtins.bool(_backend.call("storage.remove", {"key": key}))


def keys() -> List[str]:
    """Every key, sorted by UTF-8 bytes."""
    return builtins.list(_backend.call("storage.keys", {}))


def clear() -> None:
    """Removes every key of this mini-program."""
    _backend.call("storage.clear", {})


def usage() -> StorageUsage:
    """How much of the quota is used."""
    return _backend.typed("storage.usage", {}, StorageUsage.from_json)
