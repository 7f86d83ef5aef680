import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge, BridgeError } from '../index.js';

const bytes = (s) => Buffer.byteLength(s, 'utf8');

test('storage happy path: set, get, keys, remove, usage, clear', async () => {
  const m = createMockBridge();
  assert.equal(await m.storage.set('profile', { name: 'Ada', tags: ['x'] }), null);
  assert.equal(await m.storage.set('count', 3), null);
  assert.deepEqual(await m.storage.get('profile'), { name: 'Ada', tags: ['x'] });
  assert.equal(await m.storage.get('count'), 3);
  assert.equal(await m.storage.get('missing'), null);
  assert.deepEqual(await m.storage.keys(), ['count', 'profile']);
  // Each entry costs its key, its JSON text and the host's 10-byte record header.
  const expected = 10 + bytes('profile') + bytes('{"name":"Ada","tags":["x"]}') + 10 + bytes('count') + bytes('3');
  assert.deepEqual(await m.storage.usage(), { usedBytes: expected, quotaBytes: 10 * 1024 * 1024 });
  assert.equal(await m.storage.remove('count'), true);
  assert.equal(await m.storage.remove('count'), false);
  assert.deepEqual(await m.storage.keys(), ['profile']);
  assert.equal(await m.storage.clear(), null);
  assert.deepEqual(await m.storage.keys(), []);
  assert.deepEqual(await m.storage.usage(), { usedBytes: 0, quotaBytes: 10 * 1024 * 1024 });
});

test('values are stored as JSON text: what you get back is a copy, as on the wire', async () => {
  const m = createMockBridge();
  const value = { when: new Date(0), n: NaN, gone: undefined, list: [1] };
  await m.storage.set('k', value);
  assert.equal(m.state.storage.get('k'), '{"when":"1970-01-01T00:00:00.000Z","n":null,"list":[1]}');
  value.list.push(2);
  const got = await m.storage.get('k');
  assert.deepEqual(got.list, [1]);
  got.list.push(3);
  assert.deepEqual((await m.storage.get('k')).list, [1], 'mutating a result does not change the store');
});

test('overwriting a key replaces its bytes in the usage count', async () => {
  const m = createMockBridge();
  await m.storage.set('k', 'a long value');
  await m.storage.set('k', 1);
  assert.equal((await m.storage.usage()).usedBytes, 10 + bytes('k') + bytes('1'));
});

test('keys sort by code point (UTF-8 byte order, like the host), not by UTF-16 unit', async () => {
  const m = createMockBridge();
  for (const k of ['b', '😀', '\uFFFD', 'a', 'B']) await m.storage.set(k, 1);
  // UTF-16 order would put 😀 (D83D DE00) before U+FFFD
  assert.deepEqual(await m.storage.keys(), ['B', 'a', 'b', '\uFFFD', '😀']);
});

test('key must be 1..1024 UTF-8 bytes', async () => {
  const m = createMockBridge();
  await assert.rejects(m.storage.set('', 1), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.storage.get(''), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.storage.remove(''), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.storage.set(42, 1), { code: 'INVALID_ARGUMENT' });
  assert.equal(await m.storage.set('k'.repeat(1024), 1), null);
  await assert.rejects(m.storage.set('k'.repeat(1025), 1), { code: 'INVALID_ARGUMENT' });
  // 342 × "é" (2 bytes) = 684 bytes, fine; 513 × "é" = 1026 bytes though only 513 UTF-16 units
  assert.equal(await m.storage.set('é'.repeat(342), 1), null);
  await assert.rejects(m.storage.set('é'.repeat(513), 1), { code: 'INVALID_ARGUMENT', message: /1026/ });
  assert.deepEqual(await m.storage.keys(), ['k'.repeat(1024), 'é'.repeat(342)]);
});

test('value JSON text must be at most 1 MiB', async () => {
  const m = createMockBridge({ quotaBytes: 10 * 1024 * 1024 });
  const fits = 'x'.repeat(1024 * 1024 - 2); // plus 2 quote characters = exactly 1 MiB
  assert.equal(await m.storage.set('fits', fits), null);
  await assert.rejects(m.storage.set('big', fits + 'x'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.storage.set('big', 'é'.repeat(600 * 1024)), { code: 'INVALID_ARGUMENT' }, 'counted in bytes');
  assert.deepEqual(await m.storage.keys(), ['fits']);
});

test('a value is required (undefined does not survive JSON)', async () => {
  const m = createMockBridge();
  await assert.rejects(m.storage.set('k', undefined), { code: 'INVALID_ARGUMENT', message: /value/ });
  assert.equal(await m.storage.set('k', null), null, 'null is a JSON value');
  assert.equal(m.state.storage.get('k'), 'null');
});

test('quota counts header + key bytes + value bytes, as the host does; a write over it fails with QUOTA_EXCEEDED and changes nothing', async () => {
  const m = createMockBridge({ quotaBytes: 40 });
  await m.storage.set('a', '12345678'); // 10 + 1 + 10 = 21
  // 10 + 1 + 9 = 20 -> 41 > 40
  const err = await m.storage.set('b', '1234567').then(() => assert.fail('should exceed the quota'), (e) => e);
  assert.ok(err instanceof BridgeError);
  assert.equal(err.code, 'QUOTA_EXCEEDED');
  assert.deepEqual(m.storageSnapshot(), { a: '12345678' });
  assert.deepEqual(await m.storage.usage(), { usedBytes: 21, quotaBytes: 40 });
  assert.equal(await m.storage.set('b', '123456'), null, 'exactly at the quota is fine'); // 10 + 1 + 8 = 19 -> 40
  assert.equal((await m.storage.usage()).usedBytes, 40);
  // replacing a value with a smaller one always fits; a bigger one must fit after freeing the old
  await assert.rejects(m.storage.set('a', '123456789'), { code: 'QUOTA_EXCEEDED' });
  assert.equal(await m.storage.set('a', '1234567'), null);
  assert.equal((await m.storage.usage()).usedBytes, 39);
  await m.storage.remove('b');
  assert.equal((await m.storage.usage()).usedBytes, 20);
});

test('fixtures.storage pre-fills the store and counts against the quota', async () => {
  const m = createMockBridge({ fixtures: { storage: { draft: { step: 2 } } } });
  assert.deepEqual(await m.storage.get('draft'), { step: 2 });
  assert.equal((await m.storage.usage()).usedBytes, 10 + bytes('draft') + bytes('{"step":2}'));
  assert.throws(() => createMockBridge({ quotaBytes: 13, fixtures: { storage: { draft: 1 } } }), TypeError);
});
