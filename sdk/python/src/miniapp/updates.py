"""This mini-program's own updates: the version running, the one staged for the next launch, and
asking the host to look for one now. No permission needed (like ``log``). A staged version runs
from the next launch, never under a running instance."""

from __future__ import annotations

from . import _backend
from .types import UpdateStatus

__all__ = ["UpdateStatus", "status", "check"]


def status() -> UpdateStatus:
    """The running version and the one staged for the next launch (``pending``, or ``None``).
    ``INTERNAL`` when the host cannot read its records."""
    return _backend.typed("updates.status", {}, UpdateStatus.from_json)


def check() -> UpdateStatus:
    """Asks the host to look for a newer version now; one this host may run is downloaded,
    verified and staged before this returns (``pending`` names it). ``UNAVAILABLE`` when offline,
    when the marketplace fails, or when the host has none."""
    return _backend.typed("updates.check", {}, UpdateStatus.from_json)
