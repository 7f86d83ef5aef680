"""What the SDK and its mock take from the contract (contract/src): each method's permission and
the host's limits. tests/test_contract.py checks both against web/bridge/protocol.js, which is
generated from the contract crate, so a method or limit added there fails the SDK's tests."""

#: Method (JSON bridge name) -> the permission it needs (``None``: always granted).
METHOD_PERMISSIONS = {
    "storage.set": "storage",
    "storage.get": "storage",
    "storage.remove": "storage",
    "storage.keys": "storage",
    "storage.clear": "storage",
    "storage.usage": "storage",
    "auth.getToken": "auth",
    "auth.loginCode": "auth",
    "auth.profile": "auth",
    "payment.pay": "payment",
    "payment.query": "payment",
    "geolocation.currentPosition": "location",
    "ui.toast": "ui",
    "ui.modal": "ui",
    "ui.navigate": "ui",
    "ui.setTitle": "ui",
    "ui.actionSheet": "ui",
    "ui.showLoading": "ui",
    "ui.hideLoading": "ui",
    "ui.setNavigationBarColor": "ui",
    "ui.pickDate": "ui",
    "device.info": "device",
    "device.vibrate": "device",
    "device.networkType": "device",
    "device.battery": "device",
    "device.setKeepScreenOn": "device",
    "device.systemInfo": "device",
    "clipboard.readText": "clipboard",
    "clipboard.writeText": "clipboard",
    "share.share": "share",
    "haptics.vibrateShort": "haptics",
    "haptics.vibrateLong": "haptics",
    "haptics.notify": "haptics",
    "haptics.selectionChanged": "haptics",
    "navigation.openMiniProgram": "navigation",
    "navigation.openUrl": "navigation",
    "navigation.exit": "navigation",
    "biometrics.authenticate": "biometrics",
    "notifications.requestPermission": "notifications",
    "notifications.schedule": "notifications",
    "notifications.subscribe": "notifications",
    "media.chooseImage": "camera",
    "media.scanCode": "camera",
    "settings.permissions": None,
    "settings.request": None,
    "settings.openHostSettings": None,
    "secureStorage.set": "storage",
    "secureStorage.get": "storage",
    "secureStorage.remove": "storage",
    "files.write": "storage",
    "files.read": "storage",
    "files.list": "storage",
    "files.stat": "storage",
    "files.remove": "storage",
    "updates.status": None,
    "updates.check": None,
    "performance.metrics": None,
    "log.log": None,
}

#: Every permission a manifest may declare (``network`` guards wasi:http, not a bridge method).
PERMISSIONS = (
    "storage",
    "auth",
    "payment",
    "location",
    "ui",
    "device",
    "clipboard",
    "share",
    "haptics",
    "navigation",
    "biometrics",
    "notifications",
    "camera",
    "network",
)

#: Permissions the user must consent to before a launch that needs them.
SENSITIVE_PERMISSIONS = ("payment", "location", "clipboard", "biometrics", "notifications", "camera")

#: The host's limits, by their protocol.js names; UTF-8 bytes unless said otherwise.
LIMITS = {
    "storageKeyBytes": 1024,
    "storageValueBytes": 1024 * 1024,
    "defaultQuotaBytes": 10 * 1024 * 1024,
    "storageEntryOverheadBytes": 10,
    "orderIdBytes": 128,
    "toastBytes": 500,
    "modalButtonsMin": 1,
    "modalButtonsMax": 4,
    "titleBytes": 100,
    "actionSheetItemsMax": 6,
    "labelBytes": 40,
    "extraDataBytes": 4096,
    "urlBytes": 2048,
    "vibrateMillisMax": 1000,
    "clipboardTextBytes": 64 * 1024,
    "logMessageBytes": 4096,
    "tokenLifetimeSeconds": 15 * 60,
    "secureKeyBytes": 128,
    "secureValueBytes": 4096,
    "secureEntriesMax": 64,
    "filePathBytes": 512,
    "fileBytes": 1024 * 1024,
    "biometricReasonBytes": 200,
    "notificationIdBytes": 64,
    "notificationTitleBytes": 64,
    "notificationBodyBytes": 256,
    "imageBytes": 4 * 1024 * 1024,
}


def storage_entry_bytes(key_len: int, value_len: int) -> int:
    """What one entry counts against the quota, as the host counts it."""
    return LIMITS["storageEntryOverheadBytes"] + key_len + value_len


def is_calendar_date(s: object) -> bool:
    """``YYYY-MM-DD`` naming a real day (leap years included), as the host checks dates."""
    if not isinstance(s, str) or len(s) != 10 or s[4] != "-" or s[7] != "-":
        return False
    parts = (s[0:4], s[5:7], s[8:10])
    if not all(len(p) and all("0" <= c <= "9" for c in p) for p in parts):
        return False
    year, month, day = (int(p) for p in parts)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = {1: 31, 3: 31, 5: 31, 7: 31, 8: 31, 10: 31, 12: 31, 4: 30, 6: 30, 9: 30, 11: 30}
    if month == 2:
        last = 29 if leap else 28
    elif month in days:
        last = days[month]
    else:
        return False
    return year >= 1 and 1 <= day <= last


def is_hex_color(s: object) -> bool:
    """``#rrggbb`` (either case)."""
    return (
        isinstance(s, str)
        and len(s) == 7
        and s[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in s[1:])
    )


def is_web_url(url: object) -> bool:
    """An ``http(s)://`` URL with a host, at most ``urlBytes``, without whitespace or control
    characters: what a mini-program may ask the host to open."""
    if not isinstance(url, str):
        return False
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            rest = url[len(scheme):]
            break
    else:
        return False
    return (
        len(url.encode("utf-8", "surrogatepass")) <= LIMITS["urlBytes"]
        and rest != ""
        and rest[0] not in "/?#"
        and not any(c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in url)
    )
