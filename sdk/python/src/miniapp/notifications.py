"""Local notifications and the partner's push messages. Permission: ``notifications`` (the user
is asked for consent once). Ids and topics are 1 to 64 bytes of ``a-z``, ``0-9``, ``.``, ``_``,
``-``."""

from __future__ import annotations

from . import _backend

__all__ = ["request_permission", "schedule", "subscribe"]


def request_permission() -> bool:
    """Asks the device's notification permission if not asked yet; whether notifications show."""
    return bool(_backend.call("notifications.requestPermission", {}))


def schedule(id: str, title: str, at: int, body: str = "") -> None:  # noqa: A002 - the bridge's name
    """A local notification at ``at`` (Unix seconds, in the future; ``INVALID_ARGUMENT``
    otherwise); the same ``id`` replaces an earlier one. Title 1 to 64 bytes, body at most 256."""
    _backend.call("notifications.schedule", {"id": id, "title": title, "body": body, "at": at})


def subscribe(topic: str) -> None:
    """The partner's push messages on ``topic`` (they arrive as the ``notification`` event)."""
    _backend.call("notifications.subscribe", {"topic": topic})
