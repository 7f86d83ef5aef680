import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('navigation opens known mini-programs and http(s) URLs, and exits', async () => {
  const m = createMockBridge({ fixtures: { knownApps: ['com.globex.b'] } });
  assert.equal(await m.navigation.openMiniProgram('com.globex.b', { path: '/offer', extraData: '{"x":1}' }), null);
  assert.equal(await m.navigation.openUrl('https://acme.example/terms'), null);
  assert.equal(await m.navigation.exit(), null);
  assert.deepEqual(m.state.opened, [
    { appId: 'com.globex.b', path: '/offer', extraData: '{"x":1}' },
    { url: 'https://acme.example/terms' },
    { exit: true },
  ]);
});

test('navigation: unknown ids NOT_FOUND, bad input INVALID_ARGUMENT, a decline CANCELLED; nothing opens', async () => {
  const m = createMockBridge({ fixtures: { knownApps: ['com.globex.b'], leave: ['decline'] } });
  await assert.rejects(m.navigation.openMiniProgram('com.globex.b'), { code: 'CANCELLED' });
  await assert.rejects(m.navigation.openMiniProgram('com.globex.zzz'), { code: 'NOT_FOUND' });
  for (const [id, target] of [
    ['Not An Id', null],
    ['com.example.miniapp', null],
    ['com.globex.b', { path: 'offer' }],
    ['com.globex.b', { extraData: 'x'.repeat(4097) }],
  ]) {
    await assert.rejects(m.navigation.openMiniProgram(id, target), { code: 'INVALID_ARGUMENT' }, `${id} ${JSON.stringify(target)}`);
  }
  for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://', 'https://a b.example', `https://acme.example/${'x'.repeat(2048)}`]) {
    await assert.rejects(m.navigation.openUrl(url), { code: 'INVALID_ARGUMENT' }, url);
  }
  assert.deepEqual(m.state.opened, []);
  const denied = createMockBridge({ permissions: ['ui'] });
  await assert.rejects(denied.navigation.exit(), { code: 'PERMISSION_DENIED' });
  assert.deepEqual(denied.state.opened, []);
});
