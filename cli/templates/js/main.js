// {{id}}: a mini-program. The host calls `onLaunch` with its launch parameters (JSON) and
// shows what it answers. Built by ComponentizeJS against the world `app` (wit/app.wit).

{{js_imports}}

import { BridgeError, createBridge } from './sdk/index.js';

const bridge = createBridge({ {{js_bridge}} });

export const lifecycle = {
  onLaunch(params) {
    let args;
    try {
      args = params.trim() ? JSON.parse(params) : {};
    } catch (e) {
      throw `params are not JSON: ${e.message}`;
    }
    const name = args.name ?? 'world';
    bridge.log.info(`{{id}} launched for ${name}`);
    const answer = { hello: name, language: 'javascript' };
{{#storage}}
    // Bridge storage: per app, kept across launches and updates.
    try {
      const launches = bridge.storage.getJson('launches', 0) + 1;
      bridge.storage.setJson('launches', launches);
      answer.launches = launches;
    } catch (e) {
      if (e instanceof BridgeError) throw `${e.code}: ${e.message}`;
      throw e;
    }
{{/storage}}
    return JSON.stringify(answer);
  },
  onEvent(name, _payload) {
    bridge.log.debug(`event ${name}`);
  },
};
