import { test } from 'node:test';
import assert from 'node:assert/strict';

import { BridgeError, createBridge } from '../index.js';
import { componentImports, mockBridge } from '../mock.js';
import { createMockBridge } from '../test-support/web-mock.js';

const code = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof BridgeError, `${e} is a BridgeError`);
    return e.code;
  }
  assert.fail('no error thrown');
};

test('storage: JSON, text and bytes, sorted keys, usage as numbers', () => {
  const web = createMockBridge({ permissions: ['storage'] });
  const { storage } = mockBridge(web, ['storage', 'log']);
  storage.setJson('draft', { step: 2, name: 'Åsa' });
  storage.set('plain', '"text"');
  assert.deepEqual(storage.getJson('draft'), { step: 2, name: 'Åsa' });
  assert.equal(storage.getJson('absent'), undefined);
  assert.deepEqual(storage.getJson('absent', []), []);
  assert.equal(storage.getText('plain'), '"text"');
  assert.deepEqual(storage.get('plain'), new TextEncoder().encode('"text"'));
  assert.deepEqual(storage.keys(), ['draft', 'plain']);
  const usage = storage.usage();
  assert.equal(typeof usage.usedBytes, 'number');
  assert.equal(usage.usedBytes, web.state.usedBytes);
  assert.equal(storage.remove('plain'), true);
  assert.equal(storage.remove('plain'), false);
  storage.clear();
  assert.deepEqual(web.storageSnapshot(), {});
});

test('a bridge error arrives with its code, message and method', () => {
  const { storage } = mockBridge(createMockBridge({ permissions: ['storage'], quotaBytes: 30 }));
  let error;
  try {
    storage.setJson('', 1);
  } catch (e) {
    error = e;
  }
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.method, 'storage.set');
  assert.match(error.message, /key/);
  assert.equal(code(() => storage.setJson('k', 'x'.repeat(40))), 'QUOTA_EXCEEDED');
  assert.equal(code(() => storage.setJson('k', 1n)), 'JSON');
  assert.throws(() => storage.set('k', new Uint8Array([0xff])), /JSON text/);
});

test('what was not granted is PERMISSION_DENIED and changes nothing', () => {
  const web = createMockBridge({ permissions: ['ui'] });
  const bridge = mockBridge(web);
  assert.equal(code(() => bridge.storage.setJson('k', 1)), 'PERMISSION_DENIED');
  assert.equal(code(() => bridge.payment.pay({ orderId: 'o', amountMinor: 100, currency: 'EUR' })), 'PERMISSION_DENIED');
  assert.equal(code(() => bridge.geolocation.currentPosition()), 'PERMISSION_DENIED');
  bridge.ui.toast('granted');
  bridge.log.info('always allowed');
  assert.deepEqual(web.storageSnapshot(), {});
  assert.deepEqual(web.state.toasts, ['granted']);
  assert.deepEqual(web.state.logs, [{ level: 'info', message: 'always allowed' }]);
});

test('auth and payment: u64 fields are BigInt at the import and numbers in the SDK', () => {
  const web = createMockBridge({ permissions: ['auth', 'payment'], allowedScopes: ['profile'], fixtures: { payment: ['success', 'cancel'] }, now: () => 1_000_000 });
  const bridge = mockBridge(web);
  const token = bridge.auth.getToken(['profile', 'admin']);
  assert.deepEqual(token.scopes, ['profile']);
  assert.equal(token.expiresAt, 1000 + 900);
  assert.throws(() => bridge.auth.getToken('profile'), TypeError);
  const receipt = bridge.payment.pay({ orderId: 'o-1', amountMinor: 1500, currency: 'EUR', description: 'fee' });
  assert.equal(receipt.amountMinor, 1500);
  assert.equal(receipt.paidAt, 1000);
  assert.deepEqual(bridge.payment.pay({ orderId: 'o-1', amountMinor: 1500n, currency: 'EUR' }), receipt);
  assert.deepEqual(bridge.payment.query('o-1'), receipt);
  assert.equal(code(() => bridge.payment.pay({ orderId: 'o-2', amountMinor: 1, currency: 'EUR' })), 'CANCELLED');
  assert.equal(code(() => bridge.payment.query('o-2')), 'NOT_FOUND');
  assert.equal(code(() => bridge.payment.pay({ orderId: 'o-3', amountMinor: 1, currency: 'eur' })), 'INVALID_ARGUMENT');
  // The imports take BigInt, as ComponentizeJS does.
  const imports = componentImports(web);
  assert.throws(() => imports.payment.pay({ orderId: 'o-4', amountMinor: 1, currency: 'EUR', description: '' }), /BigInt/);
});

test('ui, device, clipboard, share and log go through', () => {
  const web = createMockBridge({ permissions: ['ui', 'device', 'clipboard', 'share', 'location'], fixtures: { modal: [1, 'cancel'], clipboard: null } });
  const b = mockBridge(web);
  assert.equal(b.ui.modal('t', 'm', ['no', 'yes']), 1);
  assert.equal(code(() => b.ui.modal('t', 'm', ['ok'])), 'CANCELLED');
  b.ui.navigate('/apply');
  b.ui.setTitle('Loans');
  assert.equal(code(() => b.ui.navigate('apply')), 'INVALID_ARGUMENT');
  assert.equal(b.device.info().screen.width, 390);
  b.device.vibrate(10);
  assert.equal(b.clipboard.readText(), undefined);
  b.clipboard.writeText('copied');
  assert.equal(b.clipboard.readText(), 'copied');
  b.share.share('hi');
  b.share.share('hi', 'https://acme.example');
  assert.equal(b.geolocation.currentPosition().accuracyM, 10);
  b.log.warn('careful');
  assert.throws(() => b.log.log('loud', 'x'), TypeError);
  assert.deepEqual(web.state.navigations, ['/apply']);
  assert.deepEqual(web.state.shares, [{ text: 'hi' }, { text: 'hi', url: 'https://acme.example' }]);
  assert.deepEqual(web.state.vibrations, [10]);
});

test('an interface that was not passed throws, naming the import and the world', () => {
  const bridge = mockBridge(createMockBridge(), ['storage', 'log']);
  assert.throws(() => bridge.payment, /miniapp:bridge\/payment@0\.1\.0.*payment-app/);
  assert.throws(() => bridge.geolocation, /geolocation-app/);
  assert.throws(() => createBridge({ network: {} }), /unknown bridge interface/);
});

test('a recording replays to the same answers', () => {
  const live = createMockBridge({ permissions: ['storage', 'payment'] });
  const a = mockBridge(live);
  a.storage.setJson('k', { v: 1 });
  const receipt = a.payment.pay({ orderId: 'o', amountMinor: 5, currency: 'EUR' });
  assert.equal(code(() => a.ui.toast('x')), 'PERMISSION_DENIED');
  const recording = JSON.stringify(live.recording());

  const replayed = createMockBridge({ permissions: [] }).replay(recording, { matchParams: true });
  const b = mockBridge(replayed);
  b.storage.setJson('k', { v: 1 });
  assert.deepEqual(b.payment.pay({ orderId: 'o', amountMinor: 5, currency: 'EUR' }), receipt);
  assert.equal(code(() => b.ui.toast('x')), 'PERMISSION_DENIED');
  replayed.assertReplayComplete();
  assert.deepEqual(replayed.storageSnapshot(), {}, 'replay simulates nothing');

  const diverging = mockBridge(createMockBridge().replay(recording, { matchParams: true }));
  assert.equal(code(() => diverging.storage.setJson('k', { v: 2 })), 'INTERNAL');
});

test('the SDK over hand-made imports: a bridge-error payload becomes a BridgeError, anything else passes through', () => {
  const thrown = (payload) => Object.assign(new Error('x'), { payload });
  const bridge = createBridge({
    storage: {
      get(key) {
        if (key === 'gone') throw thrown({ tag: 'unavailable', val: 'disk asleep' });
        throw new RangeError('not a bridge error');
      },
    },
  });
  let error;
  try {
    bridge.storage.get('gone');
  } catch (e) {
    error = e;
  }
  assert.deepEqual([error.code, error.message, error.method], ['UNAVAILABLE', 'disk asleep', 'storage.get']);
  assert.throws(() => bridge.storage.get('other'), RangeError);
});
