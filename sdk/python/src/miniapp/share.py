"""The system share sheet. Permission: ``share``."""

from __future__ import annotations

from typing import Optional

from . import _backend


def share(text: str, url: Optional[str] = None) -> None:
    """Returns when the user has shared; ``BridgeError("CANCELLED")`` if they closed the sheet."""
    params = {"text": text} if url is None else {"text": text, "url": url}
    _backend.call("share.share", params)
