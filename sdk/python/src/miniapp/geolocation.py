"""The device's location. Permission: ``location`` (consent asked)."""

from __future__ import annotations

from . import _backend
from .types import Position


def current_position() -> Position:
    """Raises ``BridgeError``: ``PERMISSION_DENIED``, ``UNAVAILABLE`` (no fix)."""
    return _backend.typed("geolocation.currentPosition", {}, Position.from_json)
