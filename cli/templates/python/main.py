"""{{id}}: a mini-program. The host calls `on_launch` with its launch parameters (JSON) and
shows what it answers. Built by componentize-py against the world `app` (wit/app.wit)."""

import json

from componentize_py_types import Err
from miniapp import BridgeError, log
{{#storage}}
from miniapp import storage
{{/storage}}
from wit_world import exports


class Lifecycle(exports.Lifecycle):
    def on_launch(self, params: str) -> str:
        try:
            args = json.loads(params) if params.strip() else {}
        except ValueError as e:
            raise Err(f"params are not JSON: {e}")
        name = args.get("name", "world")
        log.info(f"{{id}} launched for {name}")
        answer = {"hello": name, "language": "python"}
{{#storage}}
        # Bridge storage: per app, kept across launches and updates.
        try:
            launches = storage.get_json("launches", default=0) + 1
            storage.set_json("launches", launches)
        except BridgeError as e:
            raise Err(f"{e.code}: {e.message}")
        answer["launches"] = launches
{{/storage}}
        return json.dumps(answer)

    def on_event(self, name: str, payload: str) -> None:
        log.debug(f"event {name}")
