import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge, DEFAULT_POSITION, DEFAULT_DEVICE_INFO } from '../index.js';

test('geolocation.currentPosition: the fixture, or the default', async () => {
  const here = { latitude: 48.137, longitude: 11.575, accuracyM: 25 };
  assert.deepEqual(await createMockBridge({ fixtures: { position: here } }).geolocation.currentPosition(), here);
  assert.deepEqual(await createMockBridge().geolocation.currentPosition(), DEFAULT_POSITION);
});

test('geolocation fixture "unavailable" (or null) rejects UNAVAILABLE', async () => {
  await assert.rejects(createMockBridge({ fixtures: { position: 'unavailable' } }).geolocation.currentPosition(), { code: 'UNAVAILABLE' });
  await assert.rejects(createMockBridge({ fixtures: { position: null } }).geolocation.currentPosition(), { code: 'UNAVAILABLE' });
});

test('ui.toast: 1..500 bytes', async () => {
  const m = createMockBridge();
  assert.equal(await m.ui.toast('Saved'), null);
  assert.equal(await m.ui.toast('x'.repeat(500)), null);
  await assert.rejects(m.ui.toast(''), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.toast('x'.repeat(501)), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.toast('€'.repeat(167)), { code: 'INVALID_ARGUMENT' }, '501 bytes in 167 characters');
  await assert.rejects(m.ui.toast(5), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(m.state.toasts, ['Saved', 'x'.repeat(500)]);
});

test('ui.modal answers from the fixture queue; "cancel" rejects CANCELLED; default is button 0', async () => {
  const m = createMockBridge({ fixtures: { modal: [1, 'cancel'] } });
  assert.equal(await m.ui.modal('Delete?', 'Sure?', ['Keep', 'Delete']), 1);
  await assert.rejects(m.ui.modal('Delete?', 'Sure?', ['Keep', 'Delete']), { code: 'CANCELLED' });
  assert.equal(await m.ui.modal('Delete?', 'Sure?', ['Keep', 'Delete']), 0, 'queue used up: first button');
  m.fixtures.modal = 2;
  assert.equal(await m.ui.modal('t', 'm', ['a', 'b', 'c']), 2);
  assert.equal(await m.ui.modal('t', 'm', ['a', 'b', 'c']), 2, 'a single answer repeats');
  assert.deepEqual(m.state.modals.map((d) => d.answer), [1, 'cancel', 0, 2, 2]);
});

test('ui.modal: 1..4 buttons; a fixture index out of range is a loud INTERNAL error', async () => {
  const m = createMockBridge({ fixtures: { modal: 3 } });
  await assert.rejects(m.ui.modal('t', 'm', []), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.modal('t', 'm', ['1', '2', '3', '4', '5']), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.modal('t', 'm', 'OK'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.modal('t', 'm', [1]), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.modal(undefined, 'm', ['OK']), { code: 'INVALID_ARGUMENT' });
  assert.equal(await m.ui.modal('t', 'm', ['1', '2', '3', '4']), 3);
  await assert.rejects(m.ui.modal('t', 'm', ['1', '2']), { code: 'INTERNAL', message: /fixture modal/ });
});

test('ui.navigate: route must start with "/"', async () => {
  const m = createMockBridge();
  assert.equal(await m.ui.navigate('/apply/step-2'), null);
  await assert.rejects(m.ui.navigate('apply'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.navigate('https://evil.example/'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.navigate(''), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.route, '/apply/step-2');
  assert.deepEqual(m.state.navigations, ['/apply/step-2']);
});

test('ui.setTitle: at most 100 bytes', async () => {
  const m = createMockBridge();
  assert.equal(await m.ui.setTitle('Loans'), null);
  assert.equal(m.state.title, 'Loans');
  await assert.rejects(m.ui.setTitle('x'.repeat(101)), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.title, 'Loans');
});

test('device.info: the fixture, or the default', async () => {
  const ios = { platform: 'ios', hostVersion: '2.3.0', locale: 'de-DE', screen: { width: 393, height: 852, scale: 3 } };
  assert.deepEqual(await createMockBridge({ fixtures: { deviceInfo: ios } }).device.info(), ios);
  assert.deepEqual(await createMockBridge().device.info(), DEFAULT_DEVICE_INFO);
});

test('device.vibrate: integer millis, at most 1000', async () => {
  const m = createMockBridge();
  assert.equal(await m.device.vibrate(1000), null);
  assert.equal(await m.device.vibrate(0), null);
  await assert.rejects(m.device.vibrate(1001), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.device.vibrate(-1), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.device.vibrate(1.5), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.device.vibrate('200'), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(m.state.vibrations, [1000, 0]);
});

test('clipboard: fixture text, write then read, null when empty', async () => {
  assert.equal(await createMockBridge().clipboard.readText(), null);
  const m = createMockBridge({ fixtures: { clipboard: 'DE89 3704' } });
  assert.equal(await m.clipboard.readText(), 'DE89 3704');
  assert.equal(await m.clipboard.writeText('copied'), null);
  assert.equal(await m.clipboard.readText(), 'copied');
  await assert.rejects(m.clipboard.writeText('x'.repeat(64 * 1024 + 1)), { code: 'INVALID_ARGUMENT' });
  assert.equal(await m.clipboard.readText(), 'copied');
});

test('share.share: text required, url optional and http(s); fixture "cancel"', async () => {
  const m = createMockBridge({ fixtures: { share: ['success', 'cancel'] } });
  assert.equal(await m.share.share('Look', 'https://acme.example/offer'), null);
  await assert.rejects(m.share.share('Again'), { code: 'CANCELLED' });
  assert.equal(await m.share.share('Text only'), null);
  await assert.rejects(m.share.share(''), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.share.share('x', 'javascript:alert(1)'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.share.share('x', 'not a url'), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(m.state.shares, [{ text: 'Look', url: 'https://acme.example/offer' }, { text: 'Text only' }]);
});

test('log.log: every level, validated, truncated to 4 KiB on a character boundary', async () => {
  const m = createMockBridge({ permissions: [] });
  assert.equal(await m.log.log('info', 'hello'), null);
  for (const level of ['trace', 'debug', 'info', 'warn', 'error']) await m.log[level](level);
  await assert.rejects(m.log.log('fatal', 'x'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.log.log('info', 42), { code: 'INVALID_ARGUMENT' });
  await m.log.info('a' + '😀'.repeat(1024)); // 1 + 4096 bytes
  const last = m.state.logs.at(-1).message;
  assert.equal(Buffer.byteLength(last), 4093, 'a + 1023 emoji; the next one would not fit');
  assert.deepEqual(m.state.logs.slice(0, 6).map((l) => l.level), ['info', 'trace', 'debug', 'info', 'warn', 'error']);
});

test('unknown methods are METHOD_NOT_FOUND; params that are not an object BAD_REQUEST', async () => {
  const m = createMockBridge();
  await assert.rejects(m.call('storage.drop', {}), { code: 'METHOD_NOT_FOUND' });
  await assert.rejects(m.call('toString', {}), { code: 'METHOD_NOT_FOUND' });
  await assert.rejects(m.call('storage.keys', [1]), { code: 'BAD_REQUEST' });
  await assert.rejects(m.call('storage.keys', 'x'), { code: 'BAD_REQUEST' });
  await assert.rejects(m.call(7, {}), { code: 'BAD_REQUEST' });
  assert.deepEqual(await m.call('storage.keys'), [], 'params may be omitted');
});

test('fixtures.errors forces a host failure after the argument checks', async () => {
  const m = createMockBridge({ fixtures: { errors: { 'auth.getToken': 'UNAVAILABLE', 'device.vibrate': { code: 'UNAVAILABLE', message: 'no vibrator' } } } });
  await assert.rejects(m.auth.getToken(['profile']), { code: 'UNAVAILABLE' });
  await assert.rejects(m.device.vibrate(100), { code: 'UNAVAILABLE', message: 'no vibrator' });
  await assert.rejects(m.device.vibrate(5000), { code: 'INVALID_ARGUMENT' }, 'validation still comes first');
  assert.deepEqual(m.state.vibrations, []);
  delete m.fixtures.errors['device.vibrate'];
  assert.equal(await m.device.vibrate(100), null);
});
