import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

import connect, { MiniAppBridge, GLOBAL_NAME } from '../index.js';
import { FakeWebSocket } from '../test-support/fakes.js';

beforeEach(() => FakeWebSocket.reset());

test('in the simulator (port set and __MINIAPP_SIMULATOR__) connect() uses the WebSocket transport', async () => {
  const win = {
    location: { protocol: 'http:', hostname: 'localhost', port: '8080' },
    __MINIAPP_SIMULATOR__: true,
    WebSocket: FakeWebSocket,
  };
  const bridge = connect({ window: win, timeoutMs: 0 });
  assert.ok(bridge instanceof MiniAppBridge);
  assert.equal(bridge.transport.kind, 'websocket');
  assert.equal(FakeWebSocket.instances[0].url, 'ws://localhost:8080/__bridge');
  assert.equal(win[GLOBAL_NAME], bridge);
  const p = bridge.ui.toast('hi');
  FakeWebSocket.instances[0].open();
  FakeWebSocket.instances[0].receive('{"id":1,"result":null}');
  assert.equal(await p, null);
  bridge.close();
});

test('https simulator pages use wss', () => {
  const win = { location: { protocol: 'https:', hostname: 'sim.local', port: '8443' }, __MINIAPP_SIMULATOR__: true };
  const bridge = connect({ window: win, WebSocket: FakeWebSocket });
  assert.equal(bridge.transport.url, 'wss://sim.local:8443/__bridge');
  bridge.close();
});

test('without the simulator flag (or without a port) connect() uses the WebView transport', () => {
  const posted = [];
  const native = { postMessage: (m) => posted.push(m) };
  const notFlagged = { location: { port: '8080' }, __MINIAPP_SIMULATOR__: 'yes', MiniAppNative: native };
  assert.equal(connect({ window: notFlagged }).transport.kind, 'android');
  const noPort = { location: { port: '' }, __MINIAPP_SIMULATOR__: true, webkit: { messageHandlers: { miniapp: native } } };
  assert.equal(connect({ window: noPort }).transport.kind, 'ios');
  assert.equal(FakeWebSocket.instances.length, 0);
});

test('the native host answers through window.__miniappBridge', async () => {
  const posted = [];
  const win = { webkit: { messageHandlers: { miniapp: { postMessage: (m) => posted.push(JSON.parse(m)) } } } };
  const bridge = connect({ window: win, timeoutMs: 0 });
  const info = bridge.device.info();
  const title = bridge.ui.setTitle('x');
  assert.deepEqual(posted.map((r) => r.method), ['device.info', 'ui.setTitle']);
  // what the iOS host evaluates in the WebView:
  win.__miniappBridge._resolve(posted[0].id, { platform: 'ios' });
  win.__miniappBridge._receive(`{"id":${posted[1].id},"error":{"code":"PERMISSION_DENIED","message":"ui not granted"}}`);
  assert.deepEqual(await info, { platform: 'ios' });
  await assert.rejects(title, { code: 'PERMISSION_DENIED' });
});

test('connect() returns the bridge already on the window (a second call, or an installed mock)', () => {
  const win = { MiniAppNative: { postMessage() {} } };
  const first = connect({ window: win });
  assert.equal(connect({ window: win }), first);
  const mock = { call: async () => 'mocked' };
  assert.equal(connect({ window: { [GLOBAL_NAME]: mock } }), mock);
});

test('the package exports resolve by name', async () => {
  const main = await import('@miniapp/bridge');
  const helpers = await import('@miniapp/bridge/helpers');
  const errors = await import('@miniapp/bridge/errors');
  const protocol = await import('@miniapp/bridge/protocol');
  assert.equal(main.default, connect);
  assert.equal(typeof helpers.attachHelpers, 'function');
  assert.equal(errors.BridgeError, main.BridgeError);
  assert.equal(protocol.permissionFor('geolocation.currentPosition'), 'location');
  assert.equal(protocol.permissionFor('log.log'), null);
  assert.equal(protocol.permissionFor('nope'), undefined);
});
