import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('auth.loginCode: a fresh short-lived code each call; UNAVAILABLE signed out; denied without auth', async () => {
  const m = createMockBridge({ now: () => 1_700_000_000_000 });
  const a = await m.auth.loginCode();
  const b = await m.auth.loginCode();
  assert.notEqual(a.code, b.code);
  assert.equal(a.expiresAt, 1_700_000_000 + 300);
  assert.deepEqual(m.state.loginCodes, [a, b]);
  await assert.rejects(m.call('auth.loginCode', { userId: 'x' }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(createMockBridge({ fixtures: { signedIn: false } }).auth.loginCode(), { code: 'UNAVAILABLE' });
  await assert.rejects(createMockBridge({ permissions: ['ui'] }).auth.loginCode(), { code: 'PERMISSION_DENIED' });
});

test('auth.profile: after the user agrees; CANCELLED when they decline', async () => {
  const m = createMockBridge({ userId: 'ana', fixtures: { profile: ['agree', 'decline'] } });
  assert.deepEqual(await m.auth.profile(), { nickname: 'ana', avatarUrl: null });
  await assert.rejects(m.auth.profile(), { code: 'CANCELLED' });
  await assert.rejects(createMockBridge({ permissions: ['storage'] }).auth.profile(), { code: 'PERMISSION_DENIED' });
});
