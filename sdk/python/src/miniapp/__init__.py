"""Write miniapp mini-programs in Python.

Inside a component built with componentize-py, every call goes to the bridge the component
imports; under pytest, ``miniapp.testing`` installs a mock in its place::

    from miniapp import storage, log, BridgeError

    storage.set_json("draft", {"step": 2})
    log.info("saved")

Import the modules of the interfaces your world imports; calling one your world lacks raises
``ImportError`` naming the world to build against.
"""

from . import auth, biometrics, clipboard, device, files, geolocation, haptics, lifecycle, log, media, navigation, notifications, payment, performance, secure_storage, settings, share, storage, ui, updates
from .errors import CODES, BridgeError
from .types import (
    BatteryInfo,
    DeviceInfo,
    FileInfo,
    PermissionStatus,
    Position,
    Receipt,
    Screen,
    StorageUsage,
    SystemInfo,
    Token,
)

__all__ = [
    "BatteryInfo",
    "BridgeError",
    "CODES",
    "DeviceInfo",
    "FileInfo",
    "PermissionStatus",
    "Position",
    "Receipt",
    "Screen",
    "StorageUsage",
    "SystemInfo",
    "Token",
    "auth",
    "biometrics",
    "clipboard",
    "device",
    "files",
    "geolocation",
    "haptics",
    "lifecycle",
    "log",
    "navigation",
    "media",
    "notifications",
    "payment",
    "performance",
    "secure_storage",
    "settings",
    "share",
    "storage",
    "ui",
    "updates",
]
