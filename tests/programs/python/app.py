"""A Python mini-program for the scenario test `tests/tests/python.rs`.

Built with componentize-py against `wit/` (world `mini-program`). On launch it logs, counts its
launches in storage, reads a missing key, and asks for the location, which the test does not
grant: the bridge's `permission-denied` arrives here as an `Err` exception.
"""

import json
import sys

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import geolocation, log, storage
from wit_world.imports.types import BridgeError_PermissionDenied

COUNTER = "launches"


def error_code(e: Err) -> str:
    """The bridge error's code, spelled like the JSON bridge spells it."""
    if isinstance(e.value, BridgeError_PermissionDenied):
        return "PERMISSION_DENIED"
    return type(e.value).__name__


class Lifecycle(exports.Lifecycle):
    def on_launch(self, params: str) -> str:
        args = json.loads(params)
        name = args.get("name")
        if not isinstance(name, str) or not name:
            raise Err("params need a non-empty \"name\"")

        log.log(log.Level.INFO, f"python guest launched for {name}")
        language = f"python {sys.version_info.major}.{sys.version_info.minor}"
        print(f"stdout from {language}")

        stored = storage.get(COUNTER)
        launches = int(stored.decode()) + 1 if stored is not None else 1
        storage.set(COUNTER, str(launches).encode())
        storage.set(f"greeting/{name}", f"hello, {name}".encode())
        greeting = storage.get(f"greeting/{name}")

        try:
            pos = geolocation.current_position()
            location = {"latitude": pos.latitude, "longitude": pos.longitude}
        except Err as e:
            location = error_code(e)

        return json.dumps(
            {
                "language": language,
                "launches": launches,
                "greeting": greeting.decode() if greeting is not None else None,
                "missing": storage.get("never-set") is None,
                "keys": storage.keys(),
                "location": location,
            }
        )

    def on_event(self, name: str, payload: str) -> None:
        log.log(log.Level.DEBUG, f"event {name}")
