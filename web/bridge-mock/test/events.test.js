import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';
import connect from '@miniapp/bridge';

test('emit simulates the host: listeners get the data, the mock keeps a log', () => {
  const mock = createMockBridge();
  const got = [];
  mock.on('memoryWarning', (data, name) => got.push([name, data]));
  mock.on('*', (_data, name) => got.push(['*', name]));
  assert.equal(mock.emit('memoryWarning', { level: 'moderate' }), 2);
  assert.equal(mock.emit('show'), 1);
  assert.equal(mock.emit('back', { from: '/cart' }), 1, "a host's own event");
  assert.deepEqual(got, [
    ['memoryWarning', { level: 'moderate' }],
    ['*', 'memoryWarning'],
    ['*', 'show'],
    ['*', 'back'],
  ]);
  assert.deepEqual(mock.events, [
    { event: 'memoryWarning', data: { level: 'moderate' } },
    { event: 'show', data: {} },
    { event: 'back', data: { from: '/cart' } },
  ]);
  mock.reset();
  assert.deepEqual(mock.events, []);
  assert.equal(mock.emit('show'), 1, 'listeners survive reset');
});

test('emit checks standard payloads as the host would send them', () => {
  const mock = createMockBridge();
  assert.throws(() => mock.emit('memoryWarning', {}), /level/);
  assert.throws(() => mock.emit('memoryWarning', { level: 'severe' }), /level/);
  assert.throws(() => mock.emit('updateReady', {}), /version/);
  assert.throws(() => mock.emit('show', 'x'), TypeError);
  assert.throws(() => mock.emit(''), TypeError);
  assert.equal(mock.emit('updateReady', { version: '1.3.0' }), 0);
});

test('a throwing listener does not stop the others; an unsubscribed one hears nothing', () => {
  const errors = [];
  const mock = createMockBridge({ onListenerError: (e) => errors.push(e.message) });
  const got = [];
  mock.on('suspend', () => {
    throw new Error('boom');
  });
  const stop = mock.on('suspend', () => got.push('saved'));
  mock.emit('suspend');
  stop();
  mock.emit('suspend');
  assert.deepEqual(got, ['saved']);
  assert.deepEqual(errors, ['boom', 'boom']);
});

test('a page written against connect() gets the mock\'s events once it is installed', () => {
  const target = {};
  const mock = createMockBridge();
  const undo = mock.install(target);
  const bridge = connect({ window: target });
  const got = [];
  bridge.on('hide', () => got.push('hide'));
  mock.emit('hide');
  assert.deepEqual(got, ['hide']);
  undo();
});
