import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('updates: status reports the running version; check stages what the marketplace offers', async () => {
  // No permission needed: a mock granting nothing answers.
  const m = createMockBridge({ permissions: [], fixtures: { version: '1.2.0', update: ['none', '1.3.0'] } });
  assert.deepEqual(await m.updates.status(), { current: '1.2.0', pending: null });
  assert.deepEqual(await m.updates.check(), { current: '1.2.0', pending: null });
  assert.deepEqual(await m.updates.check(), { current: '1.2.0', pending: '1.3.0' });
  assert.deepEqual(await m.updates.status(), { current: '1.2.0', pending: '1.3.0' });
  assert.equal(m.state.updateChecks, 2);
  await assert.rejects(m.call('updates.check', { force: true }), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.updateChecks, 2, 'bad params reach no host');

  const offline = createMockBridge({ fixtures: { update: 'unavailable' } });
  await assert.rejects(offline.updates.check(), { code: 'UNAVAILABLE' });
  assert.equal(offline.state.staged, null);
  const broken = createMockBridge({ fixtures: { update: 'soon' } });
  await assert.rejects(broken.updates.check(), /update/);
});

test('performance.metrics: a web page counts its calls; launch and guest time are the WebView\'s', async () => {
  const m = createMockBridge({ permissions: ['storage'] });
  assert.deepEqual(await m.performance.metrics(), { launch: null, bridgeCalls: 1, bridgeHostMs: 0, guestMs: null });
  await m.storage.keys();
  assert.equal((await m.performance.metrics()).bridgeCalls, 3);
  await assert.rejects(m.call('performance.metrics', { all: true }), { code: 'INVALID_ARGUMENT' });
});
