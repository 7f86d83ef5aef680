"""The host's native UI. Permission: ``ui``."""

from __future__ import annotations

from typing import Optional, Sequence

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


def action_sheet(items: Sequence[str]) -> int:
    """1 to 6 choices (each 1 to 40 bytes) from the bottom of the screen; returns the chosen
    one's index. ``BridgeError("CANCELLED")`` when dismissed."""
    return int(_backend.call("ui.actionSheet", {"items": list(items)}))


def show_loading(title: str) -> None:
    """A loading indicator with ``title`` (1 to 100 bytes) until :func:`hide_loading`."""
    _backend.call("ui.showLoading", {"title": title})


def hide_loading() -> None:
    """Hides the loading indicator (nothing happens if none is shown)."""
    _backend.call("ui.hideLoading", {})


def set_navigation_bar_color(front: str, background: str) -> None:
    """Colours the navigation bar: ``front`` (title and buttons) is ``"#ffffff"`` or
    ``"#000000"``, ``background`` is ``"#rrggbb"``."""
    _backend.call("ui.setNavigationBarColor", {"frontColor": front, "backgroundColor": background})


def pick_date(initial: str, start: Optional[str] = None, end: Optional[str] = None) -> str:
    """A date picker at ``initial``; returns the chosen date. Dates are ``YYYY-MM-DD``;
    ``start`` and ``end``, when given, bound the choice and must hold ``initial``.
    ``BridgeError("CANCELLED")`` when dismissed."""
    return str(_backend.call("ui.pickDate", {"initial": initial, "start": start, "end": end}))
