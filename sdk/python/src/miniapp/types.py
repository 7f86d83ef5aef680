"""The records bridge calls return (field names in Python style; JSON names in ``from_json``)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class StorageUsage:
    used_bytes: int
    quota_bytes: int

    @classmethod
    def from_json(cls, v: dict) -> "StorageUsage":
        return cls(v["usedBytes"], v["quotaBytes"])


@dataclass(frozen=True)
class Token:
    """A JWT for the mini-program's own backend; send ``value`` as a bearer token."""

    value: str
    expires_at: int
    scopes: List[str]

    @classmethod
    def from_json(cls, v: dict) -> "Token":
        return cls(v["value"], v["expiresAt"], list(v["scopes"]))


@dataclass(frozen=True)
class Receipt:
    order_id: str
    transaction_id: str
    amount_minor: int
    currency: str
    paid_at: int

    @classmethod
    def from_json(cls, v: dict) -> "Receipt":
        return cls(v["orderId"], v["transactionId"], v["amountMinor"], v["currency"], v["paidAt"])


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float
    accuracy_m: float

    @classmethod
    def from_json(cls, v: dict) -> "Position":
        return cls(v["latitude"], v["longitude"], v["accuracyM"])


@dataclass(frozen=True)
class Screen:
    width: int
    height: int
    scale: float


@dataclass(frozen=True)
class DeviceInfo:
    platform: str
    host_version: str
    locale: str
    screen: Screen

    @classmethod
    def from_json(cls, v: dict) -> "DeviceInfo":
        s = v["screen"]
        return cls(
            v["platform"], v["hostVersion"], v["locale"], Screen(s["width"], s["height"], s["scale"])
        )


@dataclass(frozen=True)
class BatteryInfo:
    #: Charge, 0 to 100 percent.
    level: int
    charging: bool

    @classmethod
    def from_json(cls, v: dict) -> "BatteryInfo":
        return cls(v["level"], v["charging"])


@dataclass(frozen=True)
class SystemInfo:
    """Maker (``Google``), model (``Pixel 8``), the OS's version, the colour scheme (``"light"``
    or ``"dark"``) and the user's text size relative to the default (1.0)."""

    brand: str
    model: str
    os_version: str
    theme: str
    font_scale: float

    @classmethod
    def from_json(cls, v: dict) -> "SystemInfo":
        theme = v["theme"]
        if theme not in THEMES:
            raise ValueError(f"theme {theme!r} is not one of {THEMES}")
        return cls(v["brand"], v["model"], v["osVersion"], theme, v["fontScale"])


@dataclass(frozen=True)
class LoginCode:
    """A one-time code for your backend (``code``) and its expiry (Unix seconds)."""

    code: str
    expires_at: int

    @classmethod
    def from_json(cls, v: dict) -> "LoginCode":
        return cls(v["code"], v["expiresAt"])


@dataclass(frozen=True)
class UserProfile:
    nickname: str
    avatar_url: Optional[str]

    @classmethod
    def from_json(cls, v: dict) -> "UserProfile":
        return cls(v["nickname"], v.get("avatarUrl"))


@dataclass(frozen=True)
class FileInfo:
    """One file of the sandbox: its path, size in bytes and last write (Unix seconds)."""

    path: str
    size: int
    modified_at: int

    @classmethod
    def from_json(cls, v: dict) -> "FileInfo":
        return cls(v["path"], v["size"], v["modifiedAt"])


@dataclass(frozen=True)
class Image:
    """The image the user chose (``media.choose_image``): ``data`` is the encoded file (PNG,
    JPEG, ...), ``width`` and ``height`` in pixels. On the wire ``data`` is base64."""

    mime_type: str
    data: bytes
    width: int
    height: int

    @classmethod
    def from_json(cls, v: dict) -> "Image":
        return cls(v["mimeType"], base64.b64decode(v["data"], validate=True), v["width"], v["height"])

    def to_json(self) -> dict:
        data = base64.b64encode(self.data).decode("ascii")
        return {"mimeType": self.mime_type, "data": data, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class ScannedCode:
    """A scanned code (``media.scan_code``): its content and symbology (``qr``, ``ean-13``, ...)."""

    text: str
    format: str

    @classmethod
    def from_json(cls, v: dict) -> "ScannedCode":
        return cls(v["text"], v["format"])


@dataclass(frozen=True)
class UpdateStatus:
    """This mini-program's versions (``updates``): the one running, and the one staged for the
    next launch (``None``: none)."""

    current: str
    pending: Optional[str]

    @classmethod
    def from_json(cls, v: dict) -> "UpdateStatus":
        return cls(v["current"], v["pending"])


@dataclass(frozen=True)
class LaunchMetrics:
    """How long this instance's launch took, in milliseconds (``on_launch_ms``: ``None`` while
    ``on_launch`` still runs)."""

    load_ms: float
    link_ms: float
    instantiate_ms: float
    on_launch_ms: Optional[float]


@dataclass(frozen=True)
class PerformanceMetrics:
    """This instance's own figures (``performance.metrics``), as the host measured them."""

    launch: Optional[LaunchMetrics]
    bridge_calls: int
    bridge_host_ms: float
    guest_ms: Optional[float]

    @classmethod
    def from_json(cls, v: dict) -> "PerformanceMetrics":
        l = v["launch"]
        launch = None if l is None else LaunchMetrics(l["loadMs"], l["linkMs"], l["instantiateMs"], l["onLaunchMs"])
        return cls(launch, v["bridgeCalls"], v["bridgeHostMs"], v["guestMs"])


#: Where ``media.choose_image`` takes the image from.
IMAGE_SOURCES = ("camera", "album")


#: Where a declared permission stands (``settings``).
PERMISSION_STATES = ("granted", "denied", "notAsked")


@dataclass(frozen=True)
class PermissionStatus:
    """One declared permission (its manifest name), where it stands (one of
    ``PERMISSION_STATES``) and whether this launch may use it (``active``)."""

    permission: str
    state: str
    active: bool

    @classmethod
    def from_json(cls, v: dict) -> "PermissionStatus":
        if v["state"] not in PERMISSION_STATES:
            raise ValueError(f"state {v['state']!r} is not one of {PERMISSION_STATES}")
        return cls(v["permission"], v["state"], bool(v["active"]))


#: What ``device.network_type()`` answers (``"none"``: offline).
NETWORK_TYPES = ("wifi", "cellular", "ethernet", "none", "unknown")

#: The colour schemes ``SystemInfo.theme`` may be.
THEMES = ("light", "dark")

#: Strengths of ``haptics.vibrate_short``.
IMPACT_STYLES = ("light", "medium", "heavy")

#: Patterns of ``haptics.notify``.
HAPTIC_NOTIFICATIONS = ("success", "warning", "error")
