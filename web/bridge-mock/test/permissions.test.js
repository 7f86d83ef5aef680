import { test } from 'node:test';
import assert from 'node:assert/strict';

import { METHODS, PERMISSIONS } from '@miniapp/bridge/protocol';
import { createMockBridge, BridgeError } from '../index.js';

const VALID_PARAMS = {
  'storage.set': { key: 'k', value: 1 },
  'storage.get': { key: 'k' },
  'storage.remove': { key: 'k' },
  'storage.keys': {},
  'storage.clear': {},
  'storage.usage': {},
  'auth.getToken': { scopes: ['profile'] },
  'auth.loginCode': {},
  'auth.profile': {},
  'biometrics.authenticate': { reason: 'Confirm' },
  'media.chooseImage': { source: 'album', maxBytes: 1000 },
  'media.scanCode': {},
  'updates.status': {},
  'updates.check': {},
  'performance.metrics': {},
  'notifications.requestPermission': {},
  'notifications.schedule': { id: 'due', title: 'Due', body: '', at: 4_000_000_000 },
  'notifications.subscribe': { topic: 'offers' },
  'payment.pay': { orderId: 'o-1', amountMinor: 100, currency: 'EUR', description: 'd' },
  'payment.query': { orderId: 'o-1' },
  'geolocation.currentPosition': {},
  'ui.toast': { message: 'hi' },
  'ui.modal': { title: 't', message: 'm', buttons: ['OK'] },
  'ui.navigate': { route: '/x' },
  'ui.setTitle': { title: 'T' },
  'ui.actionSheet': { items: ['a'] },
  'ui.showLoading': { title: 'wait' },
  'ui.hideLoading': {},
  'ui.setNavigationBarColor': { frontColor: '#000000', backgroundColor: '#ffffff' },
  'ui.pickDate': { initial: '2024-01-01' },
  'device.info': {},
  'device.vibrate': { millis: 10 },
  'device.networkType': {},
  'device.battery': {},
  'device.setKeepScreenOn': { keepOn: true },
  'device.systemInfo': {},
  'clipboard.readText': {},
  'clipboard.writeText': { text: 'x' },
  'share.share': { text: 'x' },
  'haptics.vibrateShort': { style: 'light' },
  'haptics.vibrateLong': {},
  'haptics.notify': { kind: 'warning' },
  'haptics.selectionChanged': {},
  'navigation.openMiniProgram': { appId: 'com.globex.b' },
  'navigation.openUrl': { url: 'https://acme.example' },
  'navigation.exit': {},
  'settings.permissions': {},
  'settings.request': { permission: 'location' },
  'settings.openHostSettings': {},
  'secureStorage.set': { key: 'k', value: 'v' },
  'secureStorage.get': { key: 'k' },
  'secureStorage.remove': { key: 'k' },
  'files.write': { path: 'a.txt', data: 'x' },
  'files.read': { path: 'a.txt' },
  'files.list': { dir: '' },
  'files.stat': { path: 'a.txt' },
  'files.remove': { path: 'a.txt' },
  'log.log': { level: 'info', message: 'x' },
};

test('VALID_PARAMS covers every method, and each call succeeds with every permission granted', async () => {
  assert.deepEqual(Object.keys(VALID_PARAMS).sort(), Object.keys(METHODS).sort());
  const m = createMockBridge({ fixtures: { knownApps: ['com.globex.b'] } });
  for (const [method, params] of Object.entries(VALID_PARAMS)) {
    await m.call(method, params); // rejects (and fails the test) if the mock refuses
  }
});

test('each method needs its own permission (geolocation: location; log: none)', async () => {
  for (const [method, permission] of Object.entries(METHODS)) {
    const everythingElse = PERMISSIONS.filter((p) => p !== permission);
    const m = createMockBridge({ permissions: everythingElse });
    const call = m.call(method, VALID_PARAMS[method]);
    if (permission === null) {
      await call;
    } else {
      const err = await call.then(() => assert.fail(`${method} should be denied`), (e) => e);
      assert.ok(err instanceof BridgeError);
      assert.equal(err.code, 'PERMISSION_DENIED', method);
      assert.match(err.message, new RegExp(`"${permission}"`));
    }
  }
});

test('a denied call leaves no trace: storage untouched, payment not recorded, nothing shown', async () => {
  const m = createMockBridge({ permissions: ['storage'] });
  await m.storage.set('kept', 1);
  m.revoke('storage');
  await assert.rejects(m.storage.set('k', 'v'), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.storage.remove('kept'), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.storage.clear(), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.payment.pay(VALID_PARAMS['payment.pay']), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.ui.toast('hi'), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.clipboard.writeText('secret'), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.auth.getToken(['profile']), { code: 'PERMISSION_DENIED' });
  assert.deepEqual(m.storageSnapshot(), { kept: 1 });
  assert.equal(m.state.usedBytes, 15);
  assert.equal(m.state.receipts.size, 0);
  assert.deepEqual(m.state.toasts, []);
  assert.equal(m.state.clipboard, null);
  assert.deepEqual(m.state.tokens, []);

  m.grant('payment');
  await m.payment.pay(VALID_PARAMS['payment.pay']);
  assert.equal(m.state.receipts.size, 1, 'the same payment goes through once granted');
});

test('a denied payment does not consume the payment fixture queue', async () => {
  const m = createMockBridge({ permissions: [], fixtures: { payment: ['cancel'] } });
  await assert.rejects(m.payment.pay(VALID_PARAMS['payment.pay']), { code: 'PERMISSION_DENIED' });
  m.grant('payment');
  await assert.rejects(m.payment.pay(VALID_PARAMS['payment.pay']), { code: 'CANCELLED' });
});

test('permission comes before argument checks (the host does not look at params it may not serve)', async () => {
  const m = createMockBridge({ permissions: [] });
  await assert.rejects(m.storage.set('', 1), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.call('storage.nope', {}), { code: 'METHOD_NOT_FOUND' }, 'unknown methods first');
});

test('unknown permission names are rejected up front', () => {
  assert.throws(() => createMockBridge({ permissions: ['locations'] }), /unknown permission "locations"/);
  assert.throws(() => createMockBridge().grant('root'), TypeError);
  assert.deepEqual(createMockBridge({ permissions: ['ui', 'storage'] }).permissions, ['storage', 'ui']);
});
