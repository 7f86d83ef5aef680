import { test } from 'node:test';
import assert from 'node:assert/strict';

import connect, { MiniAppBridge, METHODS, BridgeError as RealBridgeError } from '@miniapp/bridge';
import createDefault, { createMockBridge, BridgeError } from '../index.js';

const helperShape = (b) =>
  Object.fromEntries(
    [...new Set(Object.keys(METHODS).map((m) => m.split('.')[0]))].map((ns) => [ns, Object.keys(b[ns] ?? {}).sort()]),
  );

test('the mock has the same call() and the same helpers as MiniAppBridge', () => {
  const real = new MiniAppBridge({ send() {} });
  const mock = createMockBridge();
  assert.deepEqual(helperShape(mock), helperShape(real));
  assert.equal(typeof mock.call, 'function');
  assert.equal(createDefault, createMockBridge);
});

test('mock errors are the real BridgeError class', async () => {
  assert.equal(BridgeError, RealBridgeError);
  const err = await createMockBridge({ permissions: [] }).storage.keys().catch((e) => e);
  assert.ok(err instanceof RealBridgeError);
  assert.equal(err.method, 'storage.keys');
});

test('install() makes connect() return the mock, and the undo function removes it', async () => {
  const mock = createMockBridge();
  const win = {};
  const undo = mock.install(win);
  assert.equal(connect({ window: win }), mock);
  await connect({ window: win }).ui.toast('from page code');
  assert.deepEqual(mock.state.toasts, ['from page code']);
  undo();
  assert.equal('__miniappBridge' in win, false);
  assert.throws(() => connect({ window: win }), { code: 'UNAVAILABLE' }, 'no mock, no native bridge');
});

test('the options are checked', () => {
  assert.throws(() => createMockBridge({ quotaBytes: -1 }), TypeError);
  assert.throws(() => createMockBridge({ allowedScopes: 'profile' }), TypeError);
  assert.throws(() => createMockBridge({ permissions: 'storage' }), TypeError);
});
