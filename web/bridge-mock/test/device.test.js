import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge, DEFAULT_BATTERY, DEFAULT_SYSTEM_INFO } from '../index.js';

test('device.networkType, battery and systemInfo answer their fixtures or defaults', async () => {
  const m = createMockBridge();
  assert.equal(await m.device.networkType(), 'wifi');
  assert.deepEqual(await m.device.battery(), DEFAULT_BATTERY);
  assert.deepEqual(await m.device.systemInfo(), DEFAULT_SYSTEM_INFO);
  const offline = createMockBridge({ fixtures: { networkType: 'none', battery: { level: 5, charging: true } } });
  assert.equal(await offline.device.networkType(), 'none');
  assert.deepEqual(await offline.device.battery(), { level: 5, charging: true });
  await assert.rejects(createMockBridge({ fixtures: { battery: 'unavailable' } }).device.battery(), { code: 'UNAVAILABLE' });
});

test('device.setKeepScreenOn: a boolean, remembered; anything else INVALID_ARGUMENT', async () => {
  const m = createMockBridge();
  assert.equal(m.state.keepScreenOn, false);
  assert.equal(await m.device.setKeepScreenOn(true), null);
  assert.equal(m.state.keepScreenOn, true);
  await assert.rejects(m.device.setKeepScreenOn('yes'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.call('device.setKeepScreenOn', {}), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.call('device.battery', { level: 1 }), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.keepScreenOn, true);
  m.reset();
  assert.equal(m.state.keepScreenOn, false);
});

test('the new device methods need the device permission', async () => {
  const m = createMockBridge({ permissions: ['ui'] });
  await assert.rejects(m.device.setKeepScreenOn(true), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.device.networkType(), { code: 'PERMISSION_DENIED' });
  assert.equal(m.state.keepScreenOn, false);
});
