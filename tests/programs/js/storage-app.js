// A JavaScript mini-program that declares only `storage`, for `tests/tests/javascript.rs`.
//
// Built with ComponentizeJS against `wit/` world `storage-app` (log, storage and the lifecycle
// export: nothing else is imported, so a manifest declaring only `storage` installs), and written
// with the component SDK (`sdk/js-component`) rather than the raw imports.

import * as storageImport from 'miniapp:bridge/storage@0.1.0';
import * as logImport from 'miniapp:bridge/log@0.1.0';

import { BridgeError, createBridge } from '../../../sdk/js-component/index.js';

const bridge = createBridge({ storage: storageImport, log: logImport });
const { storage, log } = bridge;

export const lifecycle = {
  onLaunch(params) {
    const { name } = JSON.parse(params);
    if (typeof name !== 'string' || name === '') throw 'params need a non-empty "name"';
    log.info(`javascript storage-only guest launched for ${name}`);

    const visitors = storage.getJson('visitors', []);
    visitors.push(name);
    storage.setJson('visitors', visitors);

    // A host error arrives as the SDK's BridgeError with the contract's code.
    let invalid = null;
    try {
      storage.set('', 'x');
    } catch (e) {
      if (!(e instanceof BridgeError)) throw e;
      invalid = e.code;
    }

    // The world has no geolocation: the SDK says so instead of calling the host.
    let location;
    try {
      bridge.geolocation.currentPosition();
      location = 'reached the host';
    } catch (e) {
      location = e instanceof BridgeError ? e.code : 'not imported';
    }

    return JSON.stringify({
      language: 'javascript',
      visitors: storage.getJson('visitors'),
      keys: storage.keys(),
      usedBytes: storage.usage().usedBytes,
      invalid,
      location,
    });
  },
  onEvent(name, _payload) {
    log.debug(`event ${name}`);
  },
};
