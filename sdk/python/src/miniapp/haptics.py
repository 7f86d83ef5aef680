"""Haptic feedback: short taps, a long vibration, and the platform's patterns for a result and
for a selection. Permission: ``haptics`` (no consent prompt). The host may play a weaker effect,
or none when the user turned haptics off (the call still succeeds); ``BridgeError("UNAVAILABLE")``
without a vibrator."""

from __future__ import annotations

from . import _backend
from .types import HAPTIC_NOTIFICATIONS, IMPACT_STYLES

__all__ = ["HAPTIC_NOTIFICATIONS", "IMPACT_STYLES", "notify", "selection_changed", "vibrate_long", "vibrate_short"]


def vibrate_short(style: str = "medium") -> None:
    """A short tap (about 15 ms): ``"light"``, ``"medium"`` or ``"heavy"``."""
    _backend.call("haptics.vibrateShort", {"style": style})


def vibrate_long() -> None:
    """A long vibration (about 400 ms)."""
    _backend.call("haptics.vibrateLong", {})


def notify(kind: str) -> None:
    """The platform's pattern for a ``"success"``, a ``"warning"`` or an ``"error"``."""
    _backend.call("haptics.notify", {"kind": kind})


def selection_changed() -> None:
    """The light tick of a selection changing (a picker wheel turning)."""
    _backend.call("haptics.selectionChanged", {})
