"""This mini-program's own permissions: where each declared one stands, asking the user again for
one, and the host's settings page. No permission needed (like ``log``)."""

from __future__ import annotations

from typing import List

from . import _backend
from .types import PERMISSION_STATES, PermissionStatus

__all__ = ["PERMISSION_STATES", "PermissionStatus", "open_host_settings", "permissions", "request"]


def permissions() -> List[PermissionStatus]:
    """Every permission the manifest declares: ``"granted"``, ``"denied"`` (by the user or the
    host's policy) or ``"notAsked"``, and whether this launch may use it (``active``)."""
    return _backend.typed("settings.permissions", {}, lambda v: [PermissionStatus.from_json(s) for s in v])


def request(permission: str) -> PermissionStatus:
    """Asks the user again for a declared sensitive permission (at most once per permission and
    launch). A "yes" is active from the next launch: grants are fixed at launch.
    ``BridgeError("INVALID_ARGUMENT")`` for a permission the manifest does not declare."""
    return _backend.typed("settings.request", {"permission": permission}, PermissionStatus.from_json)


def open_host_settings() -> None:
    """Opens the host's settings page for this mini-program (``UNAVAILABLE`` if it has none)."""
    _backend.call("settings.openHostSettings", {})
