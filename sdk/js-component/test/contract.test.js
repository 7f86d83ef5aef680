import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ERROR_CODES, LOG_LEVELS, METHODS } from '../index.js';
import { mockBridge } from '../mock.js';
import { createMockBridge, protocol } from '../test-support/web-mock.js';

// web/bridge/protocol.js is generated from the contract crate (a cargo test fails when it is stale).
test('every method of the contract has an SDK function, backed by the mock imports', () => {
  assert.deepEqual(Object.keys(METHODS).sort(), Object.keys(protocol.METHODS).sort());
  const bridge = mockBridge(createMockBridge());
  for (const [method, fn] of Object.entries(METHODS)) {
    const [iface, name] = fn.split('.');
    assert.equal(typeof bridge[iface][name], 'function', `${method} -> ${fn}`);
  }
});

test('error codes and log levels are the contract\'s', () => {
  assert.deepEqual([...ERROR_CODES, 'METHOD_NOT_FOUND', 'BAD_REQUEST'], [...protocol.ERROR_CODES]);
  assert.deepEqual([...LOG_LEVELS], [...protocol.LOG_LEVELS]);
});
