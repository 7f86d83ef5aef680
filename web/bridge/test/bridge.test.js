import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MiniAppBridge, BridgeError, DEFAULT_TIMEOUT_MS } from '../index.js';
import { fakeTransport } from '../test-support/fakes.js';

const PENDING = Symbol('pending');
/** Settles to PENDING if `promise` has not settled by the next macrotask. */
const stateOf = (promise) =>
  Promise.race([promise.then((v) => ({ v }), (e) => ({ e })), new Promise((res) => setImmediate(() => res(PENDING)))]);

test('requests carry monotonically increasing ids and the method/params envelope', () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  bridge.call('storage.get', { key: 'a' });
  bridge.call('storage.keys');
  bridge.call('log.log', { level: 'info', message: 'hi' });
  assert.deepEqual(t.sent, [
    { id: 1, method: 'storage.get', params: { key: 'a' } },
    { id: 2, method: 'storage.keys', params: {} },
    { id: 3, method: 'log.log', params: { level: 'info', message: 'hi' } },
  ]);
  assert.equal(typeof t.raw[0], 'string', 'the transport gets JSON text');
  assert.equal(bridge.pendingCount, 3);
});

test('ids keep increasing after responses and failures', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const a = bridge.call('storage.keys');
  t.push({ id: 1, result: [] });
  await a;
  const b = bridge.call('storage.keys');
  t.push({ id: 2, error: { code: 'INTERNAL', message: 'x' } });
  await assert.rejects(b);
  bridge.call('storage.keys');
  assert.deepEqual(t.sent.map((r) => r.id), [1, 2, 3]);
});

test('responses are routed by id, in any order, as objects or JSON text', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const first = bridge.call('storage.get', { key: 'a' });
  const second = bridge.call('storage.get', { key: 'b' });
  const third = bridge.call('storage.get', { key: 'c' });
  assert.equal(bridge._receive(JSON.stringify({ id: 3, result: 'C' })), true);
  assert.equal(bridge._receive({ id: 1, result: { n: 1 } }), true);
  t.push('{"id": 2, "result": null}');
  assert.deepEqual(await first, { n: 1 });
  assert.equal(await second, null);
  assert.equal(await third, 'C');
  assert.equal(bridge.pendingCount, 0);
});

test('_resolve and _reject are the host entry points', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const ok = bridge.call('ui.modal', { title: 't', message: 'm', buttons: ['a', 'b'] });
  const bad = bridge.call('payment.query', { orderId: 'o1' });
  assert.equal(bridge._resolve(1, 1), true);
  assert.equal(bridge._reject(2, { code: 'NOT_FOUND', message: 'no such order' }), true);
  assert.equal(await ok, 1);
  const err = await bad.then(() => assert.fail('should reject'), (e) => e);
  assert.ok(err instanceof BridgeError);
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'NOT_FOUND');
  assert.equal(err.message, 'no such order');
  assert.equal(err.method, 'payment.query');
  assert.equal(err.name, 'BridgeError');
});

test('error responses reject with a BridgeError carrying the code and message', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const p = bridge.call('payment.pay', { orderId: 'x' });
  t.push({ id: 1, error: { code: 'PERMISSION_DENIED', message: 'not granted' } });
  await assert.rejects(p, (e) => e instanceof BridgeError && e.code === 'PERMISSION_DENIED' && e.message === 'not granted');
});

test('a malformed error or response becomes INTERNAL', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const a = bridge.call('storage.keys');
  const b = bridge.call('storage.keys');
  const c = bridge.call('storage.keys');
  bridge._reject(1, 'boom');
  bridge._receive({ id: 2, error: { message: 'no code' } });
  bridge._receive({ id: 3 });
  await assert.rejects(a, { code: 'INTERNAL', message: 'boom' });
  await assert.rejects(b, { code: 'INTERNAL' });
  await assert.rejects(c, { code: 'INTERNAL', message: /neither result nor error/ });
});

test('unknown ids, settled ids and garbage are ignored without disturbing pending calls', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const p = bridge.call('storage.keys');
  assert.equal(bridge._receive({ id: 99, result: 'nope' }), false);
  assert.equal(bridge._resolve(42, 'nope'), false);
  assert.equal(bridge._reject(43, { code: 'INTERNAL', message: '' }), false);
  assert.equal(bridge._receive('not json {'), false);
  assert.equal(bridge._receive(null), false);
  assert.equal(bridge._receive([1, 2]), false);
  assert.equal(bridge._receive({ id: '1', result: 'string id' }), false);
  assert.equal(bridge.pendingCount, 1);
  assert.equal(await stateOf(p), PENDING, 'still pending');
  t.push({ id: 1, result: ['k'] });
  assert.deepEqual(await p, ['k']);
  assert.equal(bridge._receive({ id: 1, result: 'again' }), false, 'a second response for the same id is ignored');
});

test('a call without a response in time rejects with TIMEOUT; a late response is ignored', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 20 });
  const started = Date.now();
  const p = bridge.call('geolocation.currentPosition');
  const err = await p.then(() => assert.fail('should time out'), (e) => e);
  assert.ok(err instanceof BridgeError);
  assert.equal(err.code, 'TIMEOUT');
  assert.match(err.message, /geolocation\.currentPosition/);
  assert.ok(Date.now() - started >= 15, 'did not reject before the timeout');
  assert.equal(bridge.pendingCount, 0);
  assert.equal(bridge._receive({ id: 1, result: { latitude: 1 } }), false);
});

test('a response before the timeout wins and clears the timer', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 30 });
  const p = bridge.call('storage.keys');
  t.push({ id: 1, result: [] });
  assert.deepEqual(await p, []);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(bridge.pendingCount, 0);
});

test('per-call timeoutMs overrides the default; 0 means no timeout', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 10 });
  const patient = bridge.call('payment.pay', {}, { timeoutMs: 0 });
  const quick = bridge.call('storage.keys', {}, { timeoutMs: 5 });
  await assert.rejects(quick, { code: 'TIMEOUT' });
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(bridge.pendingCount, 1, 'the call with timeoutMs 0 is still waiting');
  t.push({ id: 1, result: 'paid' });
  assert.equal(await patient, 'paid');
  assert.equal(new MiniAppBridge(t).timeoutMs, DEFAULT_TIMEOUT_MS);
  assert.throws(() => new MiniAppBridge(t, { timeoutMs: -1 }), TypeError);
  await assert.rejects(bridge.call('storage.keys', {}, { timeoutMs: 'soon' }), TypeError);
});

test('a transport that throws on send rejects the call with UNAVAILABLE', async () => {
  const bridge = new MiniAppBridge({ send() { throw new Error('socket gone'); } }, { timeoutMs: 0 });
  await assert.rejects(bridge.call('storage.keys'), { code: 'UNAVAILABLE', message: /socket gone/ });
  assert.equal(bridge.pendingCount, 0);
});

test('params that are not JSON reject INVALID_ARGUMENT before anything is sent', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const cyclic = {};
  cyclic.self = cyclic;
  await assert.rejects(bridge.call('storage.set', { key: 'k', value: cyclic }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(bridge.call('storage.set', { key: 'k', value: 10n }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(bridge.call(''), { code: 'BAD_REQUEST' });
  assert.equal(t.raw.length, 0);
  assert.equal(bridge.pendingCount, 0);
});

test('close() rejects pending calls with UNAVAILABLE and closes the transport', async () => {
  const t = fakeTransport();
  let closed = false;
  t.close = () => { closed = true; };
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const a = bridge.call('storage.keys');
  const b = bridge.call('device.info');
  bridge.close('page unloading');
  await assert.rejects(a, { code: 'UNAVAILABLE', message: 'page unloading' });
  await assert.rejects(b, { code: 'UNAVAILABLE', method: 'device.info' });
  assert.equal(closed, true);
});

test('a transport must have send()', () => {
  assert.throws(() => new MiniAppBridge({}), TypeError);
  assert.throws(() => new MiniAppBridge(null), TypeError);
});

test('BridgeError.from and toJSON', () => {
  const e = BridgeError.from({ code: 'QUOTA_EXCEEDED', message: 'full' });
  assert.deepEqual(e.toJSON(), { code: 'QUOTA_EXCEEDED', message: 'full' });
  assert.equal(BridgeError.from(e), e);
  assert.equal(BridgeError.from(undefined).code, 'INTERNAL');
  assert.equal(new BridgeError('CANCELLED').message, 'CANCELLED');
});
