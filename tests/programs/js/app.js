// A JavaScript mini-program for the scenario test `tests/tests/javascript.rs`.
//
// Built with ComponentizeJS against `wit/` (world `mini-program`). On launch it logs, counts its
// launches in storage, reads a missing key, and asks for the location, which the test does not
// grant: the bridge's `permission-denied` arrives here as a thrown error whose payload is the
// `bridge-error` variant.

import { log } from 'miniapp:bridge/log@0.1.0';
import * as storage from 'miniapp:bridge/storage@0.1.0';
import { currentPosition } from 'miniapp:bridge/geolocation@0.1.0';

const COUNTER = 'launches';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bridge error's code, spelled like the JSON bridge spells it. */
function errorCode(e) {
  const tag = e && e.payload && e.payload.tag;
  if (typeof tag !== 'string') throw e;
  return tag.toUpperCase().replaceAll('-', '_');
}

export const lifecycle = {
  onLaunch(params) {
    const args = JSON.parse(params);
    if (typeof args.name !== 'string' || args.name === '') {
      throw 'params need a non-empty "name"';
    }
    const name = args.name;

    log('info', `javascript guest launched for ${name}`);
    console.log('stdout from javascript');

    const stored = storage.get(COUNTER);
    const launches = stored === undefined ? 1 : Number(decoder.decode(stored)) + 1;
    storage.set(COUNTER, encoder.encode(String(launches)));
    storage.set(`greeting/${name}`, encoder.encode(`hello, ${name}`));
    const greeting = storage.get(`greeting/${name}`);

    let location;
    try {
      const pos = currentPosition();
      location = { latitude: pos.latitude, longitude: pos.longitude };
    } catch (e) {
      location = errorCode(e);
    }

    return JSON.stringify({
      language: 'javascript',
      launches,
      greeting: greeting === undefined ? null : decoder.decode(greeting),
      missing: storage.get('never-set') === undefined,
      keys: storage.keys(),
      location,
    });
  },
  onEvent(name, _payload) {
    log('debug', `event ${name}`);
  },
};
