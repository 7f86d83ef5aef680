"""The camera, through the host's own UI: choosing an image (a new photo or one from the album)
and scanning QR and bar codes. Permission: ``camera`` (the user is asked for consent once)."""

from __future__ import annotations

from typing import Optional

from . import _backend
from ._contract import LIMITS
from .types import IMAGE_SOURCES, Image, ScannedCode

__all__ = ["IMAGE_SOURCES", "Image", "ScannedCode", "choose_image", "scan_code"]


def choose_image(source: str = "album", max_bytes: Optional[int] = None) -> Image:
    """The host's image picker on ``source`` (``"camera"`` or ``"album"``); the image the user
    chose, at most ``max_bytes`` (1 to 4 MiB, the default). ``INVALID_ARGUMENT`` for a bad
    bound, ``QUOTA_EXCEEDED`` when the chosen image is larger, ``CANCELLED``, ``UNAVAILABLE`` (no
    camera)."""
    bound = LIMITS["imageBytes"] if max_bytes is None else max_bytes
    return _backend.typed("media.chooseImage", {"source": source, "maxBytes": bound}, Image.from_json)


def scan_code() -> ScannedCode:
    """The host's code scanner: the first QR or bar code it reads. ``CANCELLED``,
    ``UNAVAILABLE`` (no camera)."""
    return _backend.typed("media.scanCode", {}, ScannedCode.from_json)
