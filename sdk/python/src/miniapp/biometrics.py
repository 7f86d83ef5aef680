"""The device's biometric prompt (fingerprint, face). Permission: ``biometrics`` (the user is asked
for consent once). The mini-program learns only whether the user was recognised."""

from __future__ import annotations

from . import _backend

__all__ = ["authenticate"]


def authenticate(reason: str) -> None:
    """Shows the prompt with ``reason`` (1 to 200 bytes of visible text; ``INVALID_ARGUMENT``
    otherwise) and returns once the user is recognised; ``BridgeError("CANCELLED")`` if they
    cancel or are not recognised, ``UNAVAILABLE`` without a sensor."""
    _backend.call("biometrics.authenticate", {"reason": reason})
