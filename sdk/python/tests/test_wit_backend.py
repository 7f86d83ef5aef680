"""The WIT backend against stand-ins of componentize-py's generated modules (the real ones exist
only inside a component; tests/tests/python.rs runs the SDK there)."""

import sys
import types
from dataclasses import dataclass
from enum import Enum

import pytest

from miniapp import BatteryInfo, BridgeError, SystemInfo, auth, device, haptics, log, navigation, payment, storage, ui
from miniapp._backend import _code


class Err(Exception):
    def __init__(self, value):
        self.value = value


@dataclass
class BridgeError_PermissionDenied:  # noqa: N801 - componentize-py's spelling
    pass


@dataclass
class BridgeError_InvalidArgument:  # noqa: N801
    value: str


@dataclass
class BridgeError_QuotaExceeded:  # noqa: N801
    pass


@dataclass
class BridgeError_NotFound:  # noqa: N801
    pass


@dataclass
class BridgeError_Unavailable:  # noqa: N801
    value: str


@dataclass
class BridgeError_Cancelled:  # noqa: N801
    pass


@pytest.fixture
def wit(monkeypatch):
    """A fake `wit_world` with `storage`, `payment` and `log` (a storage+payment world)."""
    calls = []
    stored = {}

    def set_(key, value):
        calls.append(("set", key, value))
        if key == "":
            raise Err(BridgeError_InvalidArgument("key must be 1 to 1024 bytes"))
        if len(value) > 10:
            raise Err(BridgeError_QuotaExceeded())
        stored[key] = value

    storage_mod = types.SimpleNamespace(set=set_, get=lambda k: stored.get(k), keys=lambda: sorted(stored))

    @dataclass
    class PaymentRequest:
        order_id: str
        amount_minor: int
        currency: str
        description: str

    def pay(request):
        calls.append(("pay", request))
        raise Err(BridgeError_PermissionDenied())

    class Level(Enum):
        TRACE = 0
        DEBUG = 1
        INFO = 2
        WARN = 3
        ERROR = 4

    log_mod = types.SimpleNamespace(Level=Level, log=lambda level, message: calls.append(("log", level, message)))
    modules = {
        "componentize_py_types": types.SimpleNamespace(Err=Err),
        "wit_world": types.ModuleType("wit_world"),
        "wit_world.imports": types.ModuleType("wit_world.imports"),
        "wit_world.imports.storage": storage_mod,
        "wit_world.imports.payment": types.SimpleNamespace(PaymentRequest=PaymentRequest, pay=pay),
        "wit_world.imports.log": log_mod,
    }
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    return calls


@pytest.fixture
def wit_new(monkeypatch):
    """A fake `wit_world` with `haptics`, `navigation`, `device` and `ui` as componentize-py
    generates them from wit/: kebab-case functions in snake_case, enums as `Enum`s with upper-case
    members, records as dataclasses, `option<string>` as `Optional[str]`."""
    calls = []

    def record(name, *args, result=None, error=None):
        def f(*a):
            calls.append((name, *a))
            if error is not None:
                raise Err(error)
            return result

        return f

    class ImpactStyle(Enum):
        LIGHT = 0
        MEDIUM = 1
        HEAVY = 2

    class HapticNotification(Enum):
        SUCCESS = 0
        WARNING = 1
        ERROR = 2

    haptics_mod = types.SimpleNamespace(
        ImpactStyle=ImpactStyle,
        HapticNotification=HapticNotification,
        vibrate_short=record("vibrate_short"),
        vibrate_long=record("vibrate_long"),
        notify=record("notify"),
        selection_changed=record("selection_changed", error=BridgeError_Unavailable("no vibrator")),
    )

    def open_mini_program(app_id, path, extra_data):
        calls.append(("open_mini_program", app_id, path, extra_data))
        if app_id != "com.acme.loans":
            raise Err(BridgeError_NotFound())

    navigation_mod = types.SimpleNamespace(
        open_mini_program=open_mini_program,
        open_url=record("open_url", error=BridgeError_Cancelled()),
        exit=record("exit"),
    )

    class Connection(Enum):
        WIFI = 0
        CELLULAR = 1
        ETHERNET = 2
        NONE = 3
        UNKNOWN = 4

    class Theme(Enum):
        LIGHT = 0
        DARK = 1

    @dataclass
    class BatteryInfo_:
        level: int
        charging: bool

    @dataclass
    class SystemDescription:
        brand: str
        model: str
        os_version: str
        theme: Theme
        font_scale: float

    device_mod = types.SimpleNamespace(
        Connection=Connection,
        Theme=Theme,
        BatteryInfo=BatteryInfo_,
        SystemDescription=SystemDescription,
        network_type=record("network_type", result=Connection.NONE),
        battery=record("battery", result=BatteryInfo_(42, True)),
        set_keep_screen_on=record("set_keep_screen_on"),
        system_info=record("system_info", result=SystemDescription("Google", "Pixel 8", "14", Theme.DARK, 1.25)),
    )
    ui_mod = types.SimpleNamespace(
        action_sheet=record("action_sheet", result=1),
        show_loading=record("show_loading"),
        hide_loading=record("hide_loading"),
        set_navigation_bar_color=record("set_navigation_bar_color"),
        pick_date=record("pick_date", result="2024-03-01"),
    )
    modules = {
        "componentize_py_types": types.SimpleNamespace(Err=Err),
        "wit_world": types.ModuleType("wit_world"),
        "wit_world.imports": types.ModuleType("wit_world.imports"),
        "wit_world.imports.haptics": haptics_mod,
        "wit_world.imports.navigation": navigation_mod,
        "wit_world.imports.device": device_mod,
        "wit_world.imports.ui": ui_mod,
    }
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_new_methods_reach_the_imports_with_wit_arguments(wit_new):
    haptics.vibrate_short("heavy")
    haptics.vibrate_long()
    haptics.notify("warning")
    navigation.open_mini_program("com.acme.loans", "/apply", '{"step":2}')
    navigation.open_mini_program("com.acme.loans")
    navigation.exit()
    device.set_keep_screen_on(True)
    assert ui.action_sheet(("Edit", "Delete")) == 1
    ui.show_loading("Saving")
    ui.hide_loading()
    ui.set_navigation_bar_color("#ffffff", "#112233")
    assert ui.pick_date("2024-02-29", end="2024-12-31") == "2024-03-01"
    assert wit_new == [
        ("vibrate_short", wit_new[0][1]),
        ("vibrate_long",),
        ("notify", wit_new[2][1]),
        ("open_mini_program", "com.acme.loans", "/apply", '{"step":2}'),
        ("open_mini_program", "com.acme.loans", None, None),
        ("exit",),
        ("set_keep_screen_on", True),
        ("action_sheet", ["Edit", "Delete"]),
        ("show_loading", "Saving"),
        ("hide_loading",),
        ("set_navigation_bar_color", "#ffffff", "#112233"),
        ("pick_date", "2024-02-29", None, "2024-12-31"),
    ]
    style, kind = wit_new[0][1], wit_new[2][1]
    assert (type(style).__name__, style.name) == ("ImpactStyle", "HEAVY")
    assert (type(kind).__name__, kind.name) == ("HapticNotification", "WARNING")


def test_new_results_become_the_sdks_types_and_errors_codes(wit_new):
    assert device.network_type() == "none"
    assert device.battery() == BatteryInfo(42, True)
    assert device.system_info() == SystemInfo("Google", "Pixel 8", "14", "dark", 1.25)
    with pytest.raises(BridgeError) as e:
        navigation.open_mini_program("com.acme.cards")
    assert (e.value.code, e.value.method) == ("NOT_FOUND", "navigation.openMiniProgram")
    with pytest.raises(BridgeError) as e:
        navigation.open_url("https://acme.example")
    assert (e.value.code, e.value.method) == ("CANCELLED", "navigation.openUrl")
    assert wit_new[-1] == ("open_url", "https://acme.example")
    with pytest.raises(BridgeError) as e:
        haptics.selection_changed()
    assert (e.value.code, e.value.message) == ("UNAVAILABLE", "no vibrator")


def test_values_no_wit_call_can_carry_are_invalid_arguments_without_a_call(wit_new):
    for call, arg, method in (
        (haptics.vibrate_short, "loud", "haptics.vibrateShort"),
        (haptics.notify, "SUCCESS", "haptics.notify"),
        (device.set_keep_screen_on, "yes", "device.setKeepScreenOn"),
    ):
        with pytest.raises(BridgeError) as e:
            call(arg)
        assert (e.value.code, e.value.method) == ("INVALID_ARGUMENT", method)
    assert wit_new == []


def test_calls_reach_the_imports_and_bridge_errors_become_codes(wit):
    storage.set_json("draft", [1])
    assert storage.get_json("draft") == [1]
    assert storage.keys() == ["draft"]
    with pytest.raises(BridgeError) as e:
        storage.set("", "v")
    assert (e.value.code, e.value.message, e.value.method) == (
        "INVALID_ARGUMENT",
        "key must be 1 to 1024 bytes",
        "storage.set",
    )
    with pytest.raises(BridgeError) as e:
        storage.set_json("big", "x" * 20)
    assert e.value.code == "QUOTA_EXCEEDED"
    with pytest.raises(BridgeError) as e:
        payment.pay("o-1", 1500, "EUR", "fee")
    assert e.value.code == "PERMISSION_DENIED"
    log.warn("careful")
    assert wit[0] == ("set", "draft", b"[1]")
    assert wit[3][1].order_id == "o-1" and wit[3][1].amount_minor == 1500
    assert wit[4][1].name == "WARN" and wit[4][2] == "careful"


def test_an_interface_the_world_lacks_names_the_world_to_build_against(wit):
    with pytest.raises(ImportError, match=r"miniapp:bridge/auth.*-w auth-app"):
        auth.token(["profile"])
    with pytest.raises(ImportError, match=r"miniapp:bridge/haptics.*-w haptics-app"):
        haptics.vibrate_long()


def test_variant_names_map_to_the_contracts_codes():
    names = ["PermissionDenied", "InvalidArgument", "NotFound", "QuotaExceeded", "Unavailable", "Cancelled", "Internal"]
    from miniapp import CODES

    assert [_code(type(f"BridgeError_{n}", (), {})()) for n in names] == list(CODES)


def test_settings_reach_the_imports_and_states_become_the_wire_names(monkeypatch):
    class PermissionState(Enum):
        GRANTED = 0
        DENIED = 1
        NOT_ASKED = 2

    @dataclass
    class PermissionStatus_:
        permission: str
        state: PermissionState
        active: bool

    calls = []

    def request(permission):
        calls.append(("request", permission))
        if permission == "network":
            raise Err(BridgeError_InvalidArgument("not declared"))
        return PermissionStatus_(permission, PermissionState.GRANTED, False)

    settings_mod = types.SimpleNamespace(
        PermissionState=PermissionState,
        permissions=lambda: [
            PermissionStatus_("storage", PermissionState.GRANTED, True),
            PermissionStatus_("location", PermissionState.NOT_ASKED, False),
        ],
        request=request,
        open_host_settings=lambda: calls.append(("open_host_settings",)),
    )
    for name, module in {
        "componentize_py_types": types.SimpleNamespace(Err=Err),
        "wit_world": types.ModuleType("wit_world"),
        "wit_world.imports": types.ModuleType("wit_world.imports"),
        "wit_world.imports.settings": settings_mod,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    from miniapp import PermissionStatus, settings

    assert settings.permissions() == [
        PermissionStatus("storage", "granted", True),
        PermissionStatus("location", "notAsked", False),
    ]
    assert settings.request("location") == PermissionStatus("location", "granted", False)
    with pytest.raises(BridgeError) as e:
        settings.request("network")
    assert (e.value.code, e.value.method) == ("INVALID_ARGUMENT", "settings.request")
    settings.open_host_settings()
    assert calls == [("request", "location"), ("request", "network"), ("open_host_settings",)]


def test_secure_storage_reaches_the_snake_case_module(monkeypatch):
    calls = []
    secure_mod = types.SimpleNamespace(
        set=lambda k, v: calls.append(("set", k, v)),
        get=lambda k: "s3cret" if k == "refresh" else None,
        remove=lambda k: k == "refresh",
    )
    for name, module in {
        "componentize_py_types": types.SimpleNamespace(Err=Err),
        "wit_world": types.ModuleType("wit_world"),
        "wit_world.imports": types.ModuleType("wit_world.imports"),
        "wit_world.imports.secure_storage": secure_mod,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    from miniapp import secure_storage

    secure_storage.set("refresh", "s3cret")
    assert secure_storage.get("refresh") == "s3cret"
    assert secure_storage.get("none") is None
    assert secure_storage.remove("refresh") is True
    assert calls == [("set", "refresh", "s3cret")]
