import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('files: write, read, list, stat, remove in the sandbox', async () => {
  const m = createMockBridge({ permissions: ['storage'], now: () => 1_700_000_000_000 });
  await m.files.write('notes/a.txt', 'alpha');
  await m.files.write('top', 't');
  assert.equal(await m.files.read('notes/a.txt'), 'alpha');
  assert.deepEqual(await m.files.list('notes'), [{ path: 'notes/a.txt', size: 5, modifiedAt: 1_700_000_000 }]);
  assert.equal((await m.files.list()).length, 2);
  assert.deepEqual(await m.files.stat('top'), { path: 'top', size: 1, modifiedAt: 1_700_000_000 });
  assert.equal(await m.files.remove('top'), true);
  assert.equal(await m.files.remove('top'), false);
  await assert.rejects(m.files.read('top'), { code: 'NOT_FOUND' });
  await assert.rejects(m.files.stat('top'), { code: 'NOT_FOUND' });
});

test('files: bad paths and oversized data INVALID_ARGUMENT, the storage quota shared, denied without storage', async () => {
  const m = createMockBridge({ permissions: ['storage'], quotaBytes: 100 });
  for (const path of ['../x', '/etc/passwd', 'a/../../b', 'a//b', 'a/./b', 'a\u0000b', 'a\\b', '', 'p'.repeat(513)]) {
    await assert.rejects(m.files.write(path, 'x'), { code: 'INVALID_ARGUMENT' }, JSON.stringify(path));
    await assert.rejects(m.files.read(path), { code: 'INVALID_ARGUMENT' }, JSON.stringify(path));
  }
  await assert.rejects(m.files.list('..'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(createMockBridge().files.write('big', 'x'.repeat(1024 * 1024 + 1)), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.files.size, 0);
  await m.files.write('a', 'x'.repeat(50));
  await assert.rejects(m.files.write('b', 'x'.repeat(50)), { code: 'QUOTA_EXCEEDED' });
  await assert.rejects(m.storage.set('k', 'x'.repeat(40)), { code: 'QUOTA_EXCEEDED' });
  assert.equal((await m.storage.usage()).usedBytes, 10 + 1 + 50);
  const denied = createMockBridge({ permissions: ['ui'] });
  await assert.rejects(denied.files.write('a', 'x'), { code: 'PERMISSION_DENIED' });
});
