"""The host's native UI. Permission: ``ui``."""

from __future__ import annotations

from typing import Sequence

from . import _backend


def toast(message: str) -> None:
    """A short message that disappears by itself (1 to 500 bytes)."""
    _backend.call("ui.toast", {"message": message})


def modal(title: str, message: str, buttons: Sequence[str]) -> int:
    """A dialog with 1 to 4 buttons; returns the chosen button's index.
    ``BridgeError("CANCELLED")`` when dismissed."""
    return int(_backend.call("ui.modal", {"title": title, "message": message, "buttons": list(buttons)}))


def navigate(route: str) -> None:
    """Navigates the host view to ``route`` (starts with ``/``)."""
    _backend.call("ui.navigate", {"route": route})


def set_title(title: str) -> None:
    """The title of the host's navigation bar (at most 100 bytes)."""
    _backend.call("ui.setTitle", {"title": title})
