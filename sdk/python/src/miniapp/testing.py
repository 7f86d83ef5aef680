"""A mock bridge for pytest: the host's rules in memory, with grants, fixtures, and replay of a
Bridge Inspector recording. Modelled on the Rust SDK's ``miniapp_sdk::mock``.

This module is also a pytest plugin (registered by the package's ``pytest11`` entry point, or
``-p miniapp.testing``): the ``bridge`` fixture installs a fresh :class:`MockBridge` in place of
the component's imports for one test and removes it afterwards::

    def test_saves_a_draft(bridge):
        bridge.grant("storage")
        app.save_draft({"step": 2})
        assert bridge.storage == {"draft": b'{"step":2}'}

The mock applies the host's rules: a call to an interface that was not granted raises
``BridgeError("PERMISSION_DENIED")`` and changes nothing; arguments are checked with the host's
limits; storage counts its quota as the host does; payments are idempotent on the order id.
"""

from __future__ import annotations

import base64
import json
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from . import _backend
from ._contract import LIMITS, METHOD_PERMISSIONS, PERMISSIONS, storage_entry_bytes
from .errors import BridgeError

__all__ = ["MockBridge", "ReplayMismatch", "bridge"]


class ReplayMismatch(AssertionError):
    """A call did not match the next call of the recording being replayed."""


@dataclass
class _Fixture:
    method: str
    params: Optional[dict]
    result: Any
    error: Optional[BridgeError]


def _to_json(value: Any) -> Any:
    """Recording form: bytes as a string when UTF-8, else a list of numbers (as the Rust mock)."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            return list(value)
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    return value


def _utf8_len(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


def _invalid(message: str) -> BridgeError:
    return BridgeError("INVALID_ARGUMENT", message)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class MockBridge:
    """The bridge in memory. Grants nothing but ``log`` until told otherwise; every builder
    method returns the bridge, so they chain: ``MockBridge().grant("storage", "payment")``."""

    def __init__(self) -> None:
        self.permissions: set = set()
        self.allowed_scopes: Optional[List[str]] = []
        self.position: Optional[Dict[str, float]] = None
        self.payment_outcome = "paid"
        self.quota_bytes = LIMITS["defaultQuotaBytes"]
        self.signed_in = True
        self.now = 1_700_000_000
        self.device_info = {
            "platform": "linux",
            "hostVersion": "1.0.0",
            "locale": "en-US",
            "screen": {"width": 390, "height": 844, "scale": 3.0},
        }
        self.vibrator = True
        self.share_cancels = False
        self.modal_answers: deque = deque()
        # What the mini-program did, for assertions.
        self.storage: Dict[str, bytes] = {}
        self.payments: List[dict] = []
        self.tokens: List[dict] = []
        self.toasts: List[str] = []
        self.modals: List[dict] = []
        self.navigations: List[str] = []
        self.titles: List[str] = []
        self.vibrations: List[int] = []
        self.clipboard: Optional[str] = None
        self.shares: List[dict] = []
        self.logs: List[tuple] = []
        #: Every call in recording form: ``{"method", "params", "result" | "error"}``.
        self.calls: List[dict] = []
        self._replay: Optional[deque] = None
        self._previous: Optional[_backend.Backend] = None

    # --- configuration ------------------------------------------------------------------------

    def grant(self, *permissions: str) -> "MockBridge":
        """Grants these permissions (manifest names: ``storage``, ``location``, ...)."""
        for p in permissions:
            if p not in PERMISSIONS:
                raise ValueError(f"unknown permission {p!r} (known: {', '.join(PERMISSIONS)})")
            self.permissions.add(p)
        return self

    def grant_all(self) -> "MockBridge":
        return self.grant(*PERMISSIONS)

    def revoke(self, *permissions: str) -> "MockBridge":
        """Withdraws permissions (a user declining consent)."""
        self.permissions.difference_update(permissions)
        return self

    def allow_scopes(self, *scopes: str) -> "MockBridge":
        """The token scopes the host allows (default none); ``auth.token`` narrows to them."""
        self.allowed_scopes = list(scopes)
        return self

    def with_position(self, latitude: float, longitude: float, accuracy_m: float = 10.0) -> "MockBridge":
        """The position fix; without one a granted ``current_position`` is ``UNAVAILABLE``."""
        self.position = {"latitude": latitude, "longitude": longitude, "accuracyM": accuracy_m}
        return self

    def with_payment_outcome(self, outcome: str) -> "MockBridge":
        """How new payments end: ``"paid"`` (default), ``"cancelled"`` or ``"unavailable"``."""
        if outcome not in ("paid", "cancelled", "unavailable"):
            raise ValueError(f"payment outcome {outcome!r}: paid, cancelled or unavailable")
        self.payment_outcome = outcome
        return self

    def with_modal_answers(self, *answers: int) -> "MockBridge":
        """Buttons the user presses in the next dialogs; once they run out, dialogs are
        dismissed (``CANCELLED``)."""
        self.modal_answers.extend(answers)
        return self

    def with_quota(self, quota_bytes: int) -> "MockBridge":
        self.quota_bytes = quota_bytes
        return self

    def with_stored(self, key: str, value: Union[bytes, str]) -> "MockBridge":
        """Puts ``value`` under ``key`` before the test (no permission or quota check)."""
        self.storage[key] = value.encode() if isinstance(value, str) else bytes(value)
        return self

    def signed_out(self) -> "MockBridge":
        self.signed_in = False
        return self

    def at(self, unix_seconds: int) -> "MockBridge":
        """The mock's clock (token expiry, receipt time)."""
        self.now = unix_seconds
        return self

    def without_vibrator(self) -> "MockBridge":
        self.vibrator = False
        return self

    def with_clipboard(self, text: Optional[str]) -> "MockBridge":
        self.clipboard = text
        return self

    def share_cancelled(self) -> "MockBridge":
        self.share_cancels = True
        return self

    def replay(self, recording: Union[str, List[dict]]) -> "MockBridge":
        """Answers calls from a recording (``recording_json()`` of an earlier run, a Bridge
        Inspector export, or hand-written ``{"method", "params"?, "result" | "error"}``) instead
        of simulating the host. Each call must match the next entry's method, and its params
        when the entry has them (``ReplayMismatch`` otherwise). Grants are not checked: the
        recording already holds the host's answers."""
        entries = json.loads(recording) if isinstance(recording, str) else recording
        if not isinstance(entries, list):
            raise ValueError("a recording is a JSON array of {method, params, result | error}")
        fixtures = deque()
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not isinstance(e.get("method"), str):
                raise ValueError(f"recording[{i}] must be an object with a string method")
            if "result" in e and e.get("error") is not None:
                raise ValueError(f"recording[{i}] ({e['method']}) has both a result and an error")
            error = e.get("error")
            fixtures.append(
                _Fixture(
                    e["method"],
                    e.get("params"),
                    e.get("result"),
                    BridgeError.from_body(error, e["method"]) if error is not None else None,
                )
            )
        self._replay = fixtures
        return self

    @property
    def replay_remaining(self) -> int:
        """Recorded calls not made yet (0 when a replay ran to its end)."""
        return len(self._replay or ())

    def install(self) -> "MockBridge":
        """Makes this mock answer every SDK call until :meth:`uninstall`."""
        self._previous = _backend.install(self)
        return self

    def uninstall(self) -> None:
        _backend.install(self._previous)
        self._previous = None

    def __enter__(self) -> "MockBridge":
        return self.install()

    def __exit__(self, *exc: object) -> None:
        self.uninstall()

    # --- inspection ---------------------------------------------------------------------------

    def recording_json(self) -> str:
        """The calls so far as a recording :meth:`replay` loads."""
        return json.dumps(self.calls, indent=2, ensure_ascii=False)

    def methods(self) -> List[str]:
        """The method of every call so far, in order."""
        return [c["method"] for c in self.calls]

    def used_bytes(self) -> int:
        return sum(storage_entry_bytes(_utf8_len(k), len(v)) for k, v in self.storage.items())

    # --- the backend ----------------------------------------------------------------------------

    def call(self, method: str, params: Dict[str, Any]) -> Any:
        if method not in METHOD_PERMISSIONS:
            raise BridgeError("METHOD_NOT_FOUND", f"no bridge method {method!r}", method)
        wire_params = _to_json(params)
        try:
            if self._replay is not None:
                result = self._answer_from_recording(method, wire_params)
            else:
                permission = METHOD_PERMISSIONS[method]
                if permission is not None and permission not in self.permissions:
                    raise BridgeError("PERMISSION_DENIED", None, method)
                result = _SIMULATE[method](self, params)
        except BridgeError as e:
            e.method = e.method or method
            self.calls.append({"method": method, "params": wire_params, "error": e.to_body()})
            raise
        self.calls.append({"method": method, "params": wire_params, "result": _to_json(result)})
        return result

    def _answer_from_recording(self, method: str, params: Any) -> Any:
        n = len(self.calls)
        if not self._replay:
            raise ReplayMismatch(f"replay: call #{n} {method} {params} has no entry left in the recording")
        fixture = self._replay[0]
        if fixture.method != method or (fixture.params is not None and fixture.params != params):
            raise ReplayMismatch(
                f"replay: call #{n} was {method} {json.dumps(params)}, the recording expects "
                f"{fixture.method} {json.dumps(fixture.params)}"
            )
        self._replay.popleft()
        if fixture.error is not None:
            raise fixture.error
        if method == "storage.get" and fixture.result is not None:
            r = fixture.result
            return r.encode() if isinstance(r, str) else bytes(r)
        return fixture.result

    # --- the host's rules, one function per method ------------------------------------------------

    def _check_key(self, key: str) -> None:
        n = _utf8_len(key) if isinstance(key, str) else -1
        if not 1 <= n <= LIMITS["storageKeyBytes"]:
            raise _invalid(f"key must be 1 to {LIMITS['storageKeyBytes']} bytes, got {n}")

    def _storage_set(self, p: dict) -> None:
        key, value = p["key"], p["value"]
        self._check_key(key)
        if len(value) > LIMITS["storageValueBytes"]:
            raise _invalid(f"value must be at most {LIMITS['storageValueBytes']} bytes, got {len(value)}")
        k = _utf8_len(key)
        old = storage_entry_bytes(k, len(self.storage[key])) if key in self.storage else 0
        if self.used_bytes() - old + storage_entry_bytes(k, len(value)) > self.quota_bytes:
            raise BridgeError("QUOTA_EXCEEDED")
        self.storage[key] = bytes(value)

    def _storage_get(self, p: dict) -> Optional[bytes]:
        self._check_key(p["key"])
        return self.storage.get(p["key"])

    def _storage_remove(self, p: dict) -> bool:
        self._check_key(p["key"])
        return self.storage.pop(p["key"], None) is not None

    def _storage_keys(self, p: dict) -> List[str]:
        return sorted(self.storage, key=lambda k: k.encode("utf-8", "surrogatepass"))

    def _storage_clear(self, p: dict) -> None:
        self.storage.clear()

    def _storage_usage(self, p: dict) -> dict:
        return {"usedBytes": self.used_bytes(), "quotaBytes": self.quota_bytes}

    def _auth_get_token(self, p: dict) -> dict:
        scopes = p["scopes"]
        if not scopes:
            raise _invalid("scopes: at least one scope is required")
        granted: List[str] = []
        for s in scopes:
            if s in (self.allowed_scopes or ()) and s not in granted:
                granted.append(s)
        if not granted:
            raise _invalid(f"scopes: none of {scopes} is allowed to this mini-program")
        if not self.signed_in:
            raise BridgeError("UNAVAILABLE", "no signed-in user")
        expires_at = self.now + LIMITS["tokenLifetimeSeconds"]
        header = _b64url(b'{"alg":"none","typ":"JWT"}')
        claims = {"iss": "miniapp-mock", "sub": "mock-user", "exp": expires_at, "scope": " ".join(granted)}
        token = {
            "value": f"{header}.{_b64url(json.dumps(claims).encode())}.",
            "expiresAt": expires_at,
            "scopes": granted,
        }
        self.tokens.append(token)
        return token

    def _payment_pay(self, p: dict) -> dict:
        order_id, amount, currency = p["orderId"], p["amountMinor"], p["currency"]
        if not 1 <= _utf8_len(order_id) <= LIMITS["orderIdBytes"]:
            raise _invalid(f"orderId must be 1 to {LIMITS['orderIdBytes']} bytes")
        if not isinstance(amount, int) or amount <= 0 or amount >= 2**64:
            raise _invalid("amountMinor must be positive")
        if len(currency) != 3 or not all("A" <= c <= "Z" for c in currency):
            raise _invalid(f"currency must be three upper-case letters (ISO 4217), got {currency!r}")
        for receipt in self.payments:
            if receipt["orderId"] == order_id:
                return receipt
        if self.payment_outcome == "cancelled":
            raise BridgeError("CANCELLED")
        if self.payment_outcome == "unavailable":
            raise BridgeError("UNAVAILABLE", "payment processor unavailable (mock)")
        receipt = {
            "orderId": order_id,
            "transactionId": f"mock-tx-{len(self.payments) + 1}",
            "amountMinor": amount,
            "currency": currency,
            "paidAt": self.now,
        }
        self.payments.append(receipt)
        return receipt

    def _payment_query(self, p: dict) -> dict:
        for receipt in self.payments:
            if receipt["orderId"] == p["orderId"]:
                return receipt
        raise BridgeError("NOT_FOUND")

    def _geolocation_current_position(self, p: dict) -> dict:
        if self.position is None:
            raise BridgeError("UNAVAILABLE", "no position fix")
        return dict(self.position)

    def _ui_toast(self, p: dict) -> None:
        if not 1 <= _utf8_len(p["message"]) <= LIMITS["toastBytes"]:
            raise _invalid(f"message must be 1 to {LIMITS['toastBytes']} bytes")
        self.toasts.append(p["message"])

    def _ui_modal(self, p: dict) -> int:
        buttons = p["buttons"]
        if not LIMITS["modalButtonsMin"] <= len(buttons) <= LIMITS["modalButtonsMax"]:
            raise _invalid(f"buttons: 1 to {LIMITS['modalButtonsMax']} required, got {len(buttons)}")
        self.modals.append({"title": p["title"], "message": p["message"], "buttons": list(buttons)})
        if not self.modal_answers:
            raise BridgeError("CANCELLED")
        answer = self.modal_answers.popleft()
        if not 0 <= answer < len(buttons):
            raise ValueError(f"MockBridge modal answer {answer} for a dialog with {len(buttons)} buttons")
        return answer

    def _ui_navigate(self, p: dict) -> None:
        if not p["route"].startswith("/"):
            raise _invalid("route must start with '/'")
        self.navigations.append(p["route"])

    def _ui_set_title(self, p: dict) -> None:
        if _utf8_len(p["title"]) > LIMITS["titleBytes"]:
            raise _invalid(f"title must be at most {LIMITS['titleBytes']} bytes")
        self.titles.append(p["title"])

    def _device_info(self, p: dict) -> dict:
        return json.loads(json.dumps(self.device_info))

    def _device_vibrate(self, p: dict) -> None:
        millis = p["millis"]
        if not 0 <= millis <= LIMITS["vibrateMillisMax"]:
            raise _invalid(f"millis must be at most {LIMITS['vibrateMillisMax']}")
        if not self.vibrator:
            raise BridgeError("UNAVAILABLE", "no vibrator")
        self.vibrations.append(millis)

    def _clipboard_read_text(self, p: dict) -> Optional[str]:
        return self.clipboard

    def _clipboard_write_text(self, p: dict) -> None:
        if _utf8_len(p["text"]) > LIMITS["clipboardTextBytes"]:
            raise _invalid(f"text must be at most {LIMITS['clipboardTextBytes']} bytes")
        self.clipboard = p["text"]

    def _share_share(self, p: dict) -> None:
        text, url = p["text"], p.get("url")
        if not text:
            raise _invalid("text must not be empty")
        if url is not None and not url.startswith(("https://", "http://")):
            raise _invalid("url must be http(s)")
        if self.share_cancels:
            raise BridgeError("CANCELLED")
        self.shares.append({"text": text, "url": url})

    def _log_log(self, p: dict) -> None:
        message = p["message"].encode("utf-8", "surrogatepass")[: LIMITS["logMessageBytes"]]
        self.logs.append((p["level"], message.decode("utf-8", "ignore")))


def _simulator(method: str) -> Callable[[MockBridge, dict], Any]:
    interface, function = method.split(".")
    snake = "".join("_" + c.lower() if c.isupper() else c for c in function)
    return getattr(MockBridge, f"_{interface}_{snake}")


#: One simulator per method of the contract's table (a missing one fails at import).
_SIMULATE = {m: _simulator(m) for m in METHOD_PERMISSIONS}


def _pytest_fixture():
    try:
        import pytest
    except ImportError:  # inside a component, or without pytest: no fixture
        return None

    @pytest.fixture
    def bridge():
        """A fresh MockBridge (granting nothing but ``log``), installed for this test."""
        with MockBridge() as mock:
            yield mock

    return bridge


bridge = _pytest_fixture()
