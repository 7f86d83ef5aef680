import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

import { ERROR_CODES, HAPTIC_NOTIFICATIONS, IMAGE_SOURCES, IMPACT_STYLES, LOG_LEVELS, METHODS } from '../index.js';
import { componentImports, mockBridge } from '../mock.js';
import { createMockBridge, protocol } from '../test-support/web-mock.js';

// web/bridge/protocol.js is generated from the contract crate (a cargo test fails when it is stale).
test('every method of the contract has an SDK function, backed by the mock imports', () => {
  assert.deepEqual(Object.keys(METHODS).sort(), Object.keys(protocol.METHODS).sort());
  const bridge = mockBridge(createMockBridge());
  for (const [method, fn] of Object.entries(METHODS)) {
    const [iface, name] = fn.split('.');
    assert.equal(typeof bridge[iface][name], 'function', `${method} -> ${fn}`);
  }
});

test('error codes and log levels are the contract\'s', () => {
  assert.deepEqual([...ERROR_CODES, 'METHOD_NOT_FOUND', 'BAD_REQUEST'], [...protocol.ERROR_CODES]);
  assert.deepEqual([...LOG_LEVELS], [...protocol.LOG_LEVELS]);
});

// --- the WIT (what ComponentizeJS binds) -------------------------------------------------------

const witDir = new URL('../../../wit/', import.meta.url);
/** `{interface: {functions: {kebab-name: paramCount}, enums: {name: [cases]}}}` from wit/*.wit. */
function readWit() {
  const out = {};
  for (const file of readdirSync(witDir).filter((f) => f.endsWith('.wit'))) {
    const text = readFileSync(new URL(file, witDir), 'utf8').replace(/\/\/.*$/gm, '');
    for (const [, name, body] of text.matchAll(/^interface ([a-z-]+) \{([\s\S]*?)^\}/gm)) {
      const functions = {};
      // `%list`: a WIT keyword used as a name is written with `%`.
      for (const [, fn, params] of body.matchAll(/^\s*%?([a-z-]+): func\(([^)]*)\)/gm)) {
        functions[fn] = params.trim() === '' ? 0 : params.split(',').length;
      }
      const enums = {};
      for (const [, e, cases] of body.matchAll(/^\s*enum ([a-z-]+) \{([^}]*)\}/gm)) {
        enums[e] = cases.split(',').map((c) => c.trim()).filter(Boolean);
      }
      out[name] = { functions, enums };
    }
  }
  return out;
}
const camel = (kebab) => kebab.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

test('the mock imports are the WIT interfaces, as ComponentizeJS binds them (camelCase, one argument per param)', () => {
  const wit = readWit();
  const imports = componentImports(createMockBridge());
  const bridged = Object.keys(wit).filter((i) => !['types', 'lifecycle'].includes(i));
  assert.ok(bridged.includes('haptics') && bridged.includes('navigation'), `read the WIT: ${bridged}`);
  // ComponentizeJS namespaces are the interface names in camelCase (`secure-storage` → `secureStorage`).
  assert.deepEqual(Object.keys(imports).sort(), bridged.map(camel).sort());
  for (const iface of bridged) {
    const want = Object.fromEntries(Object.entries(wit[iface].functions).map(([f, n]) => [camel(f), n]));
    const have = Object.fromEntries(Object.entries(imports[camel(iface)]).map(([f, fn]) => [f, fn.length]));
    assert.deepEqual(have, want, `${iface}: function -> parameter count`);
  }
});

test('the SDK\'s enums are the WIT\'s', () => {
  const wit = readWit();
  assert.deepEqual([...IMPACT_STYLES], wit.haptics.enums['impact-style']);
  assert.deepEqual([...HAPTIC_NOTIFICATIONS], wit.haptics.enums['haptic-notification']);
  assert.deepEqual([...LOG_LEVELS], wit.log.enums.level);
  assert.deepEqual([...IMAGE_SOURCES], wit.media.enums['image-source']);
  // The host's wire names for the device enums are the WIT case names, so the mock passes them on.
  assert.deepEqual(wit.device.enums.connection, ['wifi', 'cellular', 'ethernet', 'none', 'unknown']);
  assert.deepEqual(wit.device.enums.theme, ['light', 'dark']);
});

// --- every method, end to end through the mock -------------------------------------------------

/** Arguments for each SDK function that the mock answers with success, in an order that makes that so. */
const SAMPLES = {
  'storage.set': ['k', '1'],
  'storage.get': ['k'],
  'storage.remove': ['k'],
  'storage.keys': [],
  'storage.clear': [],
  'storage.usage': [],
  'auth.getToken': [['profile']],
  'auth.loginCode': [],
  'auth.profile': [],
  'payment.pay': [{ orderId: 'o-1', amountMinor: 100, currency: 'EUR' }],
  'payment.query': ['o-1'],
  'geolocation.currentPosition': [],
  'ui.toast': ['hi'],
  'ui.modal': ['t', 'm', ['ok']],
  'ui.navigate': ['/next'],
  'ui.setTitle': ['Title'],
  'ui.actionSheet': [['Edit', 'Delete']],
  'ui.showLoading': ['Saving'],
  'ui.hideLoading': [],
  'ui.setNavigationBarColor': ['#000000', '#ffcc00'],
  'ui.pickDate': ['2026-03-01', { start: '2026-01-01', end: '2026-12-31' }],
  'device.info': [],
  'device.vibrate': [10],
  'device.networkType': [],
  'device.battery': [],
  'device.setKeepScreenOn': [true],
  'device.systemInfo': [],
  'clipboard.readText': [],
  'clipboard.writeText': ['copied'],
  'share.share': ['hi', 'https://acme.example'],
  'haptics.vibrateShort': ['light'],
  'haptics.vibrateLong': [],
  'haptics.notify': ['success'],
  'haptics.selectionChanged': [],
  'navigation.openMiniProgram': ['com.acme.pay', { path: '/checkout', extraData: '{}' }],
  'navigation.openUrl': ['https://acme.example/terms'],
  'navigation.exit': [],
  'settings.permissions': [],
  'settings.request': ['location'],
  'settings.openHostSettings': [],
  'secureStorage.set': ['refresh', 's3cret'],
  'secureStorage.get': ['refresh'],
  'secureStorage.remove': ['refresh'],
  'files.write': ['notes/a.txt', 'alpha'],
  'files.read': ['notes/a.txt'],
  'files.list': [''],
  'files.stat': ['notes/a.txt'],
  'files.remove': ['notes/a.txt'],
  'biometrics.authenticate': ['Confirm the transfer'],
  'notifications.requestPermission': [],
  'notifications.schedule': [{ id: 'due', title: 'Payment due', at: 4_000_000_000 }],
  'notifications.subscribe': ['offers'],
  'media.chooseImage': [{ source: 'camera', maxBytes: 1000 }],
  'media.scanCode': [],
  'updates.status': [],
  'updates.check': [],
  'performance.metrics': [],
  'log.log': ['info', 'hello'],
};
const sdkCall = (bridge, method) => {
  const [iface, name] = METHODS[method].split('.');
  return bridge[iface][name](...SAMPLES[method]);
};

test('every method reaches its wire method and is answered when its permission is granted', () => {
  assert.deepEqual(Object.keys(SAMPLES).sort(), Object.keys(protocol.METHODS).sort());
  const web = createMockBridge({ fixtures: { knownApps: ['com.acme.pay'] } });
  const bridge = mockBridge(web);
  for (const method of Object.keys(SAMPLES)) {
    sdkCall(bridge, method);
    const last = web.calls.at(-1);
    assert.equal(last.method, method);
    assert.ok('result' in last.outcome, `${method}: ${JSON.stringify(last.outcome)}`);
  }
  assert.equal(web.calls.length, Object.keys(SAMPLES).length);
});

test('every method but log is PERMISSION_DENIED without its permission, and only without it', () => {
  for (const [method, permission] of Object.entries(protocol.METHODS)) {
    if (permission === null) continue;
    const web = createMockBridge({ permissions: protocol.PERMISSIONS.filter((p) => p !== permission), fixtures: { knownApps: ['com.acme.pay'] } });
    let error;
    try {
      sdkCall(mockBridge(web), method);
    } catch (e) {
      error = e;
    }
    assert.equal(error?.code, 'PERMISSION_DENIED', `${method} without ${permission}`);
    assert.equal(error.method, method);
    assert.deepEqual(web.calls.map((c) => c.method), [method]);
  }
});
