"""Leaving this mini-program: for another mini-program, for a web page, or for good.
Permission: ``navigation``. Opening something asks the user each time;
``BridgeError("CANCELLED")`` when they decline."""

from __future__ import annotations

from typing import Optional

from . import _backend


def open_mini_program(app_id: str, path: Optional[str] = None, extra_data: Optional[str] = None) -> None:
    """Opens the mini-program ``app_id`` (``com.acme.loans``, not this one) at ``path`` (``None``:
    its start page; else starting with ``/``). ``extra_data`` (at most 4 KiB, usually JSON)
    reaches its launch. ``BridgeError("NOT_FOUND")`` when the host knows no such mini-program."""
    _backend.call("navigation.openMiniProgram", {"appId": app_id, "path": path, "extraData": extra_data})


def open_url(url: str) -> None:
    """Opens ``url`` (``http`` or ``https`` with a host, at most 2048 bytes) in the host's
    browser."""
    _backend.call("navigation.openUrl", {"url": url})


def exit() -> None:  # noqa: A001 - the bridge's name
    """Closes this mini-program after the current launch or event returns."""
    _backend.call("navigation.exit", {})
