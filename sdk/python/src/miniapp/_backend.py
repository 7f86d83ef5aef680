"""Where calls go: the component's imports (componentize-py's ``wit_world``), or a mock.

Every wrapper calls :func:`call` with the JSON bridge's method name (``"storage.set"``) and params
(``{"key": ..., "value": b"..."}``); results come back in JSON shape (``{"orderId": ...}``, storage
values as ``bytes``). One shape for both backends is what lets the mock record and replay calls in
the Bridge Inspector's format.
"""

from __future__ import annotations

import base64
import importlib
from typing import Any, Callable, Dict, Optional, Protocol

from .errors import BridgeError


class Backend(Protocol):
    def call(self, method: str, params: Dict[str, Any]) -> Any: ...


_current: Optional[Backend] = None


def install(backend: Optional[Backend]) -> Optional[Backend]:
    """Makes ``backend`` answer every call (``None``: the component's imports again); returns the
    previous one."""
    global _current
    previous, _current = _current, backend
    return previous


def call(method: str, params: Dict[str, Any]) -> Any:
    return (_current or WIT).call(method, params)


def _code(variant: object) -> str:
    # componentize-py names the cases `BridgeError_PermissionDenied`, ...
    name = type(variant).__name__.split("_", 1)[-1]
    return "".join("_" + c if c.isupper() else c.upper() for c in name).lstrip("_")


#: Interfaces with a world of their own in wit/worlds.wit (``-w storage-app``); the others are in
#: ``mini-program`` (or a world of your own that includes them).
_OWN_WORLDS = ("storage", "auth", "payment", "geolocation", "ui", "device", "clipboard", "share", "haptics", "navigation", "settings", "secure-storage", "files", "biometrics", "notifications", "media", "updates", "performance")


def _kebab(name: str) -> str:
    """A method prefix as its WIT interface: ``secureStorage`` -> ``secure-storage``."""
    return "".join("-" + c.lower() if c.isupper() else c for c in name)


def _world_hint(interface: str) -> str:
    if interface in _OWN_WORLDS:
        return f"e.g. `-w {interface}-app`"
    return f"`-w mini-program`, or a world of your own that imports {interface}"


class WitBackend:
    """Calls the component's imports. Each interface is imported when first used, so a component
    built against a world without it (``-w storage-app``) only fails if it calls it."""

    def _module(self, interface: str):
        try:
            # componentize-py names the module in snake case: secure-storage -> secure_storage
            return importlib.import_module(f"wit_world.imports.{interface.replace('-', '_')}")
        except ImportError as e:
            raise ImportError(
                f"this component does not import miniapp:bridge/{interface}: build it against a "
                f"world that includes it ({_world_hint(interface)}), and declare its permission"
            ) from e

    def call(self, method: str, params: Dict[str, Any]) -> Any:
        interface = _kebab(method.split(".", 1)[0])
        wit = self._module(interface)
        from componentize_py_types import Err  # present in every componentize-py build

        try:
            return _WIT_CALLS[method](wit, params)
        except Err as e:
            value = e.value
            raise BridgeError(_code(value), getattr(value, "value", None), method) from None
        except BridgeError as e:  # an argument no WIT call can carry (see _enum)
            e.method = e.method or method
            raise


def _receipt(r) -> dict:
    return {
        "orderId": r.order_id,
        "transactionId": r.transaction_id,
        "amountMinor": r.amount_minor,
        "currency": r.currency,
        "paidAt": r.paid_at,
    }


def _set(w, p):
    w.set(p["key"], p["value"])


def _pay(w, p):
    request = w.PaymentRequest(p["orderId"], p["amountMinor"], p["currency"], p["description"])
    return _receipt(w.pay(request))


def _token(w, p):
    t = w.get_token(list(p["scopes"]))
    return {"value": t.value, "expiresAt": t.expires_at, "scopes": list(t.scopes)}


def _position(w, p):
    pos = w.current_position()
    return {"latitude": pos.latitude, "longitude": pos.longitude, "accuracyM": pos.accuracy_m}


def _device_info(w, p):
    i = w.info()
    s = i.screen
    return {
        "platform": i.platform,
        "hostVersion": i.host_version,
        "locale": i.locale,
        "screen": {"width": s.width, "height": s.height, "scale": s.scale},
    }


def _usage(w, p):
    u = w.usage()
    return {"usedBytes": u.used_bytes, "quotaBytes": u.quota_bytes}


def _enum(cls, value: Any, what: str):
    """The member of componentize-py's enum ``cls`` (members are upper-case: ``ImpactStyle.LIGHT``)
    named by the JSON value ``value`` (``"light"``); anything else is the ``INVALID_ARGUMENT`` the
    host would answer on the JSON bridge (a WIT call cannot carry it)."""
    names = [m.name.lower() for m in cls]
    if not isinstance(value, str) or value not in names:
        raise BridgeError("INVALID_ARGUMENT", f"{what} must be one of {', '.join(names)}, got {value!r}")
    return cls[value.upper()]


def _network_type(w, p):
    return w.network_type().name.lower()


def _battery(w, p):
    b = w.battery()
    return {"level": b.level, "charging": b.charging}


def _system_info(w, p):
    s = w.system_info()
    return {
        "brand": s.brand,
        "model": s.model,
        "osVersion": s.os_version,
        "theme": s.theme.name.lower(),
        "fontScale": s.font_scale,
    }


def _set_keep_screen_on(w, p):
    keep_on = p["keepOn"]
    if not isinstance(keep_on, bool):
        raise BridgeError("INVALID_ARGUMENT", f"keepOn must be a boolean, got {keep_on!r}")
    w.set_keep_screen_on(keep_on)


def _vibrate_short(w, p):
    w.vibrate_short(_enum(w.ImpactStyle, p["style"], "style"))


def _notify(w, p):
    w.notify(_enum(w.HapticNotification, p["kind"], "kind"))


def _choose_image(w, p):
    max_bytes = p["maxBytes"]
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or not 0 <= max_bytes <= 0xFFFFFFFF:
        raise BridgeError("INVALID_ARGUMENT", f"maxBytes must be 1 to 4194304, got {max_bytes!r}")
    i = w.choose_image(_enum(w.ImageSource, p["source"], "source"), max_bytes)
    # The JSON bridge's shape: the image's bytes in base64 (media.Image decodes them).
    data = base64.b64encode(bytes(i.data)).decode("ascii")
    return {"mimeType": i.mime_type, "data": data, "width": i.width, "height": i.height}


def _permission_status(s) -> dict:
    # componentize-py names enum cases in upper snake case: NOT_ASKED -> notAsked.
    head, *rest = s.state.name.lower().split("_")
    state = head + "".join(r.capitalize() for r in rest)
    return {"permission": s.permission, "state": state, "active": bool(s.active)}


def _file_info(f) -> dict:
    return {"path": f.path, "size": f.size, "modifiedAt": f.modified_at}


def _update_status(s) -> dict:
    return {"current": s.current, "pending": s.pending}


def _metrics(w, p):
    f = w.metrics()
    l = f.launch
    launch = None if l is None else {
        "loadMs": l.load_ms,
        "linkMs": l.link_ms,
        "instantiateMs": l.instantiate_ms,
        "onLaunchMs": l.on_launch_ms,
    }
    return {"launch": launch, "bridgeCalls": f.bridge_calls, "bridgeHostMs": f.bridge_host_ms, "guestMs": f.guest_ms}


def _log(w, p):
    w.log(w.Level[p["level"].upper()], p["message"])


_WIT_CALLS: Dict[str, Callable[[Any, Dict[str, Any]], Any]] = {
    "storage.set": _set,
    "storage.get": lambda w, p: w.get(p["key"]),
    "storage.remove": lambda w, p: w.remove(p["key"]),
    "storage.keys": lambda w, p: list(w.keys()),
    "storage.clear": lambda w, p: w.clear(),
    "storage.usage": _usage,
    "auth.getToken": _token,
    "auth.loginCode": lambda w, p: (lambda c: {"code": c.code, "expiresAt": c.expires_at})(w.login_code()),
    "auth.profile": lambda w, p: (lambda u: {"nickname": u.nickname, "avatarUrl": u.avatar_url})(w.profile()),
    "payment.pay": _pay,
    "payment.query": lambda w, p: _receipt(w.query(p["orderId"])),
    "geolocation.currentPosition": _position,
    "ui.toast": lambda w, p: w.toast(p["message"]),
    "ui.modal": lambda w, p: w.modal(p["title"], p["message"], list(p["buttons"])),
    "ui.navigate": lambda w, p: w.navigate(p["route"]),
    "ui.setTitle": lambda w, p: w.set_title(p["title"]),
    "ui.actionSheet": lambda w, p: w.action_sheet(list(p["items"])),
    "ui.showLoading": lambda w, p: w.show_loading(p["title"]),
    "ui.hideLoading": lambda w, p: w.hide_loading(),
    "ui.setNavigationBarColor": lambda w, p: w.set_navigation_bar_color(p["frontColor"], p["backgroundColor"]),
    "ui.pickDate": lambda w, p: w.pick_date(p["initial"], p.get("start"), p.get("end")),
    "device.info": _device_info,
    "device.vibrate": lambda w, p: w.vibrate(p["millis"]),
    "device.networkType": _network_type,
    "device.battery": _battery,
    "device.setKeepScreenOn": _set_keep_screen_on,
    "device.systemInfo": _system_info,
    "clipboard.readText": lambda w, p: w.read_text(),
    "clipboard.writeText": lambda w, p: w.write_text(p["text"]),
    "share.share": lambda w, p: w.share(p["text"], p.get("url")),
    "haptics.vibrateShort": _vibrate_short,
    "haptics.vibrateLong": lambda w, p: w.vibrate_long(),
    "haptics.notify": _notify,
    "haptics.selectionChanged": lambda w, p: w.selection_changed(),
    "navigation.openMiniProgram": lambda w, p: w.open_mini_program(p["appId"], p.get("path"), p.get("extraData")),
    "navigation.openUrl": lambda w, p: w.open_url(p["url"]),
    "navigation.exit": lambda w, p: w.exit(),
    "settings.permissions": lambda w, p: [_permission_status(s) for s in w.permissions()],
    "settings.request": lambda w, p: _permission_status(w.request(p["permission"])),
    "settings.openHostSettings": lambda w, p: w.open_host_settings(),
    "secureStorage.set": lambda w, p: w.set(p["key"], p["value"]),
    "secureStorage.get": lambda w, p: w.get(p["key"]),
    "secureStorage.remove": lambda w, p: w.remove(p["key"]),
    "files.write": lambda w, p: w.write(p["path"], p["data"]),
    "files.read": lambda w, p: w.read(p["path"]),
    "files.list": lambda w, p: [_file_info(f) for f in w.list(p["dir"])],
    "files.stat": lambda w, p: _file_info(w.stat(p["path"])),
    "files.remove": lambda w, p: w.remove(p["path"]),
    "biometrics.authenticate": lambda w, p: w.authenticate(p["reason"]),
    "notifications.requestPermission": lambda w, p: w.request_permission(),
    "notifications.schedule": lambda w, p: w.schedule(p["id"], p["title"], p["body"], p["at"]),
    "notifications.subscribe": lambda w, p: w.subscribe(p["topic"]),
    "media.chooseImage": _choose_image,
    "media.scanCode": lambda w, p: (lambda c: {"text": c.text, "format": c.format})(w.scan_code()),
    "updates.status": lambda w, p: _update_status(w.status()),
    "updates.check": lambda w, p: _update_status(w.check()),
    "performance.metrics": _metrics,
    "log.log": _log,
}

#: Every method the SDK wraps: the contract's table (a test checks it against web/bridge/protocol.js).
METHODS = tuple(_WIT_CALLS)

WIT = WitBackend()


def typed(method: str, params: Dict[str, Any], convert: Callable[[Any], Any]) -> Any:
    """``call`` then ``convert`` the JSON-shaped result; a malformed result (from a hand-written
    replay) is a ``JSON`` error, not a ``KeyError`` from deep inside."""
    value = call(method, params)
    try:
        return convert(value)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise BridgeError("JSON", f"result of {method} is malformed: {e!r}", method) from None
