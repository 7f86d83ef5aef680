import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

import { MiniAppBridge, webSocketTransport, webViewTransport, BridgeError } from '../index.js';
import { FakeWebSocket, fakeTimers } from '../test-support/fakes.js';

beforeEach(() => FakeWebSocket.reset());

const URL = 'ws://localhost:8080/__bridge';

test('WebSocket transport queues sends until the socket opens, then flushes them in order', () => {
  const timers = fakeTimers();
  const t = webSocketTransport(URL, { WebSocket: FakeWebSocket, ...timers });
  assert.equal(FakeWebSocket.instances.length, 1);
  const ws = FakeWebSocket.instances[0];
  assert.equal(ws.url, URL);
  t.send('{"id":1}');
  t.send('{"id":2}');
  assert.deepEqual(ws.sent, [], 'nothing goes out before open');
  assert.equal(t.queued, 2);
  ws.open();
  assert.deepEqual(ws.sent, ['{"id":1}', '{"id":2}']);
  assert.equal(t.queued, 0);
  t.send('{"id":3}');
  assert.deepEqual(ws.sent, ['{"id":1}', '{"id":2}', '{"id":3}'], 'once open, sends go straight out');
});

test('a bridge over the WebSocket transport: queued call answered after open', async () => {
  const timers = fakeTimers();
  const bridge = new MiniAppBridge(webSocketTransport(URL, { WebSocket: FakeWebSocket, ...timers }), { timeoutMs: 0 });
  const p = bridge.storage.get('greeting');
  const ws = FakeWebSocket.instances[0];
  ws.open();
  assert.deepEqual(JSON.parse(ws.sent[0]), { id: 1, method: 'storage.get', params: { key: 'greeting' } });
  ws.receive(JSON.stringify({ id: 1, result: 'hello' }));
  assert.equal(await p, 'hello');
});

test('WebSocket transport reconnects with exponential backoff, capped, reset after an open', () => {
  const timers = fakeTimers();
  const t = webSocketTransport(URL, { WebSocket: FakeWebSocket, initialDelayMs: 100, maxDelayMs: 500, ...timers });
  FakeWebSocket.instances[0].drop();
  assert.deepEqual(timers.delays, [100]);
  timers.fireLast();
  assert.equal(FakeWebSocket.instances.length, 2, 'a new socket after the delay');
  FakeWebSocket.instances[1].drop();
  timers.fireLast();
  FakeWebSocket.instances[2].drop();
  timers.fireLast();
  FakeWebSocket.instances[3].drop();
  timers.fireLast();
  FakeWebSocket.instances[4].drop();
  assert.deepEqual(timers.delays, [100, 200, 400, 500, 500]);
  assert.equal(t.reconnects, 5);

  t.send('{"id":1}'); // queued while disconnected
  timers.fireLast();
  const ws = FakeWebSocket.instances[5];
  ws.open();
  assert.deepEqual(ws.sent, ['{"id":1}'], 'the queue is flushed on the new socket');
  ws.drop();
  assert.equal(timers.delays.at(-1), 100, 'backoff starts over after a successful open');
});

test('messages from an old socket are ignored; close() stops reconnecting', () => {
  const timers = fakeTimers();
  const t = webSocketTransport(URL, { WebSocket: FakeWebSocket, ...timers });
  const got = [];
  t.onMessage((m) => got.push(m));
  const first = FakeWebSocket.instances[0];
  first.open();
  first.receive('a');
  first.drop();
  timers.fireLast();
  first.receive('stale');
  FakeWebSocket.instances[1].open();
  FakeWebSocket.instances[1].receive('b');
  assert.deepEqual(got, ['a', 'b']);

  t.close();
  assert.equal(FakeWebSocket.instances[1].closed, true);
  FakeWebSocket.instances[1].drop();
  assert.equal(FakeWebSocket.instances.length, 2, 'no reconnect after close()');
  assert.throws(() => t.send('x'), BridgeError);
});

test('close() during a pending reconnect cancels the timer', () => {
  const timers = fakeTimers();
  const t = webSocketTransport(URL, { WebSocket: FakeWebSocket, ...timers });
  FakeWebSocket.instances[0].drop();
  t.close();
  assert.equal(timers.scheduled[0].cleared, true);
});

test('sends while the socket is closing are queued for the next socket, not lost', () => {
  const timers = fakeTimers();
  const t = webSocketTransport(URL, { WebSocket: FakeWebSocket, ...timers });
  const first = FakeWebSocket.instances[0];
  first.open();
  first.readyState = FakeWebSocket.CLOSING; // the close event has not arrived yet
  t.send('{"id":1}');
  assert.equal(first.discarded ?? 0, 0, 'not handed to a socket that would drop it');
  assert.equal(t.queued, 1);
  first.drop();
  timers.fireLast();
  FakeWebSocket.instances[1].open();
  assert.deepEqual(FakeWebSocket.instances[1].sent, ['{"id":1}']);
});

test('a send that throws keeps the message queued', () => {
  const timers = fakeTimers();
  const t = webSocketTransport(URL, { WebSocket: FakeWebSocket, ...timers });
  const ws = FakeWebSocket.instances[0];
  ws.open();
  ws.readyState = FakeWebSocket.OPEN;
  ws.send = () => { throw new Error('buffer full'); };
  t.send('{"id":1}');
  assert.equal(t.queued, 1);
});

test('no WebSocket implementation: UNAVAILABLE', () => {
  assert.throws(() => webSocketTransport(URL, { WebSocket: null }), (e) => e.code === 'UNAVAILABLE');
});

test('WebView transport prefers iOS, then Android, then the parent frame', () => {
  const posted = { ios: [], android: [], parent: [] };
  const ios = { postMessage: (m) => posted.ios.push(m) };
  const android = { postMessage: (m) => posted.android.push(m) };
  const parent = { postMessage: (m, origin) => posted.parent.push([m, origin]) };

  const both = { webkit: { messageHandlers: { miniapp: ios } }, MiniAppNative: android, parent: null };
  both.parent = parent;
  const t1 = webViewTransport({ window: both });
  assert.equal(t1.kind, 'ios');
  t1.send('"a"');

  const t2 = webViewTransport({ window: { MiniAppNative: android, parent } });
  assert.equal(t2.kind, 'android');
  t2.send('"b"');

  const t3 = webViewTransport({ window: { parent, addEventListener() {} }, targetOrigin: 'https://host.example' });
  assert.equal(t3.kind, 'iframe');
  t3.send('"c"');

  assert.deepEqual(posted, { ios: ['"a"'], android: ['"b"'], parent: [['"c"', 'https://host.example']] });
});

test('WebView transport without any channel throws UNAVAILABLE', () => {
  const top = {};
  top.parent = top; // a top-level window is its own parent
  assert.throws(() => webViewTransport({ window: top }), (e) => e instanceof BridgeError && e.code === 'UNAVAILABLE');
});

test('iframe transport only accepts responses from the parent frame (and the target origin)', async () => {
  const handlers = [];
  const parent = { postMessage() {} };
  const win = { parent, addEventListener: (type, fn) => type === 'message' && handlers.push(fn), removeEventListener() {} };
  const bridge = new MiniAppBridge(webViewTransport({ window: win, targetOrigin: 'https://host.example' }), { timeoutMs: 0 });
  assert.equal(handlers.length, 1);
  const p = bridge.storage.keys();
  const dispatch = (event) => handlers.forEach((h) => h(event));
  dispatch({ source: {}, origin: 'https://host.example', data: { id: 1, result: ['forged'] } });
  dispatch({ source: parent, origin: 'https://evil.example', data: { id: 1, result: ['forged'] } });
  assert.equal(bridge.pendingCount, 1, 'foreign messages are dropped');
  dispatch({ source: parent, origin: 'https://host.example', data: JSON.stringify({ id: 1, result: ['real'] }) });
  assert.deepEqual(await p, ['real']);
});
