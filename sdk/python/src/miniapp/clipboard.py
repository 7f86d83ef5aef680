"""The system clipboard, text only. Permission: ``clipboard`` (consent asked)."""

from __future__ import annotations

from typing import Optional

from . import _backend


def read_text() -> Optional[str]:
    return _backend.call("clipboard.readText", {})


def write_text(text: str) -> None:
    """Replaces the clipboard's content (at most 64 KiB)."""
    _backend.call("clipboard.writeText", {"text": text})
