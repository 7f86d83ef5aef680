import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('calls log: every call with method, wire params, outcome and duration', async () => {
  const m = createMockBridge({ permissions: ['storage'] });
  await m.storage.set('k', { v: 1, dropped: undefined });
  await assert.rejects(m.ui.toast('hi'));
  await m.storage.get('k');
  assert.equal(m.calls.length, 3);
  assert.deepEqual(m.calls.map(({ method, params, outcome }) => ({ method, params, outcome })), [
    { method: 'storage.set', params: { key: 'k', value: { v: 1 } }, outcome: { result: null } },
    {
      method: 'ui.toast',
      params: { message: 'hi' },
      outcome: { error: { code: 'PERMISSION_DENIED', message: m.calls[1].outcome.error.message } },
    },
    { method: 'storage.get', params: { key: 'k' }, outcome: { result: { v: 1 } } },
  ]);
  for (const c of m.calls) assert.ok(typeof c.durationMs === 'number' && c.durationMs >= 0);
});

test('the log keeps its own copies', async () => {
  const m = createMockBridge();
  const value = { list: [1] };
  await m.storage.set('k', value);
  value.list.push(2);
  const got = await m.storage.get('k');
  got.list.push(3);
  assert.deepEqual(m.calls[0].params.value, { list: [1] });
  assert.deepEqual(m.calls[1].outcome.result, { list: [1] });
});

test('params that cannot be JSON are rejected as the real bridge does, and logged', async () => {
  const m = createMockBridge();
  await assert.rejects(m.storage.set('k', 1n), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.calls[0].outcome.error.code, 'INVALID_ARGUMENT');
  assert.equal(m.state.storage.size, 0);
});

test('replay answers calls from a recording, in order, without touching the simulation', async () => {
  const m = createMockBridge({ permissions: [] }); // a recording answers even what the mock would deny
  m.replay([
    { method: 'storage.get', params: { key: 'draft' }, result: { step: 3 } },
    { method: 'payment.pay', params: {}, error: { code: 'CANCELLED', message: 'closed the sheet' } },
    { method: 'ui.toast', params: { message: 'Bye' } },
  ]);
  assert.equal(m.replaying, true);
  assert.deepEqual(await m.storage.get('draft'), { step: 3 });
  await assert.rejects(m.payment.pay({ orderId: 'o', amountMinor: 1, currency: 'EUR', description: '' }), {
    code: 'CANCELLED',
    message: 'closed the sheet',
  });
  assert.equal(await m.ui.toast('Bye'), null, 'a missing result means null');
  m.assertReplayComplete();
  assert.equal(m.state.storage.size, 0);
  assert.deepEqual(m.state.toasts, []);
  assert.equal(m.calls.length, 3, 'replayed calls are logged too');
});

test('replay detects a different method, a call past the end, and calls never made', async () => {
  const m = createMockBridge();
  m.replay([{ method: 'storage.keys', result: [] }, { method: 'ui.toast', result: null }]);
  await assert.rejects(m.ui.toast('x'), { code: 'INTERNAL', message: /call 1 is ui\.toast, the recording has storage\.keys/ });
  assert.throws(() => m.assertReplayComplete(), /call 1 is ui\.toast[\s\S]*2 recorded call\(s\) never made/);

  const n = createMockBridge().replay([{ method: 'storage.keys', result: ['a'] }]);
  assert.deepEqual(await n.storage.keys(), ['a']);
  await assert.rejects(n.storage.keys(), { code: 'INTERNAL', message: /past the end/ });
  assert.throws(() => n.assertReplayComplete(), /past the end/);
});

test('replay with matchParams compares params (key order ignored)', async () => {
  const m = createMockBridge().replay(
    [
      { method: 'storage.set', params: { value: { b: 2, a: 1 }, key: 'k' }, result: null },
      { method: 'storage.get', params: { key: 'k' }, result: 1 },
    ],
    { matchParams: true },
  );
  assert.equal(await m.storage.set('k', { a: 1, b: 2 }), null);
  await assert.rejects(m.storage.get('other'), { code: 'INTERNAL', message: /params/ });
  assert.equal(await m.storage.get('k'), 1, 'a rejected call does not consume the entry');
  assert.throws(() => m.assertReplayComplete(), /params/);
});

test('record, then replay the recording (also as JSON text)', async () => {
  const live = createMockBridge({ fixtures: { modal: 1 } });
  const page = async (bridge) => {
    const choice = await bridge.ui.modal('Pay?', '19.99 EUR', ['No', 'Yes']);
    if (choice !== 1) return 'declined';
    const receipt = await bridge.payment.pay({ orderId: 'o-9', amountMinor: 1999, currency: 'EUR', description: 'fee' });
    await bridge.storage.set('lastReceipt', receipt);
    return receipt.transactionId;
  };
  const txn = await page(live);
  const recording = live.recording();
  assert.deepEqual(recording.map((e) => e.method), ['ui.modal', 'payment.pay', 'storage.set']);

  const replayed = createMockBridge().replay(JSON.stringify(recording), { matchParams: true });
  assert.equal(await page(replayed), txn);
  replayed.assertReplayComplete();
  replayed.stopReplay();
  assert.equal(replayed.replaying, false);
  assert.deepEqual(await replayed.storage.keys(), [], 'back to simulating, with an empty store');
});

test('a malformed recording is rejected up front', () => {
  const m = createMockBridge();
  assert.throws(() => m.replay({}), TypeError);
  assert.throws(() => m.replay([{ params: {} }]), TypeError);
  assert.throws(() => m.replay([{ method: 'x', error: 'boom' }]), TypeError);
});

test('reset() empties state and the log but keeps fixtures', async () => {
  const m = createMockBridge({ fixtures: { clipboard: 'fixture' } });
  await m.storage.set('k', 1);
  await m.payment.pay({ orderId: 'o', amountMinor: 1, currency: 'EUR', description: '' });
  await m.clipboard.writeText('changed');
  await m.ui.toast('t');
  m.reset();
  assert.equal(m.calls.length, 0);
  assert.deepEqual(await m.storage.keys(), []);
  assert.equal(m.state.usedBytes, 0);
  await assert.rejects(m.payment.query('o'), { code: 'NOT_FOUND' });
  assert.equal(await m.clipboard.readText(), 'fixture');
  assert.deepEqual(m.state.toasts, []);
});

test('callSync answers without a promise, throws BridgeError, and logs like call', () => {
  const m = createMockBridge({ permissions: ['storage'] });
  assert.equal(m.callSync('storage.set', { key: 'k', value: [1] }), null);
  assert.deepEqual(m.callSync('storage.get', { key: 'k' }), [1]);
  assert.throws(() => m.callSync('ui.toast', { message: 'hi' }), { name: 'BridgeError', code: 'PERMISSION_DENIED' });
  assert.deepEqual(m.recording().map((c) => c.method), ['storage.set', 'storage.get', 'ui.toast']);
  m.replay([{ method: 'storage.keys', result: ['x'] }]);
  assert.deepEqual(m.callSync('storage.keys'), ['x']);
  m.assertReplayComplete();
});
