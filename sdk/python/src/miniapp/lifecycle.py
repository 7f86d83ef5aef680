"""The standard lifecycle events the host delivers to ``on_event(name, payload)``: ``show``,
``hide``, ``suspend``, ``resume``, ``memoryWarning`` (payload ``{"level": "moderate" |
"critical"}``) and ``updateReady`` (``{"version": "1.3.0"}``); see ``wit/lifecycle.wit``. No
bridge call, no permission::

    from miniapp import lifecycle

    def on_event(self, name: str, payload: str) -> None:
        event = lifecycle.parse(name, payload)
        if event is None:
            return  # a host's own event (handle `name` yourself) or one newer than this SDK
        if event.name == lifecycle.SUSPEND:
            storage.set_json("draft", self.draft)
        elif event.name == lifecycle.MEMORY_WARNING and event.level == "critical":
            self.cache.clear()

``parse`` returns ``None`` for a name that is not a standard event and raises
``InvalidEventPayload`` (a ``ValueError``) for a standard name whose payload does not fit.
Payload fields this version does not know are ignored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

__all__ = [
    "EVENTS",
    "HIDE",
    "MEMORY_LEVELS",
    "MEMORY_WARNING",
    "RESUME",
    "SHOW",
    "SUSPEND",
    "UPDATE_READY",
    "Event",
    "InvalidEventPayload",
    "parse",
]

SHOW = "show"
HIDE = "hide"
SUSPEND = "suspend"
RESUME = "resume"
MEMORY_WARNING = "memoryWarning"
UPDATE_READY = "updateReady"

#: The standard events' wire names, in the contract's order.
EVENTS = (SHOW, HIDE, SUSPEND, RESUME, MEMORY_WARNING, UPDATE_READY)
#: ``memoryWarning``'s levels.
MEMORY_LEVELS = ("moderate", "critical")


@dataclass(frozen=True)
class Event:
    """A standard event: ``name`` is one of ``EVENTS``; ``level`` is set for ``memoryWarning``,
    ``version`` for ``updateReady``."""

    name: str
    level: Optional[str] = None
    version: Optional[str] = None

    def payload(self) -> dict:
        """The event's payload as the host sends it (``{}`` when it carries nothing)."""
        if self.name == MEMORY_WARNING:
            return {"level": self.level}
        if self.name == UPDATE_READY:
            return {"version": self.version}
        return {}


class InvalidEventPayload(ValueError):
    """A standard event whose payload does not fit (a host bug)."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"payload of `{name}` event: {reason}")
        self.name = name
        self.reason = reason


def parse(name: str, payload: str) -> Optional[Event]:
    """The standard event ``name`` with ``payload`` (JSON text; empty counts as ``{}``), or
    ``None`` when ``name`` is not a standard event."""
    if name not in EVENTS:
        return None
    if payload.strip() == "":
        data = {}
    else:
        try:
            data = json.loads(payload)
        except ValueError as e:
            raise InvalidEventPayload(name, f"not JSON: {e}") from None
    if not isinstance(data, dict):
        raise InvalidEventPayload(name, f"expected a JSON object, got {payload}")
    if name == MEMORY_WARNING:
        level = data.get("level")
        if level not in MEMORY_LEVELS:
            raise InvalidEventPayload(name, f"`level` must be one of {', '.join(MEMORY_LEVELS)}, got {level!r}")
        return Event(name, level=level)
    if name == UPDATE_READY:
        version = data.get("version")
        if not isinstance(version, str):
            raise InvalidEventPayload(name, f"`version` must be a string, got {version!r}")
        return Event(name, version=version)
    return Event(name)
