import { test } from 'node:test';
import assert from 'node:assert/strict';

import { InvalidEventPayload, LIFECYCLE_EVENTS, MEMORY_LEVELS, parseEvent } from '../index.js';
import { protocol } from '../test-support/web-mock.js';

// web/bridge/protocol.js is generated from the contract crate.
test('the event names and levels are the contract\'s', () => {
  assert.deepEqual([...LIFECYCLE_EVENTS], [...protocol.LIFECYCLE_EVENTS]);
  assert.deepEqual([...MEMORY_LEVELS], [...protocol.MEMORY_LEVELS]);
});

test('each standard event parses with its payload', () => {
  assert.deepEqual(parseEvent('show', '{}'), { name: 'show', data: {} });
  assert.deepEqual(parseEvent('hide', ''), { name: 'hide', data: {} });
  assert.deepEqual(parseEvent('suspend', '{}'), { name: 'suspend', data: {} });
  assert.deepEqual(parseEvent('resume', '{}'), { name: 'resume', data: {} });
  assert.deepEqual(parseEvent('memoryWarning', '{"level":"critical","freeMb":3}'), {
    name: 'memoryWarning',
    data: { level: 'critical' },
  });
  assert.deepEqual(parseEvent('updateReady', '{"version":"1.3.0"}'), { name: 'updateReady', data: { version: '1.3.0' } });
});

test('other names pass through as null', () => {
  assert.equal(parseEvent('back', '{"from":"/cart"}'), null);
  assert.equal(parseEvent('pause', 'not json'), null);
  assert.equal(parseEvent('Show', '{}'), null);
});

test('a standard name with a payload that does not fit throws InvalidEventPayload', () => {
  for (const [name, payload] of [
    ['show', '[]'],
    ['hide', '{'],
    ['memoryWarning', '{}'],
    ['memoryWarning', '{"level":"severe"}'],
    ['updateReady', '{"version":3}'],
  ]) {
    assert.throws(() => parseEvent(name, payload), (e) => e instanceof InvalidEventPayload && e.event === name, `${name} ${payload}`);
  }
});
