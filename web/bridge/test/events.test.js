import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MiniAppBridge, LIFECYCLE_EVENTS, MEMORY_LEVELS, isEventMessage, connect } from '../index.js';
import { fakeTransport } from '../test-support/fakes.js';

test('the standard event names come from the contract', () => {
  assert.deepEqual([...LIFECYCLE_EVENTS], ['show', 'hide', 'suspend', 'resume', 'memoryWarning', 'updateReady']);
  assert.deepEqual([...MEMORY_LEVELS], ['moderate', 'critical']);
});

test('event messages reach the listeners of their name, as objects or JSON text', () => {
  const bridge = new MiniAppBridge(fakeTransport(), { timeoutMs: 0 });
  const got = [];
  bridge.on('memoryWarning', (data, name) => got.push([name, data]));
  bridge.on('show', (data, name) => got.push([name, data]));
  assert.equal(bridge._receive('{"event":"memoryWarning","data":{"level":"critical"}}'), true);
  assert.equal(bridge._receive({ event: 'show', data: {} }), true);
  assert.equal(bridge._receive({ event: 'show' }), true, 'data defaults to {}');
  assert.equal(bridge._receive({ event: 'hide', data: {} }), false, 'no listener');
  assert.deepEqual(got, [
    ['memoryWarning', { level: 'critical' }],
    ['show', {}],
    ['show', {}],
  ]);
});

test('events arrive through the transport too, and * hears every name including the host\'s own', () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  const all = [];
  bridge.on('*', (data, name) => all.push(name));
  t.push('{"event":"updateReady","data":{"version":"1.3.0"}}');
  t.push({ event: 'back', data: { from: '/cart' } });
  assert.deepEqual(all, ['updateReady', 'back']);
});

test('on returns an unsubscribe function; off says whether the listener was there', () => {
  const bridge = new MiniAppBridge(fakeTransport(), { timeoutMs: 0 });
  let n = 0;
  const listener = () => n++;
  const stop = bridge.on('hide', listener);
  bridge.on('hide', listener); // the same listener once
  bridge._receive({ event: 'hide', data: {} });
  assert.equal(n, 1);
  stop();
  bridge._receive({ event: 'hide', data: {} });
  assert.equal(n, 1);
  assert.equal(bridge.off('hide', listener), false);
  bridge.on('hide', listener);
  assert.equal(bridge.off('hide', listener), true);
  assert.throws(() => bridge.on('', listener), TypeError);
  assert.throws(() => bridge.on('show', 'nope'), TypeError);
});

test('a listener that throws is reported; the other listeners and pending calls carry on', async () => {
  const errors = [];
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0, onListenerError: (e, name) => errors.push([name, e.message]) });
  const got = [];
  bridge.on('suspend', () => {
    throw new Error('boom');
  });
  bridge.on('suspend', () => got.push('second'));
  bridge.on('*', () => got.push('any'));
  const pending = bridge.call('storage.keys');
  assert.equal(bridge._receive({ event: 'suspend', data: {} }), true);
  assert.deepEqual(got, ['second', 'any']);
  assert.deepEqual(errors, [['suspend', 'boom']]);
  // Responses still settle calls afterwards.
  t.push({ id: 1, result: ['a'] });
  assert.deepEqual(await pending, ['a']);
});

test('a listener removed by another during an event still runs for that event, not the next', () => {
  const bridge = new MiniAppBridge(fakeTransport(), { timeoutMs: 0 });
  const got = [];
  const second = () => got.push('second');
  bridge.on('resume', () => {
    got.push('first');
    bridge.off('resume', second);
  });
  bridge.on('resume', second);
  bridge._receive({ event: 'resume', data: {} });
  bridge._receive({ event: 'resume', data: {} });
  assert.deepEqual(got, ['first', 'second', 'first']);
});

test('a response is never taken for an event, nor an event for a response', async () => {
  const bridge = new MiniAppBridge(fakeTransport(), { timeoutMs: 0 });
  let events = 0;
  bridge.on('*', () => events++);
  const pending = bridge.call('storage.keys');
  assert.equal(isEventMessage({ id: 1, event: 'show', result: [] }), false);
  assert.equal(bridge._receive({ id: 1, event: 'show', result: [] }), true);
  assert.deepEqual(await pending, []);
  assert.equal(events, 0);
  for (const bad of [null, [], 'x', { event: '' }, { event: 3 }]) assert.equal(isEventMessage(bad), false);
});

test('connect() publishes a bridge the host can send events to', () => {
  const messages = [];
  const win = { webkit: { messageHandlers: { miniapp: { postMessage: (m) => messages.push(m) } } } };
  const bridge = connect({ window: win });
  const got = [];
  bridge.on('show', (data) => got.push(data));
  // What a native host evaluates: window.__miniappBridge._receive(eventJson)
  win.__miniappBridge._receive('{"event":"show","data":{}}');
  assert.deepEqual(got, [{}]);
});
