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
limits; storage counts its quota as the host does; payments are idempotent on the order id;
dialogs, action sheets and date pickers are dismissed (``CANCELLED``) once the answers given run
out; ``navigation`` opens only the mini-programs the mock knows (``NOT_FOUND`` otherwise).
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from . import _backend
from ._contract import (
    LIMITS,
    METHOD_PERMISSIONS,
    PERMISSIONS,
    SENSITIVE_PERMISSIONS,
    is_calendar_date,
    is_hex_color,
    is_web_url,
    storage_entry_bytes,
)
from .errors import BridgeError
from .types import HAPTIC_NOTIFICATIONS, IMAGE_SOURCES, IMPACT_STYLES, NETWORK_TYPES, THEMES, Image, ScannedCode

#: What the mock's image picker returns unless told otherwise: a 1x1 PNG (the development host's).
SAMPLE_IMAGE = Image(
    "image/png",
    base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP438DwHwAGgAJ/zxIJ8QAAAABJRU5ErkJggg=="),
    1,
    1,
)
#: What the mock's code scanner reads unless told otherwise.
SAMPLE_SCAN = ScannedCode("https://example.com/miniapp", "qr")

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


#: Longest ``path`` of ``navigation.openMiniProgram``, in bytes (the host's rule; not a limit of
#: protocol.js).
_MINI_PROGRAM_PATH_BYTES = 1000


def _is_app_id(s: object) -> bool:
    """Three or more dot-separated segments of ``a-z``, ``0-9`` and ``-`` (``com.acme.loans``)."""
    if not isinstance(s, str):
        return False
    segments = s.split(".")
    return len(segments) >= 3 and all(
        seg and all("a" <= c <= "z" or "0" <= c <= "9" or c == "-" for c in seg) for seg in segments
    )


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
        self.network_type = "wifi"
        self.battery: Optional[Dict[str, Any]] = {"level": 100, "charging": False}
        self.system_info = {
            "brand": "mock",
            "model": "mock phone",
            "osVersion": "1.0",
            "theme": "light",
            "fontScale": 1.0,
        }
        self.share_cancels = False
        self.modal_answers: deque = deque()
        self.date_answers: deque = deque()
        self.known_apps: set = set()
        self.navigation_declines = False
        self.app_id = "com.example.mock"
        #: Declared but not granted (the user said no, or the host withholds it): ``denied``.
        self.declined: set = set()
        #: Declared sensitive permissions the user was not asked about yet: ``notAsked``.
        self.not_asked: set = set()
        #: What the user answers when ``settings.request`` asks again.
        self.request_answer = True
        self.settings_page = True
        #: Answers given to ``settings.request`` (active from the next launch).
        self.answers: Dict[str, bool] = {}
        #: Permissions ``settings.request`` asked the user about, in order.
        self.consent_requests: List[str] = []
        self.settings_opened = 0
        #: The keystore's content (``secure_storage``).
        self.secrets: Dict[str, str] = {}
        self.keystore = True
        self.profile_declined = False
        self.notifications_off = False
        #: Local notifications scheduled: id -> ``{"title", "body", "at"}``.
        self.notifications: Dict[str, dict] = {}
        #: Push topics subscribed to, in order.
        self.topics: List[str] = []
        #: How the next biometric prompts end: ``"recognised"``, ``"cancel"``, ``"unavailable"``.
        self.biometric_answers: deque = deque()
        #: Reasons shown on biometric prompts, in order.
        self.biometric_prompts: List[str] = []
        #: The device has a camera (``media``).
        self.camera = True
        #: Images the next pickers return (an ``Image``, or ``"cancel"``); SAMPLE_IMAGE once empty.
        self.image_answers: deque = deque()
        #: Codes the next scanners read (a ``ScannedCode``, or ``"cancel"``); SAMPLE_SCAN once empty.
        self.scan_answers: deque = deque()
        #: What ``media`` showed, in order: ``"camera"``, ``"album"`` or ``"scanner"``.
        self.media_shown: List[str] = []
        #: The running version (``updates.status``'s ``current``).
        self.version = "1.0.0"
        #: What the next ``updates.check`` finds: a version (staged), ``None`` (nothing newer) or
        #: ``"unavailable"`` (no marketplace).
        self.update_offer: Optional[str] = None
        #: ``updates.check`` calls, and the version one staged.
        self.update_checks = 0
        self.staged: Optional[str] = None
        #: Login codes minted (``auth.login_code``).
        self.login_codes: List[dict] = []
        #: The app's files (``files``): path -> ``{"data", "modifiedAt"}``; on the storage quota.
        self.files: Dict[str, dict] = {}
        # What the mini-program did, for assertions.
        self.storage: Dict[str, bytes] = {}
        self.payments: List[dict] = []
        self.tokens: List[dict] = []
        self.toasts: List[str] = []
        self.modals: List[dict] = []
        self.navigations: List[str] = []
        self.titles: List[str] = []
        self.vibrations: List[int] = []
        self.action_sheets: List[List[str]] = []
        #: The loading indicator's title while it shows.
        self.loading: Optional[str] = None
        self.bar_colors: List[tuple] = []
        self.date_pickers: List[dict] = []
        #: Whether the mini-program asked to keep the screen on (its last ``set_keep_screen_on``).
        self.keep_screen_on = False
        #: Haptic effects played: ``{"effect": "short", "style": ...}``, ``{"effect": "long"}``,
        #: ``{"effect": "notification", "kind": ...}``, ``{"effect": "selection"}``.
        self.haptics: List[dict] = []
        #: Mini-programs, web pages and exits, in order: ``{"appId", "path", "extraData"}``,
        #: ``{"url"}``, ``{"exit": True}``.
        self.opened: List[dict] = []
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
        """Buttons (or action-sheet items) the user presses in the next dialogs and action
        sheets, in order; once they run out, both are dismissed (``CANCELLED``)."""
        self.modal_answers.extend(answers)
        return self

    def with_date_answers(self, *dates: str) -> "MockBridge":
        """Dates (``YYYY-MM-DD``) the user picks in the next date pickers; once they run out,
        pickers are dismissed (``CANCELLED``)."""
        for d in dates:
            if not is_calendar_date(d):
                raise ValueError(f"MockBridge date answer {d!r} is not a calendar date YYYY-MM-DD")
        self.date_answers.extend(dates)
        return self

    def with_network_type(self, network_type: str) -> "MockBridge":
        """What ``device.network_type()`` answers (default ``"wifi"``)."""
        if network_type not in NETWORK_TYPES:
            raise ValueError(f"network type {network_type!r}: one of {', '.join(NETWORK_TYPES)}")
        self.network_type = network_type
        return self

    def with_battery(self, level: int, charging: bool = False) -> "MockBridge":
        """What ``device.battery()`` answers (default full, not charging)."""
        if not isinstance(level, int) or not 0 <= level <= 100:
            raise ValueError(f"battery level {level!r}: 0 to 100 percent")
        self.battery = {"level": level, "charging": bool(charging)}
        return self

    def without_battery(self) -> "MockBridge":
        """``device.battery()`` is ``UNAVAILABLE``."""
        self.battery = None
        return self

    def with_system_info(
        self,
        brand: Optional[str] = None,
        model: Optional[str] = None,
        os_version: Optional[str] = None,
        theme: Optional[str] = None,
        font_scale: Optional[float] = None,
    ) -> "MockBridge":
        """Changes what ``device.system_info()`` answers (default ``mock`` / ``mock phone`` /
        ``1.0`` / ``light`` / 1.0); fields not given stay."""
        if theme is not None and theme not in THEMES:
            raise ValueError(f"theme {theme!r}: one of {', '.join(THEMES)}")
        for name, value in (
            ("brand", brand),
            ("model", model),
            ("osVersion", os_version),
            ("theme", theme),
            ("fontScale", font_scale),
        ):
            if value is not None:
                self.system_info[name] = value
        return self

    def with_known_apps(self, *app_ids: str) -> "MockBridge":
        """Mini-programs the host knows: ``navigation.open_mini_program`` opens them, and
        answers ``NOT_FOUND`` for any other id."""
        self.known_apps.update(app_ids)
        return self

    def navigation_declined(self) -> "MockBridge":
        """The user declines opening other mini-programs and web pages (``CANCELLED``)."""
        self.navigation_declines = True
        return self

    def with_app_id(self, app_id: str) -> "MockBridge":
        """This mini-program's id (default ``com.example.mock``): it may not open itself."""
        self.app_id = app_id
        return self

    def with_declined(self, *permissions: str) -> "MockBridge":
        """Declared but not granted at this launch: the user said no (for a permission that
        needs no consent, the host's policy withholds it)."""
        self.declined.update(permissions)
        return self

    def with_not_asked(self, *permissions: str) -> "MockBridge":
        """Declared sensitive permissions the user was not asked about yet."""
        self.not_asked.update(permissions)
        return self

    def requests_declined(self) -> "MockBridge":
        """The user says no when ``settings.request`` asks again (default yes)."""
        self.request_answer = False
        return self

    def with_biometric_answers(self, *answers: str) -> "MockBridge":
        """How the next biometric prompts end (``recognised`` once they run out)."""
        for a in answers:
            if a not in ("recognised", "cancel", "unavailable"):
                raise ValueError(f"biometric answer {a!r}: recognised, cancel or unavailable")
        self.biometric_answers.extend(answers)
        return self

    def with_version(self, version: str) -> "MockBridge":
        """The running version ``updates.status`` reports (default ``1.0.0``)."""
        self.version = version
        return self

    def with_update(self, offer: Optional[str]) -> "MockBridge":
        """What ``updates.check`` finds: a version (it is staged), ``None`` (nothing newer) or
        ``"unavailable"`` (no marketplace, or offline)."""
        self.update_offer = offer
        return self

    def without_camera(self) -> "MockBridge":
        """No camera: ``scan_code`` and ``choose_image("camera")`` are ``UNAVAILABLE``."""
        self.camera = False
        return self

    def with_images(self, *answers: Union[Image, str]) -> "MockBridge":
        """What the next image pickers return: an ``Image`` or ``"cancel"``."""
        for a in answers:
            if not isinstance(a, Image) and a != "cancel":
                raise ValueError(f"image answer {a!r}: an Image or 'cancel'")
        self.image_answers.extend(answers)
        return self

    def with_scans(self, *answers: Union[ScannedCode, str]) -> "MockBridge":
        """What the next code scanners read: a ``ScannedCode`` or ``"cancel"``."""
        for a in answers:
            if not isinstance(a, ScannedCode) and a != "cancel":
                raise ValueError(f"scan answer {a!r}: a ScannedCode or 'cancel'")
        self.scan_answers.extend(answers)
        return self

    def with_notifications_off(self) -> "MockBridge":
        """``request_permission`` answers False; ``schedule`` is ``UNAVAILABLE``."""
        self.notifications_off = True
        return self

    def profile_declines(self) -> "MockBridge":
        """The user declines to share their profile: ``auth.profile`` is ``CANCELLED``."""
        self.profile_declined = True
        return self

    def without_keystore(self) -> "MockBridge":
        """Every ``secure_storage`` call is ``UNAVAILABLE``."""
        self.keystore = False
        return self

    def without_settings_page(self) -> "MockBridge":
        """``settings.open_host_settings`` is ``UNAVAILABLE``."""
        self.settings_page = False
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
        """No vibrator: ``device.vibrate`` and every ``haptics`` call are ``UNAVAILABLE``."""
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
        """Storage entries and files, as the host counts them against the one quota."""
        keys = sum(storage_entry_bytes(_utf8_len(k), len(v)) for k, v in self.storage.items())
        files = sum(storage_entry_bytes(_utf8_len(p), _utf8_len(f["data"])) for p, f in self.files.items())
        return keys + files

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

    @staticmethod
    def _notification_name(v: object, name: str) -> str:
        if not isinstance(v, str) or not re.fullmatch(r"[a-z0-9._-]{1,64}", v):
            raise _invalid(f"{name} must be 1 to 64 bytes of a-z, 0-9, '.', '_', '-'")
        return v

    def _notifications_request_permission(self, p: dict) -> bool:
        return not self.notifications_off

    def _notifications_schedule(self, p: dict) -> None:
        nid = self._notification_name(p["id"], "id")
        title, body, at = p["title"], p["body"], p["at"]
        if not isinstance(title, str) or not title.strip() or _utf8_len(title) > LIMITS["notificationTitleBytes"]:
            raise _invalid("title must be 1 to 64 bytes")
        if not isinstance(body, str) or _utf8_len(body) > LIMITS["notificationBodyBytes"]:
            raise _invalid("body must be at most 256 bytes")
        if not isinstance(at, int) or isinstance(at, bool) or at <= self.now:
            raise _invalid("at must be in the future (Unix seconds)")
        if self.notifications_off:
            raise BridgeError("UNAVAILABLE", "notifications are off")
        self.notifications[nid] = {"title": title, "body": body, "at": at}

    def _notifications_subscribe(self, p: dict) -> None:
        topic = self._notification_name(p["topic"], "topic")
        if topic not in self.topics:
            self.topics.append(topic)

    def _media_choose_image(self, p: dict) -> dict:
        source, max_bytes = p["source"], p["maxBytes"]
        if source not in IMAGE_SOURCES:
            raise _invalid(f"source must be one of {', '.join(IMAGE_SOURCES)}, got {source!r}")
        limit = LIMITS["imageBytes"]
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or not 1 <= max_bytes <= limit:
            raise _invalid(f"maxBytes must be 1 to {limit}, got {max_bytes!r}")
        if source == "camera" and not self.camera:
            raise BridgeError("UNAVAILABLE", "no camera")
        self.media_shown.append(source)
        answer = self.image_answers.popleft() if self.image_answers else SAMPLE_IMAGE
        if answer == "cancel":
            raise BridgeError("CANCELLED")
        if len(answer.data) > max_bytes:
            raise BridgeError("QUOTA_EXCEEDED")
        return answer.to_json()

    def _media_scan_code(self, p: dict) -> dict:
        if not self.camera:
            raise BridgeError("UNAVAILABLE", "no camera")
        self.media_shown.append("scanner")
        answer = self.scan_answers.popleft() if self.scan_answers else SAMPLE_SCAN
        if answer == "cancel":
            raise BridgeError("CANCELLED")
        return {"text": answer.text, "format": answer.format}

    def _updates_status(self, p: dict) -> dict:
        return {"current": self.version, "pending": self.staged}

    def _updates_check(self, p: dict) -> dict:
        self.update_checks += 1
        if self.update_offer == "unavailable":
            raise BridgeError("UNAVAILABLE", "no marketplace")
        if self.update_offer is not None:
            self.staged = self.update_offer
        return self._updates_status(p)

    def _performance_metrics(self, p: dict) -> dict:
        # A mock has no launch to measure: zeros, and this instance's calls (this one included).
        launch = {"loadMs": 0.0, "linkMs": 0.0, "instantiateMs": 0.0, "onLaunchMs": None}
        return {"launch": launch, "bridgeCalls": len(self.calls) + 1, "bridgeHostMs": 0.0, "guestMs": 0.0}

    def _biometrics_authenticate(self, p: dict) -> None:
        reason = p["reason"]
        if (
            not isinstance(reason, str)
            or not reason.strip()
            or _utf8_len(reason) > LIMITS["biometricReasonBytes"]
            or any(unicodedata.category(c) == "Cc" for c in reason)
        ):
            raise _invalid(f"reason must be 1 to {LIMITS['biometricReasonBytes']} bytes of visible text")
        answer = self.biometric_answers.popleft() if self.biometric_answers else "recognised"
        if answer == "unavailable":
            raise BridgeError("UNAVAILABLE", "no biometric sensor")
        self.biometric_prompts.append(reason)
        if answer == "cancel":
            raise BridgeError("CANCELLED")

    def _auth_login_code(self, p: dict) -> dict:
        if not self.signed_in:
            raise BridgeError("UNAVAILABLE", "no signed-in user")
        code = {"code": f"mock-login-code-{len(self.login_codes) + 1}", "expiresAt": self.now + 5 * 60}
        self.login_codes.append(code)
        return code

    def _auth_profile(self, p: dict) -> dict:
        if not self.signed_in:
            raise BridgeError("UNAVAILABLE", "no signed-in user")
        if self.profile_declined:
            raise BridgeError("CANCELLED")
        return {"nickname": "mock-user", "avatarUrl": None}

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

    def _ui_action_sheet(self, p: dict) -> int:
        items = p["items"]
        if not 1 <= len(items) <= LIMITS["actionSheetItemsMax"]:
            raise _invalid(f"items: 1 to {LIMITS['actionSheetItemsMax']} required, got {len(items)}")
        if not all(isinstance(i, str) and 1 <= _utf8_len(i) <= LIMITS["labelBytes"] for i in items):
            raise _invalid(f"each item must be 1 to {LIMITS['labelBytes']} bytes")
        self.action_sheets.append(list(items))
        if not self.modal_answers:
            raise BridgeError("CANCELLED")
        answer = self.modal_answers.popleft()
        if not 0 <= answer < len(items):
            raise ValueError(f"MockBridge modal answer {answer} for an action sheet with {len(items)} items")
        return answer

    def _ui_show_loading(self, p: dict) -> None:
        title = p["title"]
        if not isinstance(title, str) or not 1 <= _utf8_len(title) <= LIMITS["titleBytes"]:
            raise _invalid(f"title must be 1 to {LIMITS['titleBytes']} bytes")
        self.loading = title

    def _ui_hide_loading(self, p: dict) -> None:
        self.loading = None

    def _ui_set_navigation_bar_color(self, p: dict) -> None:
        front, background = p["frontColor"], p["backgroundColor"]
        if front not in ("#ffffff", "#000000"):
            raise _invalid("frontColor must be #ffffff or #000000")
        if not is_hex_color(background):
            raise _invalid("backgroundColor must be #rrggbb")
        self.bar_colors.append((front, background))

    def _ui_pick_date(self, p: dict) -> str:
        initial, start, end = p["initial"], p.get("start"), p.get("end")
        for what, date in (("initial", initial), ("start", start), ("end", end)):
            if (what == "initial" or date is not None) and not is_calendar_date(date):
                raise _invalid(f"{what} must be a calendar date YYYY-MM-DD")

        def within(d: str) -> bool:
            return (start is None or start <= d) and (end is None or d <= end)

        if not within(initial):
            raise _invalid("initial must lie within start..end")
        self.date_pickers.append({"initial": initial, "start": start, "end": end})
        if not self.date_answers:
            raise BridgeError("CANCELLED")
        answer = self.date_answers.popleft()
        if not within(answer):
            raise ValueError(f"MockBridge date answer {answer!r} is outside the picker's range")
        return answer

    def _device_info(self, p: dict) -> dict:
        return json.loads(json.dumps(self.device_info))

    def _device_vibrate(self, p: dict) -> None:
        millis = p["millis"]
        if not 0 <= millis <= LIMITS["vibrateMillisMax"]:
            raise _invalid(f"millis must be at most {LIMITS['vibrateMillisMax']}")
        if not self.vibrator:
            raise BridgeError("UNAVAILABLE", "no vibrator")
        self.vibrations.append(millis)

    def _device_network_type(self, p: dict) -> str:
        return self.network_type

    def _device_battery(self, p: dict) -> dict:
        if self.battery is None:
            raise BridgeError("UNAVAILABLE", "no battery")
        return dict(self.battery)

    def _device_set_keep_screen_on(self, p: dict) -> None:
        keep_on = p["keepOn"]
        if not isinstance(keep_on, bool):
            raise _invalid("keepOn must be a boolean")
        self.keep_screen_on = keep_on

    def _device_system_info(self, p: dict) -> dict:
        return dict(self.system_info)

    def _play(self, effect: dict) -> None:
        if not self.vibrator:
            raise BridgeError("UNAVAILABLE", "no haptic engine")
        self.haptics.append(effect)

    def _haptics_vibrate_short(self, p: dict) -> None:
        if p["style"] not in IMPACT_STYLES:
            raise _invalid(f"style must be one of {', '.join(IMPACT_STYLES)}")
        self._play({"effect": "short", "style": p["style"]})

    def _haptics_vibrate_long(self, p: dict) -> None:
        self._play({"effect": "long"})

    def _haptics_notify(self, p: dict) -> None:
        if p["kind"] not in HAPTIC_NOTIFICATIONS:
            raise _invalid(f"kind must be one of {', '.join(HAPTIC_NOTIFICATIONS)}")
        self._play({"effect": "notification", "kind": p["kind"]})

    def _haptics_selection_changed(self, p: dict) -> None:
        self._play({"effect": "selection"})

    def _navigation_open_mini_program(self, p: dict) -> None:
        app_id, path, extra_data = p["appId"], p.get("path"), p.get("extraData")
        if not _is_app_id(app_id):
            raise _invalid("appId must look like com.acme.loans")
        if app_id == self.app_id:
            raise _invalid("appId is this mini-program's own id")
        if path is not None and (
            not isinstance(path, str) or not path.startswith("/") or _utf8_len(path) > _MINI_PROGRAM_PATH_BYTES
        ):
            raise _invalid(f"path must start with '/' and be at most {_MINI_PROGRAM_PATH_BYTES} bytes")
        if extra_data is not None and (
            not isinstance(extra_data, str) or _utf8_len(extra_data) > LIMITS["extraDataBytes"]
        ):
            raise _invalid(f"extraData must be at most {LIMITS['extraDataBytes']} bytes")
        if app_id not in self.known_apps:
            raise BridgeError("NOT_FOUND", f"no mini-program {app_id}")
        if self.navigation_declines:
            raise BridgeError("CANCELLED")
        self.opened.append({"appId": app_id, "path": path, "extraData": extra_data})

    def _navigation_open_url(self, p: dict) -> None:
        url = p["url"]
        if not is_web_url(url):
            raise _invalid(f"url must be http(s) with a host, at most {LIMITS['urlBytes']} bytes")
        if self.navigation_declines:
            raise BridgeError("CANCELLED")
        self.opened.append({"url": url})

    def _navigation_exit(self, p: dict) -> None:
        self.opened.append({"exit": True})

    def _file_path(self, path: object) -> str:
        n = _utf8_len(path) if isinstance(path, str) else -1
        if not 1 <= n <= LIMITS["filePathBytes"]:
            raise _invalid(f"path must be 1 to {LIMITS['filePathBytes']} bytes")
        if path.startswith("/"):
            raise _invalid("path must be relative (no leading '/')")
        if "\\" in path or any(unicodedata.category(c) == "Cc" for c in path):
            raise _invalid("path must not contain control characters (NUL included) or a backslash")
        if any(s in ("", ".", "..") for s in path.split("/")):
            raise _invalid("path segments must not be empty, '.' or '..'")
        return path

    def _file_info(self, path: str) -> dict:
        f = self.files[path]
        return {"path": path, "size": _utf8_len(f["data"]), "modifiedAt": f["modifiedAt"]}

    def _files_write(self, p: dict) -> None:
        path, data = self._file_path(p["path"]), p["data"]
        if not isinstance(data, str) or _utf8_len(data) > LIMITS["fileBytes"]:
            raise _invalid(f"data must be a string of at most {LIMITS['fileBytes']} bytes")
        p_len = _utf8_len(path)
        old = storage_entry_bytes(p_len, _utf8_len(self.files[path]["data"])) if path in self.files else 0
        if self.used_bytes() - old + storage_entry_bytes(p_len, _utf8_len(data)) > self.quota_bytes:
            raise BridgeError("QUOTA_EXCEEDED")
        self.files[path] = {"data": data, "modifiedAt": self.now}

    def _files_read(self, p: dict) -> str:
        path = self._file_path(p["path"])
        if path not in self.files:
            raise BridgeError("NOT_FOUND", f"no file {path}")
        return self.files[path]["data"]

    def _files_list(self, p: dict) -> list:
        d = p["dir"]
        prefix = "" if d == "" else self._file_path(d) + "/"
        return [self._file_info(path) for path in sorted(self.files) if path.startswith(prefix)]

    def _files_stat(self, p: dict) -> dict:
        path = self._file_path(p["path"])
        if path not in self.files:
            raise BridgeError("NOT_FOUND", f"no file {path}")
        return self._file_info(path)

    def _files_remove(self, p: dict) -> bool:
        return self.files.pop(self._file_path(p["path"]), None) is not None

    def _secure_key(self, key: object) -> str:
        n = _utf8_len(key) if isinstance(key, str) else -1
        if not 1 <= n <= LIMITS["secureKeyBytes"]:
            raise _invalid(f"key must be 1 to {LIMITS['secureKeyBytes']} bytes")
        if any(unicodedata.category(c) == "Cc" for c in key):
            raise _invalid("key must not contain control characters (NUL included)")
        if not self.keystore:
            raise BridgeError("UNAVAILABLE", "no keystore")
        return key

    def _secure_storage_set(self, p: dict) -> None:
        value = p["value"]
        if not isinstance(value, str) or _utf8_len(value) > LIMITS["secureValueBytes"]:
            raise _invalid(f"value must be a string of at most {LIMITS['secureValueBytes']} bytes")
        key = self._secure_key(p["key"])
        if key not in self.secrets and len(self.secrets) >= LIMITS["secureEntriesMax"]:
            raise BridgeError("QUOTA_EXCEEDED")
        self.secrets[key] = value

    def _secure_storage_get(self, p: dict) -> Optional[str]:
        return self.secrets.get(self._secure_key(p["key"]))

    def _secure_storage_remove(self, p: dict) -> bool:
        return self.secrets.pop(self._secure_key(p["key"]), None) is not None

    def _declared(self, permission: str) -> bool:
        return permission in self.permissions or permission in self.declined or permission in self.not_asked

    def _permission_status(self, permission: str) -> dict:
        if permission in self.answers:
            state = "granted" if self.answers[permission] else "denied"
        elif permission in self.permissions:
            state = "granted"
        elif permission in self.not_asked:
            state = "notAsked"
        else:
            state = "denied"
        return {"permission": permission, "state": state, "active": permission in self.permissions}

    def _settings_permissions(self, p: dict) -> list:
        return [self._permission_status(q) for q in PERMISSIONS if self._declared(q)]

    def _settings_request(self, p: dict) -> dict:
        name = p["permission"]
        if not isinstance(name, str) or name not in PERMISSIONS or not self._declared(name):
            raise _invalid(f"permission {name!r} is not declared in this mini-program's manifest")
        current = self._permission_status(name)
        no_prompt = name not in SENSITIVE_PERMISSIONS or name in self.consent_requests
        if current["state"] == "granted" or no_prompt:
            return current
        self.consent_requests.append(name)
        self.answers[name] = self.request_answer
        return self._permission_status(name)

    def _settings_open_host_settings(self, p: dict) -> None:
        if not self.settings_page:
            raise BridgeError("UNAVAILABLE", "no settings page")
        self.settings_opened += 1

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
    snake = "".join("_" + c.lower() if c.isupper() else c for c in method.replace(".", "_"))
    return getattr(MockBridge, f"_{snake}")


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
