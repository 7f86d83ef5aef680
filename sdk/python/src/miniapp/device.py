"""Facts about the device and the host app. Permission: ``device``."""

from __future__ import annotations

from . import _backend
from .types import DeviceInfo


def info() -> DeviceInfo:
    return _backend.typed("device.info", {}, DeviceInfo.from_json)


def vibrate(millis: int) -> None:
    """Vibrates for at most 1000 ms. ``BridgeError("UNAVAILABLE")`` without a vibrator."""
    _backend.call("device.vibrate", {"millis": millis})
