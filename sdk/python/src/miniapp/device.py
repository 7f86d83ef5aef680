"""Facts about the device and the host app. Permission: ``device``."""

from __future__ import annotations

from . import _backend
from .types import NETWORK_TYPES, BatteryInfo, DeviceInfo, SystemInfo


def info() -> DeviceInfo:
    return _backend.typed("device.info", {}, DeviceInfo.from_json)


def vibrate(millis: int) -> None:
    """Vibrates for at most 1000 ms. ``BridgeError("UNAVAILABLE")`` without a vibrator."""
    _backend.call("device.vibrate", {"millis": millis})


def _network_type(v: object) -> str:
    if v not in NETWORK_TYPES:
        raise ValueError(f"{v!r} is not one of {NETWORK_TYPES}")
    return v  # type: ignore[return-value]


def network_type() -> str:
    """How the device reaches the network now: ``"wifi"``, ``"cellular"``, ``"ethernet"``,
    ``"none"`` (offline) or ``"unknown"``."""
    return _backend.typed("device.networkType", {}, _network_type)


def battery() -> BatteryInfo:
    """The battery's charge. ``BridgeError("UNAVAILABLE")`` without a battery (or when the host
    cannot tell)."""
    return _backend.typed("device.battery", {}, BatteryInfo.from_json)


def set_keep_screen_on(keep_on: bool) -> None:
    """Keeps the screen on while this mini-program is in front (``True``), or lets it sleep
    again (``False``); the host releases it when the mini-program leaves the screen."""
    _backend.call("device.setKeepScreenOn", {"keepOn": keep_on})


def system_info() -> SystemInfo:
    """Maker, model, OS version, theme (``"light"`` / ``"dark"``) and text size."""
    return _backend.typed("device.systemInfo", {}, SystemInfo.from_json)
