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
    "payment.pay": "payment",
    "payment.query": "payment",
    "geolocation.currentPosition": "location",
    "ui.toast": "ui",
    "ui.modal": "ui",
    "ui.navigate": "ui",
    "ui.setTitle": "ui",
    "device.info": "device",
    "device.vibrate": "device",
    "clipboard.readText": "clipboard",
    "clipboard.writeText": "clipboard",
    "share.share": "share",
    "log.log": None,
}

#: Every permission a manifest may declare (``network`` guards wasi:http, not a bridge method).
PERMISSIONS = ("storage", "auth", "payment", "location", "ui", "device", "clipboard", "share", "network")

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
    "vibrateMillisMax": 1000,
    "clipboardTextBytes": 64 * 1024,
    "logMessageBytes": 4096,
    "tokenLifetimeSeconds": 15 * 60,
}


def storage_entry_bytes(key_len: int, value_len: int) -> int:
    """What one entry counts against the quota, as the host counts it."""
    return LIMITS["storageEntryOverheadBytes"] + key_len + value_len
