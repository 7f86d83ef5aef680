import { test } from 'node:test';
import assert from 'node:assert/strict';

import { LIMITS } from '@miniapp/bridge/protocol';
import { createMockBridge } from '../index.js';

test('secureStorage keeps small secrets: set, get, remove', async () => {
  const m = createMockBridge({ permissions: ['storage'] });
  assert.equal(await m.secureStorage.set('refresh', 's3cret'), null);
  assert.equal(await m.secureStorage.get('refresh'), 's3cret');
  assert.equal(await m.secureStorage.get('none'), null);
  assert.equal(await m.secureStorage.remove('refresh'), true);
  assert.equal(await m.secureStorage.remove('refresh'), false);
  assert.equal(m.state.secrets.size, 0);
});

test('secureStorage: bad keys and oversized values INVALID_ARGUMENT, the key limit QUOTA_EXCEEDED, nothing kept', async () => {
  const m = createMockBridge({ permissions: ['storage'] });
  for (const [key, value] of [['', 'v'], ['a\u0000b', 'v'], ['k'.repeat(LIMITS.secureKeyBytes + 1), 'v'], ['k', 'v'.repeat(LIMITS.secureValueBytes + 1)], ['k', 5]]) {
    await assert.rejects(m.secureStorage.set(key, value), { code: 'INVALID_ARGUMENT' }, JSON.stringify([key, value]));
  }
  await assert.rejects(m.secureStorage.get(''), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.secrets.size, 0);
  await m.secureStorage.set('k0', 'v'.repeat(LIMITS.secureValueBytes));
  for (let i = 1; i < LIMITS.secureEntriesMax; i += 1) await m.secureStorage.set(`k${i}`, 'v');
  await assert.rejects(m.secureStorage.set('more', 'v'), { code: 'QUOTA_EXCEEDED' });
  await m.secureStorage.set('k1', 'replaced');
  assert.equal(m.state.secrets.size, LIMITS.secureEntriesMax);
});

test('secureStorage needs storage, and a keystore', async () => {
  const denied = createMockBridge({ permissions: ['ui'] });
  await assert.rejects(denied.secureStorage.set('k', 'v'), { code: 'PERMISSION_DENIED' });
  assert.equal(denied.state.secrets.size, 0);
  const none = createMockBridge({ fixtures: { keystore: 'unavailable' } });
  await assert.rejects(none.secureStorage.get('k'), { code: 'UNAVAILABLE' });
});
