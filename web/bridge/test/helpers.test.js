import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MiniAppBridge, METHODS, attachHelpers } from '../index.js';
import { fakeTransport } from '../test-support/fakes.js';

const receipt = { orderId: 'o-1', transactionId: 't', amountMinor: 100, currency: 'EUR', paidAt: 1 };

// [helper invocation, expected method, expected params]
const CASES = [
  [(b) => b.storage.set('k', { a: [1, 'two'] }), 'storage.set', { key: 'k', value: { a: [1, 'two'] } }],
  [(b) => b.storage.get('k'), 'storage.get', { key: 'k' }],
  [(b) => b.storage.remove('k'), 'storage.remove', { key: 'k' }],
  [(b) => b.storage.keys(), 'storage.keys', {}],
  [(b) => b.storage.clear(), 'storage.clear', {}],
  [(b) => b.storage.usage(), 'storage.usage', {}],
  [(b) => b.auth.getToken(['profile', 'phone']), 'auth.getToken', { scopes: ['profile', 'phone'] }],
  [
    (b) => b.payment.pay({ orderId: 'o-1', amountMinor: 1999, currency: 'EUR', description: 'Loan fee', extra: 'dropped' }),
    'payment.pay',
    { orderId: 'o-1', amountMinor: 1999, currency: 'EUR', description: 'Loan fee' },
  ],
  [(b) => b.payment.query('o-1'), 'payment.query', { orderId: 'o-1' }],
  [(b) => b.geolocation.currentPosition(), 'geolocation.currentPosition', {}],
  [(b) => b.ui.toast('Saved'), 'ui.toast', { message: 'Saved' }],
  [(b) => b.ui.modal('Delete?', 'Really?', ['Yes', 'No']), 'ui.modal', { title: 'Delete?', message: 'Really?', buttons: ['Yes', 'No'] }],
  [(b) => b.ui.navigate('/apply/step-2'), 'ui.navigate', { route: '/apply/step-2' }],
  [(b) => b.ui.setTitle('Loans'), 'ui.setTitle', { title: 'Loans' }],
  [(b) => b.ui.actionSheet(['Edit', 'Delete']), 'ui.actionSheet', { items: ['Edit', 'Delete'] }],
  [(b) => b.ui.showLoading('Saving'), 'ui.showLoading', { title: 'Saving' }],
  [(b) => b.ui.hideLoading(), 'ui.hideLoading', {}],
  [(b) => b.ui.setNavigationBarColor('#ffffff', '#112233'), 'ui.setNavigationBarColor', { frontColor: '#ffffff', backgroundColor: '#112233' }],
  [(b) => b.ui.pickDate('2024-02-29'), 'ui.pickDate', { initial: '2024-02-29' }],
  [(b) => b.ui.pickDate('2024-02-29', { start: '2024-01-01', end: '2024-12-31' }), 'ui.pickDate', { initial: '2024-02-29', start: '2024-01-01', end: '2024-12-31' }],
  [(b) => b.device.info(), 'device.info', {}],
  [(b) => b.device.vibrate(200), 'device.vibrate', { millis: 200 }],
  [(b) => b.device.networkType(), 'device.networkType', {}],
  [(b) => b.device.battery(), 'device.battery', {}],
  [(b) => b.device.setKeepScreenOn(true), 'device.setKeepScreenOn', { keepOn: true }],
  [(b) => b.device.systemInfo(), 'device.systemInfo', {}],
  [(b) => b.clipboard.readText(), 'clipboard.readText', {}],
  [(b) => b.clipboard.writeText('IBAN DE00'), 'clipboard.writeText', { text: 'IBAN DE00' }],
  [(b) => b.share.share('Look', 'https://acme.example/x'), 'share.share', { text: 'Look', url: 'https://acme.example/x' }],
  [(b) => b.share.share('Just text'), 'share.share', { text: 'Just text' }],
  [(b) => b.share.share('No url', null), 'share.share', { text: 'No url' }],
  [(b) => b.haptics.vibrateShort('heavy'), 'haptics.vibrateShort', { style: 'heavy' }],
  [(b) => b.haptics.vibrateLong(), 'haptics.vibrateLong', {}],
  [(b) => b.haptics.notify('error'), 'haptics.notify', { kind: 'error' }],
  [(b) => b.haptics.selectionChanged(), 'haptics.selectionChanged', {}],
  [(b) => b.navigation.openMiniProgram('com.globex.b'), 'navigation.openMiniProgram', { appId: 'com.globex.b' }],
  [
    (b) => b.navigation.openMiniProgram('com.globex.b', { path: '/offer', extraData: '{}' }),
    'navigation.openMiniProgram',
    { appId: 'com.globex.b', path: '/offer', extraData: '{}' },
  ],
  [(b) => b.navigation.openUrl('https://acme.example'), 'navigation.openUrl', { url: 'https://acme.example' }],
  [(b) => b.navigation.exit(), 'navigation.exit', {}],
  [(b) => b.settings.permissions(), 'settings.permissions', {}],
  [(b) => b.settings.request('location'), 'settings.request', { permission: 'location' }],
  [(b) => b.settings.openHostSettings(), 'settings.openHostSettings', {}],
  [(b) => b.secureStorage.set('refresh', 's3cret'), 'secureStorage.set', { key: 'refresh', value: 's3cret' }],
  [(b) => b.secureStorage.get('refresh'), 'secureStorage.get', { key: 'refresh' }],
  [(b) => b.secureStorage.remove('refresh'), 'secureStorage.remove', { key: 'refresh' }],
  [(b) => b.files.write('a.txt', 'x'), 'files.write', { path: 'a.txt', data: 'x' }],
  [(b) => b.auth.loginCode(), 'auth.loginCode', {}],
  [(b) => b.biometrics.authenticate('Confirm'), 'biometrics.authenticate', { reason: 'Confirm' }],
  [(b) => b.media.chooseImage(), 'media.chooseImage', {}],
  [(b) => b.media.chooseImage({ source: 'camera', maxBytes: 1000 }), 'media.chooseImage', { source: 'camera', maxBytes: 1000 }],
  [(b) => b.media.scanCode(), 'media.scanCode', {}],
  [(b) => b.updates.status(), 'updates.status', {}],
  [(b) => b.updates.check(), 'updates.check', {}],
  [(b) => b.performance.metrics(), 'performance.metrics', {}],
  [(b) => b.notifications.requestPermission(), 'notifications.requestPermission', {}],
  [(b) => b.notifications.schedule({ id: 'due', title: 'Due', at: 2_000_000_000 }), 'notifications.schedule', { id: 'due', title: 'Due', body: '', at: 2_000_000_000 }],
  [(b) => b.notifications.subscribe('offers'), 'notifications.subscribe', { topic: 'offers' }],
  [(b) => b.auth.profile(), 'auth.profile', {}],
  [(b) => b.files.read('a.txt'), 'files.read', { path: 'a.txt' }],
  [(b) => b.files.list(), 'files.list', { dir: '' }],
  [(b) => b.files.list('notes'), 'files.list', { dir: 'notes' }],
  [(b) => b.files.stat('a.txt'), 'files.stat', { path: 'a.txt' }],
  [(b) => b.files.remove('a.txt'), 'files.remove', { path: 'a.txt' }],
  [(b) => b.log.log('warn', 'careful'), 'log.log', { level: 'warn', message: 'careful' }],
  [(b) => b.log.trace('t'), 'log.log', { level: 'trace', message: 't' }],
  [(b) => b.log.debug('d'), 'log.log', { level: 'debug', message: 'd' }],
  [(b) => b.log.info('i'), 'log.log', { level: 'info', message: 'i' }],
  [(b) => b.log.warn('w'), 'log.log', { level: 'warn', message: 'w' }],
  [(b) => b.log.error('e'), 'log.log', { level: 'error', message: 'e' }],
];

for (const [invoke, method, params] of CASES) {
  test(`${invoke.toString().slice(7)} sends ${method} with the right params and returns the result`, async () => {
    const t = fakeTransport();
    const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
    const p = invoke(bridge);
    assert.equal(t.raw.length, 1);
    assert.deepEqual(t.last, { id: 1, method, params });
    t.push({ id: 1, result: receipt });
    assert.deepEqual(await p, receipt);
  });
}

test('every protocol method has at least one helper', () => {
  const covered = new Set(CASES.map(([, method]) => method));
  assert.deepEqual([...covered].sort(), Object.keys(METHODS).sort());
});

test('helpers pass call options through (per-call timeout)', async () => {
  const t = fakeTransport();
  const bridge = new MiniAppBridge(t, { timeoutMs: 0 });
  await assert.rejects(bridge.payment.pay({ orderId: 'o', amountMinor: 1, currency: 'EUR', description: '' }, { timeoutMs: 5 }), { code: 'TIMEOUT' });
  await assert.rejects(bridge.share.share('x', undefined, { timeoutMs: 5 }), { code: 'TIMEOUT' });
  await assert.rejects(bridge.log.info('x', { timeoutMs: 5 }), { code: 'TIMEOUT' });
});

test('attachHelpers works on any object with call()', async () => {
  const seen = [];
  const target = attachHelpers({ call: async (method, params) => { seen.push([method, params]); return 'ok'; } });
  assert.equal(await target.ui.toast('hi'), 'ok');
  assert.equal(await target.storage.keys(), 'ok');
  assert.deepEqual(seen, [['ui.toast', { message: 'hi' }], ['storage.keys', {}]]);
  assert.throws(() => attachHelpers({}), TypeError);
});
