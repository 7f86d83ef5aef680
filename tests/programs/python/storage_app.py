"""A Python mini-program that declares only `storage`, for `tests/tests/python.rs`.

Built with componentize-py against `wit/` world `storage-app` (log, storage and the lifecycle
export: nothing else is imported, so a manifest declaring only `storage` installs), and written
with the Python guest SDK (`sdk/python`, package `miniapp`) rather than the generated bindings.
"""

import json

from componentize_py_types import Err
from miniapp import BridgeError, geolocation, log, storage
from wit_world import exports


class Lifecycle(exports.Lifecycle):
    def on_launch(self, params: str) -> str:
        name = json.loads(params).get("name")
        if not isinstance(name, str) or not name:
            raise Err('params need a non-empty "name"')
        log.info(f"python storage-only guest launched for {name}")

        visitors = storage.get_json("visitors", default=[])
        visitors.append(name)
        storage.set_json("visitors", visitors)

        # A host error arrives as the SDK's BridgeError with the contract's code.
        try:
            storage.set("", b"x")
            invalid = None
        except BridgeError as e:
            invalid = e.code

        # The world has no geolocation: the SDK says so instead of calling the host.
        try:
            geolocation.current_position()
            location = "reached the host"
        except ImportError:
            location = "not imported"

        return json.dumps(
            {
                "language": "python",
                "visitors": storage.get_json("visitors"),
                "keys": storage.keys(),
                "usedBytes": storage.usage().used_bytes,
                "invalid": invalid,
                "location": location,
            }
        )

    def on_event(self, name: str, payload: str) -> None:
        log.debug(f"event {name}")
