"""The one exception every bridge wrapper raises."""

from __future__ import annotations

from typing import Optional

#: The bridge's error codes, in the WIT `bridge-error` variant's order (contract/src/error.rs).
CODES = (
    "PERMISSION_DENIED",
    "INVALID_ARGUMENT",
    "NOT_FOUND",
    "QUOTA_EXCEEDED",
    "UNAVAILABLE",
    "CANCELLED",
    "INTERNAL",
)

#: The SDK's own code, for values that `storage.set_json` / `get_json` cannot turn into or out
#: of JSON (as the Rust SDK's `Error::Json`).
JSON = "JSON"

_DEFAULT_MESSAGES = {
    "PERMISSION_DENIED": "permission denied: this mini-program was not granted the permission",
    "NOT_FOUND": "not found",
    "QUOTA_EXCEEDED": "storage quota exceeded",
    "CANCELLED": "cancelled by the user",
}


class BridgeError(Exception):
    """A bridge call failed. ``code`` is one of :data:`CODES` (or ``"JSON"``); ``message`` says
    why (for ``INVALID_ARGUMENT``, ``UNAVAILABLE`` and ``INTERNAL`` it is the host's detail)."""

    def __init__(self, code: str, message: Optional[str] = None, method: Optional[str] = None):
        self.code = code
        self.message = message or _DEFAULT_MESSAGES.get(code, code)
        self.method = method
        super().__init__(f"{code}: {self.message}")

    def to_body(self) -> dict:
        """The ``{"code", "message"}`` form of the JSON bridge and of recordings."""
        return {"code": self.code, "message": self.message}

    @classmethod
    def from_body(cls, body: dict, method: Optional[str] = None) -> "BridgeError":
        return cls(body["code"], body.get("message") or None, method)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, BridgeError)
            and (self.code, self.message) == (other.code, other.message)
        )

    def __hash__(self) -> int:
        return hash((self.code, self.message))

    def __repr__(self) -> str:
        return f"BridgeError({self.code!r}, {self.message!r})"
