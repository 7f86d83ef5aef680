"""The SDK's tables against the contract: web/bridge/protocol.js is generated from the contract
crate (a cargo test fails when it is stale) and wit/ is what componentize-py builds against, so a
method, limit, code or permission added there and missing here fails these tests."""

import json
import re
from pathlib import Path

import miniapp
from miniapp import _backend, _contract, errors, testing

REPO = Path(__file__).resolve().parents[3]
PROTOCOL = (REPO / "web/bridge/protocol.js").read_text()


def js_object(name: str) -> dict:
    body = re.search(rf"export const {name} = Object\.freeze\(\{{(.*?)\}}\);", PROTOCOL, re.S).group(1)
    entries = re.findall(r"^\s*'?([\w.]+)'?: (.+?),$", body, re.M)
    return {k: json.loads(v.replace("'", '"')) for k, v in entries}


def js_list(name: str) -> list:
    body = re.search(rf"export const {name} = Object\.freeze\(\[(.*?)\]\);", PROTOCOL, re.S).group(1)
    return re.findall(r"'([^']+)'", body)


# What each method of the table is called in the SDK.
SDK_FUNCTIONS = {
    "storage.set": miniapp.storage.set,
    "storage.get": miniapp.storage.get,
    "storage.remove": miniapp.storage.remove,
    "storage.keys": miniapp.storage.keys,
    "storage.clear": miniapp.storage.clear,
    "storage.usage": miniapp.storage.usage,
    "auth.getToken": miniapp.auth.token,
    "auth.loginCode": miniapp.auth.login_code,
    "auth.profile": miniapp.auth.profile,
    "payment.pay": miniapp.payment.pay,
    "payment.query": miniapp.payment.query,
    "geolocation.currentPosition": miniapp.geolocation.current_position,
    "ui.toast": miniapp.ui.toast,
    "ui.modal": miniapp.ui.modal,
    "ui.navigate": miniapp.ui.navigate,
    "ui.setTitle": miniapp.ui.set_title,
    "ui.actionSheet": miniapp.ui.action_sheet,
    "ui.showLoading": miniapp.ui.show_loading,
    "ui.hideLoading": miniapp.ui.hide_loading,
    "ui.setNavigationBarColor": miniapp.ui.set_navigation_bar_color,
    "ui.pickDate": miniapp.ui.pick_date,
    "device.info": miniapp.device.info,
    "device.vibrate": miniapp.device.vibrate,
    "device.networkType": miniapp.device.network_type,
    "device.battery": miniapp.device.battery,
    "device.setKeepScreenOn": miniapp.device.set_keep_screen_on,
    "device.systemInfo": miniapp.device.system_info,
    "clipboard.readText": miniapp.clipboard.read_text,
    "clipboard.writeText": miniapp.clipboard.write_text,
    "share.share": miniapp.share.share,
    "haptics.vibrateShort": miniapp.haptics.vibrate_short,
    "haptics.vibrateLong": miniapp.haptics.vibrate_long,
    "haptics.notify": miniapp.haptics.notify,
    "haptics.selectionChanged": miniapp.haptics.selection_changed,
    "navigation.openMiniProgram": miniapp.navigation.open_mini_program,
    "navigation.openUrl": miniapp.navigation.open_url,
    "navigation.exit": miniapp.navigation.exit,
    "settings.permissions": miniapp.settings.permissions,
    "settings.request": miniapp.settings.request,
    "settings.openHostSettings": miniapp.settings.open_host_settings,
    "secureStorage.set": miniapp.secure_storage.set,
    "secureStorage.get": miniapp.secure_storage.get,
    "secureStorage.remove": miniapp.secure_storage.remove,
    "files.write": miniapp.files.write,
    "files.read": miniapp.files.read,
    "files.list": miniapp.files.list,
    "files.stat": miniapp.files.stat,
    "files.remove": miniapp.files.remove,
    "biometrics.authenticate": miniapp.biometrics.authenticate,
    "notifications.requestPermission": miniapp.notifications.request_permission,
    "notifications.schedule": miniapp.notifications.schedule,
    "notifications.subscribe": miniapp.notifications.subscribe,
    "media.chooseImage": miniapp.media.choose_image,
    "media.scanCode": miniapp.media.scan_code,
    "updates.status": miniapp.updates.status,
    "updates.check": miniapp.updates.check,
    "performance.metrics": miniapp.performance.metrics,
    "log.log": miniapp.log.log,
}


def test_every_method_of_the_contract_is_wrapped_backed_and_mocked():
    methods = js_object("METHODS")
    assert len(methods) >= 20, "parsed protocol.js"
    assert _contract.METHOD_PERMISSIONS == methods
    assert set(_backend.METHODS) == set(methods), "the WIT backend calls every method"
    assert set(SDK_FUNCTIONS) == set(methods), "the SDK has a function for every method"
    assert set(testing._SIMULATE) == set(methods), "the mock simulates every method"


def test_every_wit_function_is_a_method_of_the_table():
    wit = set()
    for file in (REPO / "wit").glob("*.wit"):
        text = file.read_text()
        for iface, body in re.findall(r"^interface ([\w-]+) \{(.*?)^\}", text, re.S | re.M):
            if iface == "lifecycle":  # exported by the guest, not a bridge method
                continue
            for fn in re.findall(r"^\s*%?([\w-]+): func\(", body, re.M):  # %list: a keyword
                camel = re.sub(r"-(\w)", lambda m: m.group(1).upper(), fn)
                prefix = re.sub(r"-(\w)", lambda m: m.group(1).upper(), iface)  # secure-storage
                wit.add(f"{prefix}.{camel}")
    assert wit == set(_contract.METHOD_PERMISSIONS)


def test_limits_codes_permissions_and_levels_are_the_contracts():
    assert _contract.LIMITS == js_object("LIMITS")
    host_codes = js_list("ERROR_CODES")
    assert list(errors.CODES) == host_codes[: len(errors.CODES)]
    assert set(host_codes) - set(errors.CODES) == {"METHOD_NOT_FOUND", "BAD_REQUEST"}
    assert list(_contract.PERMISSIONS) == js_list("PERMISSIONS")
    assert list(_contract.SENSITIVE_PERMISSIONS) == js_list("SENSITIVE_PERMISSIONS")
    assert list(miniapp.log.LEVELS) == js_list("LOG_LEVELS")


# Arguments for the SDK functions that need some (the others are called without).
SAMPLE_ARGS = {
    "storage.set": ("k", b"v"),
    "storage.get": ("k",),
    "storage.remove": ("k",),
    "auth.getToken": (["profile"],),
    "payment.pay": ("o-1", 100, "EUR"),
    "payment.query": ("o-1",),
    "ui.toast": ("hi",),
    "ui.modal": ("t", "m", ["ok"]),
    "ui.navigate": ("/x",),
    "ui.setTitle": ("t",),
    "ui.actionSheet": (["a"],),
    "ui.showLoading": ("t",),
    "ui.setNavigationBarColor": ("#ffffff", "#000000"),
    "ui.pickDate": ("2024-01-01",),
    "device.vibrate": (10,),
    "device.setKeepScreenOn": (True,),
    "clipboard.writeText": ("t",),
    "share.share": ("t",),
    "haptics.notify": ("success",),
    "navigation.openMiniProgram": ("com.acme.loans",),
    "navigation.openUrl": ("https://acme.example",),
    "settings.request": ("location",),
    "secureStorage.set": ("k", "v"),
    "secureStorage.get": ("k",),
    "secureStorage.remove": ("k",),
    "files.write": ("a.txt", "x"),
    "files.read": ("a.txt",),
    "files.stat": ("a.txt",),
    "files.remove": ("a.txt",),
    "biometrics.authenticate": ("Confirm",),
    "notifications.schedule": ("due", "Due", 4_000_000_000),
    "notifications.subscribe": ("offers",),
    "log.log": ("info", "m"),
}


def test_every_sdk_function_calls_its_own_method():
    class Called(Exception):
        pass

    class Spy:
        def call(self, method, params):
            raise Called(method)

    previous = _backend.install(Spy())
    try:
        for method, function in SDK_FUNCTIONS.items():
            try:
                function(*SAMPLE_ARGS.get(method, ()))
            except Called as e:
                assert e.args[0] == method, f"{function.__module__}.{function.__name__}"
            else:
                raise AssertionError(f"{method}: {function.__name__} made no bridge call")
    finally:
        _backend.install(previous)
