import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('notifications: permission, schedule in the future (same id replaces), subscribe', async () => {
  const m = createMockBridge({ now: () => 1_700_000_000_000 });
  assert.equal(await m.notifications.requestPermission(), true);
  await m.notifications.schedule({ id: 'due', title: 'Payment due', body: 'Tomorrow', at: 1_700_003_600 });
  await m.notifications.schedule({ id: 'due', title: 'Payment due', at: 1_700_007_200 });
  assert.deepEqual([...m.state.notifications], [['due', { title: 'Payment due', body: '', at: 1_700_007_200 }]]);
  await m.notifications.subscribe('offers');
  await m.notifications.subscribe('offers');
  assert.deepEqual(m.state.topics, ['offers']);
});

test('notifications: the past, bad ids, titles and topics INVALID_ARGUMENT; off; denied', async () => {
  const m = createMockBridge({ now: () => 1_700_000_000_000 });
  for (const n of [
    { id: 'past', title: 't', at: 1_699_999_999 },
    { id: 'now', title: 't', at: 1_700_000_000 },
    { id: 'Bad Id', title: 't', at: 1_800_000_000 },
    { id: 'x', title: '', at: 1_800_000_000 },
    { id: 'x', title: 't', body: 'b'.repeat(257), at: 1_800_000_000 },
  ]) {
    await assert.rejects(m.notifications.schedule(n), { code: 'INVALID_ARGUMENT' }, JSON.stringify(n));
  }
  await assert.rejects(m.notifications.subscribe('../x'), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.notifications.size, 0);
  const off = createMockBridge({ fixtures: { notifications: 'off' } });
  assert.equal(await off.notifications.requestPermission(), false);
  await assert.rejects(off.notifications.schedule({ id: 'x', title: 't', at: 4_000_000_000 }), { code: 'UNAVAILABLE' });
  await assert.rejects(createMockBridge({ permissions: ['ui'] }).notifications.subscribe('x'), { code: 'PERMISSION_DENIED' });
});
