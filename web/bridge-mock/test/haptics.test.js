import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('haptics: each helper plays its effect, in order', async () => {
  const m = createMockBridge();
  assert.equal(await m.haptics.vibrateShort('light'), null);
  assert.equal(await m.haptics.vibrateLong(), null);
  assert.equal(await m.haptics.notify('success'), null);
  assert.equal(await m.haptics.selectionChanged(), null);
  assert.deepEqual(m.state.haptics, [
    { effect: 'short', style: 'light' },
    { effect: 'long' },
    { effect: 'notification', kind: 'success' },
    { effect: 'selection' },
  ]);
});

test('haptics: unknown styles and kinds are INVALID_ARGUMENT and play nothing', async () => {
  const m = createMockBridge();
  await assert.rejects(m.haptics.vibrateShort('thunder'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.haptics.vibrateShort(), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.haptics.notify(2), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.call('haptics.vibrateLong', { millis: 5000 }), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(m.state.haptics, []);
});

test('haptics: needs the haptics permission; a device without an engine is UNAVAILABLE', async () => {
  const denied = createMockBridge({ permissions: ['device'] });
  await assert.rejects(denied.haptics.vibrateLong(), { code: 'PERMISSION_DENIED' });
  assert.deepEqual(denied.state.haptics, []);
  const none = createMockBridge({ fixtures: { haptics: 'unavailable' } });
  await assert.rejects(none.haptics.selectionChanged(), { code: 'UNAVAILABLE' });
  assert.deepEqual(none.state.haptics, []);
  none.reset();
  const played = createMockBridge();
  await played.haptics.vibrateLong();
  played.reset();
  assert.deepEqual(played.state.haptics, []);
});
