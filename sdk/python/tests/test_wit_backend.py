"""The WIT backend against stand-ins of componentize-py's generated modules (the real ones exist
only inside a component; tests/tests/python.rs runs the SDK there)."""

import sys
import types
from dataclasses import dataclass
from enum import Enum

import pytest

from miniapp import BridgeError, auth, log, payment, storage
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


def test_variant_names_map_to_the_contracts_codes():
    names = ["PermissionDenied", "InvalidArgument", "NotFound", "QuotaExceeded", "Unavailable", "Cancelled", "Internal"]
    from miniapp import CODES

    assert [_code(type(f"BridgeError_{n}", (), {})()) for n in names] == list(CODES)
