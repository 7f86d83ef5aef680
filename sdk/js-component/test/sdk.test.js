import { test } from 'node:test';
import assert from 'node:assert/strict';

import { BridgeError, createBridge } from '../index.js';
import { componentImports, mockBridge } from '../mock.js';
import { createMockBridge } from '../test-support/web-mock.js';

const code = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof BridgeError, `${e} is a BridgeError`);
    return e.code;
  }
  assert.fail('no error thrown');
};

test('storage: JSON, text and bytes, sorted keys, usage as numbers', () => {
  const web = createMockBridge({ permissions: ['storage'] });
  const { storage } = mockBridge(web, ['storage', 'log']);
  storage.setJson('draft', { step: 2, name: 'Åsa' });
  storage.set('plain', '"text"');
  assert.deepEqual(storage.getJson('draft'), { step: 2, name: 'Åsa' });
  assert.equal(storage.getJson('absent'), undefined);
  assert.deepEqual(storage.getJson('absent', []), []);
  assert.equal(storage.getText('plain'), '"text"');
  assert.deepEqual(storage.get('plain'), new TextEncoder().encode('"text"'));
  assert.deepEqual(storage.keys(), ['draft', 'plain']);
  const usage = storage.usage();
  assert.equal(typeof usage.usedBytes, 'number');
  assert.equal(usage.usedBytes, web.state.usedBytes);
  assert.equal(storage.remove('plain'), true);
  assert.equal(storage.remove('plain'), false);
  storage.clear();
  assert.deepEqual(web.storageSnapshot(), {});
});

test('a bridge error arrives with its code, message and method', () => {
  const { storage } = mockBridge(createMockBridge({ permissions: ['storage'], quotaBytes: 30 }));
  let error;
  try {
    storage.setJson('', 1);
  } catch (e) {
    error = e;
  }
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.method, 'storage.set');
  assert.match(error.message, /key/);
  assert.equal(code(() => storage.setJson('k', 'x'.repeat(40))), 'QUOTA_EXCEEDED');
  assert.equal(code(() => storage.setJson('k', 1n)), 'JSON');
  assert.throws(() => storage.set('k', new Uint8Array([0xff])), /JSON text/);
});

test('what was not granted is PERMISSION_DENIED and changes nothing', () => {
  const web = createMockBridge({ permissions: ['ui'] });
  const bridge = mockBridge(web);
  assert.equal(code(() => bridge.storage.setJson('k', 1)), 'PERMISSION_DENIED');
  assert.equal(code(() => bridge.payment.pay({ orderId: 'o', amountMinor: 100, currency: 'EUR' })), 'PERMISSION_DENIED');
  assert.equal(code(() => bridge.geolocation.currentPosition()), 'PERMISSION_DENIED');
  bridge.ui.toast('granted');
  bridge.log.info('always allowed');
  assert.deepEqual(web.storageSnapshot(), {});
  assert.deepEqual(web.state.toasts, ['granted']);
  assert.deepEqual(web.state.logs, [{ level: 'info', message: 'always allowed' }]);
});

test('auth and payment: u64 fields are BigInt at the import and numbers in the SDK', () => {
  const web = createMockBridge({ permissions: ['auth', 'payment'], allowedScopes: ['profile'], fixtures: { payment: ['success', 'cancel'] }, now: () => 1_000_000 });
  const bridge = mockBridge(web);
  const token = bridge.auth.getToken(['profile', 'admin']);
  assert.deepEqual(token.scopes, ['profile']);
  assert.equal(token.expiresAt, 1000 + 900);
  assert.throws(() => bridge.auth.getToken('profile'), TypeError);
  const receipt = bridge.payment.pay({ orderId: 'o-1', amountMinor: 1500, currency: 'EUR', description: 'fee' });
  assert.equal(receipt.amountMinor, 1500);
  assert.equal(receipt.paidAt, 1000);
  assert.deepEqual(bridge.payment.pay({ orderId: 'o-1', amountMinor: 1500n, currency: 'EUR' }), receipt);
  assert.deepEqual(bridge.payment.query('o-1'), receipt);
  assert.equal(code(() => bridge.payment.pay({ orderId: 'o-2', amountMinor: 1, currency: 'EUR' })), 'CANCELLED');
  assert.equal(code(() => bridge.payment.query('o-2')), 'NOT_FOUND');
  assert.equal(code(() => bridge.payment.pay({ orderId: 'o-3', amountMinor: 1, currency: 'eur' })), 'INVALID_ARGUMENT');
  // The imports take BigInt, as ComponentizeJS does.
  const imports = componentImports(web);
  assert.throws(() => imports.payment.pay({ orderId: 'o-4', amountMinor: 1, currency: 'EUR', description: '' }), /BigInt/);
});

test('ui, device, clipboard, share and log go through', () => {
  const web = createMockBridge({ permissions: ['ui', 'device', 'clipboard', 'share', 'location'], fixtures: { modal: [1, 'cancel'], clipboard: null } });
  const b = mockBridge(web);
  assert.equal(b.ui.modal('t', 'm', ['no', 'yes']), 1);
  assert.equal(code(() => b.ui.modal('t', 'm', ['ok'])), 'CANCELLED');
  b.ui.navigate('/apply');
  b.ui.setTitle('Loans');
  assert.equal(code(() => b.ui.navigate('apply')), 'INVALID_ARGUMENT');
  assert.equal(b.device.info().screen.width, 390);
  b.device.vibrate(10);
  assert.equal(b.clipboard.readText(), undefined);
  b.clipboard.writeText('copied');
  assert.equal(b.clipboard.readText(), 'copied');
  b.share.share('hi');
  b.share.share('hi', 'https://acme.example');
  assert.equal(b.geolocation.currentPosition().accuracyM, 10);
  b.log.warn('careful');
  assert.throws(() => b.log.log('loud', 'x'), TypeError);
  assert.deepEqual(web.state.navigations, ['/apply']);
  assert.deepEqual(web.state.shares, [{ text: 'hi' }, { text: 'hi', url: 'https://acme.example' }]);
  assert.deepEqual(web.state.vibrations, [10]);
});

test('an interface that was not passed throws, naming the import and the world', () => {
  const bridge = mockBridge(createMockBridge(), ['storage', 'log']);
  assert.throws(() => bridge.payment, /miniapp:bridge\/payment@0\.1\.0.*payment-app/);
  assert.throws(() => bridge.geolocation, /geolocation-app/);
  assert.throws(() => bridge.haptics, /miniapp:bridge\/haptics@0\.1\.0.*haptics-app/);
  assert.throws(() => bridge.navigation, /miniapp:bridge\/navigation@0\.1\.0.*navigation-app/);
  assert.throws(() => createBridge({ network: {} }), /unknown bridge interface/);
});

test('a recording replays to the same answers', () => {
  const live = createMockBridge({ permissions: ['storage', 'payment'] });
  const a = mockBridge(live);
  a.storage.setJson('k', { v: 1 });
  const receipt = a.payment.pay({ orderId: 'o', amountMinor: 5, currency: 'EUR' });
  assert.equal(code(() => a.ui.toast('x')), 'PERMISSION_DENIED');
  const recording = JSON.stringify(live.recording());

  const replayed = createMockBridge({ permissions: [] }).replay(recording, { matchParams: true });
  const b = mockBridge(replayed);
  b.storage.setJson('k', { v: 1 });
  assert.deepEqual(b.payment.pay({ orderId: 'o', amountMinor: 5, currency: 'EUR' }), receipt);
  assert.equal(code(() => b.ui.toast('x')), 'PERMISSION_DENIED');
  replayed.assertReplayComplete();
  assert.deepEqual(replayed.storageSnapshot(), {}, 'replay simulates nothing');

  const diverging = mockBridge(createMockBridge().replay(recording, { matchParams: true }));
  assert.equal(code(() => diverging.storage.setJson('k', { v: 2 })), 'INTERNAL');
});

test('the SDK over hand-made imports: a bridge-error payload becomes a BridgeError, anything else passes through', () => {
  const thrown = (payload) => Object.assign(new Error('x'), { payload });
  const bridge = createBridge({
    storage: {
      get(key) {
        if (key === 'gone') throw thrown({ tag: 'unavailable', val: 'disk asleep' });
        throw new RangeError('not a bridge error');
      },
    },
  });
  let error;
  try {
    bridge.storage.get('gone');
  } catch (e) {
    error = e;
  }
  assert.deepEqual([error.code, error.message, error.method], ['UNAVAILABLE', 'disk asleep', 'storage.get']);
  assert.throws(() => bridge.storage.get('other'), RangeError);
});

// --- the methods added with haptics and navigation --------------------------------------------

const error = (f) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('no error thrown');
};

test('haptics: each effect played, a bad style or kind a TypeError, denied without the permission, UNAVAILABLE without an engine', () => {
  const web = createMockBridge({ permissions: ['haptics'] });
  const { haptics } = mockBridge(web, ['haptics', 'log']);
  haptics.vibrateShort('heavy');
  haptics.vibrateLong();
  haptics.notify('warning');
  haptics.selectionChanged();
  assert.deepEqual(web.state.haptics, [
    { effect: 'short', style: 'heavy' },
    { effect: 'long' },
    { effect: 'notification', kind: 'warning' },
    { effect: 'selection' },
  ]);
  // A WIT enum takes only its case names; the SDK says so before anything reaches the bridge.
  assert.throws(() => haptics.vibrateShort('strong'), { name: 'TypeError', message: /light, medium, heavy/ });
  assert.throws(() => haptics.notify('info'), { name: 'TypeError', message: /success, warning, error/ });
  assert.equal(web.calls.length, 4);
  // The mock's imports reject it too, as a component's would.
  assert.throws(() => componentImports(web).haptics.vibrateShort('Heavy'), { name: 'TypeError', message: /impact-style/ });
  assert.throws(() => componentImports(web).haptics.notify(undefined), { name: 'TypeError', message: /haptic-notification/ });

  const denied = createMockBridge({ permissions: ['device'] });
  const e = error(() => mockBridge(denied).haptics.vibrateShort('light'));
  assert.deepEqual([e.code, e.method], ['PERMISSION_DENIED', 'haptics.vibrateShort']);
  assert.equal(code(() => mockBridge(denied).haptics.selectionChanged()), 'PERMISSION_DENIED');
  assert.deepEqual(denied.state.haptics, []);

  const noEngine = createMockBridge({ permissions: ['haptics'], fixtures: { haptics: 'unavailable' } });
  const u = error(() => mockBridge(noEngine).haptics.notify('success'));
  assert.deepEqual([u.code, u.method], ['UNAVAILABLE', 'haptics.notify']);
  assert.match(u.message, /haptic/);
});

test('device: network type, battery, keep-screen-on and system info; keepOn must be a boolean; denied without the permission', () => {
  const systemInfo = { brand: 'Google', model: 'Pixel 8', osVersion: '14', theme: 'dark', fontScale: 1.15 };
  const web = createMockBridge({ permissions: ['device'], fixtures: { networkType: 'cellular', battery: { level: 42, charging: true }, systemInfo } });
  const { device } = mockBridge(web, ['device', 'log']);
  assert.equal(device.networkType(), 'cellular');
  assert.deepEqual(device.battery(), { level: 42, charging: true });
  // font-scale is an f32: the component gets 1.15 at f32 precision, and so does the mock.
  assert.deepEqual(device.systemInfo(), { ...systemInfo, fontScale: Math.fround(1.15) });
  assert.notEqual(Math.fround(1.15), 1.15);
  assert.equal(device.setKeepScreenOn(true), undefined);
  assert.equal(web.state.keepScreenOn, true);
  device.setKeepScreenOn(false);
  assert.equal(web.state.keepScreenOn, false);
  // A component's bool would take 'false' as true; the SDK refuses anything but a boolean.
  assert.throws(() => device.setKeepScreenOn('false'), { name: 'TypeError', message: /keepOn/ });
  assert.throws(() => componentImports(web).device.setKeepScreenOn(1), { name: 'TypeError', message: /bool/ });
  assert.equal(web.state.keepScreenOn, false);
  assert.deepEqual(web.calls.map((c) => c.method).slice(-2), ['device.setKeepScreenOn', 'device.setKeepScreenOn']);

  const noBattery = mockBridge(createMockBridge({ permissions: ['device'], fixtures: { battery: 'unavailable' } }));
  assert.equal(code(() => noBattery.device.battery()), 'UNAVAILABLE');

  const denied = createMockBridge({ permissions: ['haptics'] });
  const b = mockBridge(denied);
  const e = error(() => b.device.setKeepScreenOn(true));
  assert.deepEqual([e.code, e.method], ['PERMISSION_DENIED', 'device.setKeepScreenOn']);
  assert.equal(code(() => b.device.networkType()), 'PERMISSION_DENIED');
  assert.equal(code(() => b.device.systemInfo()), 'PERMISSION_DENIED');
  assert.equal(denied.state.keepScreenOn, false);
});

test('ui: action sheet, loading, bar colour and date picker; bad input is INVALID_ARGUMENT; denied without the permission', () => {
  const web = createMockBridge({ permissions: ['ui'], fixtures: { actionSheet: [2, 'cancel'], date: ['2026-03-05'] } });
  const { ui } = mockBridge(web, ['ui', 'log']);
  assert.equal(ui.actionSheet(['Edit', 'Move', 'Delete']), 2);
  assert.equal(code(() => ui.actionSheet(['Edit'])), 'CANCELLED');
  ui.showLoading('Saving');
  assert.equal(web.state.loading, 'Saving');
  ui.hideLoading();
  assert.equal(web.state.loading, null);
  ui.setNavigationBarColor('#ffffff', '#1a2b3c');
  assert.deepEqual(web.state.barColors, [{ frontColor: '#ffffff', backgroundColor: '#1a2b3c' }]);
  assert.equal(ui.pickDate('2026-03-01', { start: '2026-01-01', end: '2026-12-31' }), '2026-03-05');
  assert.equal(ui.pickDate('2026-03-01'), '2026-03-01');
  assert.equal(ui.pickDate('2026-03-01', { start: null, end: '2026-03-31' }), '2026-03-01');
  assert.deepEqual(
    web.state.datePickers.map(({ start, end }) => [start, end]),
    [['2026-01-01', '2026-12-31'], [null, null], [null, '2026-03-31']],
  );

  const bad = error(() => ui.actionSheet([]));
  assert.deepEqual([bad.code, bad.method], ['INVALID_ARGUMENT', 'ui.actionSheet']);
  assert.match(bad.message, /1 to 6/);
  assert.equal(code(() => ui.actionSheet(['1', '2', '3', '4', '5', '6', '7'])), 'INVALID_ARGUMENT');
  assert.equal(code(() => ui.showLoading('')), 'INVALID_ARGUMENT');
  assert.equal(code(() => ui.setNavigationBarColor('#fff', '#1a2b3c')), 'INVALID_ARGUMENT');
  assert.equal(code(() => ui.pickDate('2026-02-30')), 'INVALID_ARGUMENT');
  assert.equal(code(() => ui.pickDate('2026-03-01', { start: '2026-04-01' })), 'INVALID_ARGUMENT');
  // The WIT's positional start/end is not the SDK's signature: a string range is refused, not ignored.
  assert.throws(() => ui.pickDate('2026-03-01', '2026-01-01'), TypeError);
  assert.throws(() => ui.actionSheet('Edit'), TypeError);
  assert.equal(web.state.actionSheets.length, 2);

  const denied = createMockBridge({ permissions: ['device'] });
  const b = mockBridge(denied);
  const e = error(() => b.ui.pickDate('2026-03-01'));
  assert.deepEqual([e.code, e.method], ['PERMISSION_DENIED', 'ui.pickDate']);
  assert.equal(code(() => b.ui.actionSheet(['Edit'])), 'PERMISSION_DENIED');
  assert.equal(code(() => b.ui.showLoading('Saving')), 'PERMISSION_DENIED');
  assert.deepEqual([denied.state.actionSheets, denied.state.datePickers, denied.state.loading], [[], [], null]);
});

test('navigation: open a mini-program or a URL once the user agrees, exit; bad targets rejected; denied without the permission', () => {
  const web = createMockBridge({ permissions: ['navigation'], fixtures: { knownApps: ['com.acme.pay'], leave: ['agree', 'agree', 'decline'] } });
  const { navigation } = mockBridge(web, ['navigation', 'log']);
  navigation.openMiniProgram('com.acme.pay', { path: '/checkout', extraData: '{"order":7}' });
  navigation.openMiniProgram('com.acme.pay');
  assert.equal(code(() => navigation.openUrl('https://acme.example/terms')), 'CANCELLED');
  navigation.openUrl('https://acme.example/terms'); // the fixture's queue is empty: agree
  navigation.exit();
  assert.deepEqual(web.state.opened, [
    { appId: 'com.acme.pay', path: '/checkout', extraData: '{"order":7}' },
    { appId: 'com.acme.pay', path: null, extraData: null },
    { url: 'https://acme.example/terms' },
    { exit: true },
  ]);

  const bad = error(() => navigation.openUrl('ftp://acme.example/file'));
  assert.deepEqual([bad.code, bad.method], ['INVALID_ARGUMENT', 'navigation.openUrl']);
  assert.equal(code(() => navigation.openMiniProgram(web.appId)), 'INVALID_ARGUMENT');
  assert.equal(code(() => navigation.openMiniProgram('com.acme.pay', { path: 'checkout' })), 'INVALID_ARGUMENT');
  assert.equal(code(() => navigation.openMiniProgram('com.acme.unknown')), 'NOT_FOUND');
  assert.throws(() => navigation.openMiniProgram('com.acme.pay', '/checkout'), TypeError);
  assert.equal(web.state.opened.length, 4);

  const denied = createMockBridge({ permissions: ['ui'], fixtures: { knownApps: ['com.acme.pay'] } });
  const b = mockBridge(denied);
  const e = error(() => b.navigation.openMiniProgram('com.acme.pay'));
  assert.deepEqual([e.code, e.method], ['PERMISSION_DENIED', 'navigation.openMiniProgram']);
  assert.equal(code(() => b.navigation.openUrl('https://acme.example')), 'PERMISSION_DENIED');
  assert.equal(code(() => b.navigation.exit()), 'PERMISSION_DENIED');
  assert.deepEqual(denied.state.opened, []);
});

test('the new methods over stand-in imports: positional options as undefined, enums and records as ComponentizeJS gives them, each bridge-error variant', () => {
  const seen = [];
  const record = (name, answer) => (...args) => {
    seen.push([name, ...args]);
    return typeof answer === 'function' ? answer(...args) : answer;
  };
  const fails = (payload) => () => {
    throw Object.assign(new Error(`${JSON.stringify(payload)} (see error.payload)`), { payload });
  };
  const fontScale = Math.fround(1.15); // an f32
  const bridge = createBridge({
    ui: {
      actionSheet: record('actionSheet', 1),
      showLoading: record('showLoading', undefined),
      hideLoading: fails({ tag: 'unavailable', val: 'no overlay' }),
      setNavigationBarColor: record('setNavigationBarColor', undefined),
      pickDate: record('pickDate', (initial) => {
        if (initial === '2026-02-30') fails({ tag: 'invalid-argument', val: 'initial is not a calendar date' })();
        return '2026-03-02';
      }),
    },
    device: {
      networkType: () => 'none',
      battery: () => ({ level: 7, charging: false }),
      setKeepScreenOn: record('setKeepScreenOn', undefined),
      systemInfo: () => ({ brand: 'Google', model: 'Pixel 8', osVersion: '14', theme: 'dark', fontScale }),
    },
    haptics: {
      vibrateShort: record('vibrateShort', undefined),
      vibrateLong: fails({ tag: 'unavailable', val: 'no vibrator' }),
      notify: fails({ tag: 'permission-denied' }),
      selectionChanged: record('selectionChanged', undefined),
    },
    navigation: {
      openMiniProgram: record('openMiniProgram', (appId) => {
        if (appId === 'com.acme.gone') fails({ tag: 'not-found' })();
      }),
      openUrl: fails({ tag: 'cancelled' }),
      exit: fails({ tag: 'internal', val: 'host shutting down' }),
    },
  });

  assert.equal(bridge.ui.actionSheet(['a', 'b']), 1);
  bridge.ui.showLoading('Saving');
  bridge.ui.setNavigationBarColor('#000000', '#ffffff');
  assert.equal(bridge.ui.pickDate('2026-03-01', { start: '2026-01-01', end: null }), '2026-03-02');
  assert.equal(bridge.ui.pickDate('2026-03-01'), '2026-03-02');
  bridge.device.setKeepScreenOn(false);
  bridge.haptics.vibrateShort('medium');
  bridge.haptics.selectionChanged();
  bridge.navigation.openMiniProgram('com.acme.pay', { path: null, extraData: 'x' });
  bridge.navigation.openMiniProgram('com.acme.pay', null);
  assert.deepEqual(seen, [
    ['actionSheet', ['a', 'b']],
    ['showLoading', 'Saving'],
    ['setNavigationBarColor', '#000000', '#ffffff'],
    ['pickDate', '2026-03-01', '2026-01-01', undefined],
    ['pickDate', '2026-03-01', undefined, undefined],
    ['setKeepScreenOn', false],
    ['vibrateShort', 'medium'],
    ['selectionChanged'],
    ['openMiniProgram', 'com.acme.pay', undefined, 'x'],
    ['openMiniProgram', 'com.acme.pay', undefined, undefined],
  ]);

  assert.equal(bridge.device.networkType(), 'none');
  assert.deepEqual(bridge.device.battery(), { level: 7, charging: false });
  assert.deepEqual(bridge.device.systemInfo(), { brand: 'Google', model: 'Pixel 8', osVersion: '14', theme: 'dark', fontScale });

  const failures = [
    [() => bridge.ui.pickDate('2026-02-30'), 'INVALID_ARGUMENT', 'initial is not a calendar date', 'ui.pickDate'],
    [() => bridge.ui.hideLoading(), 'UNAVAILABLE', 'no overlay', 'ui.hideLoading'],
    [() => bridge.haptics.vibrateLong(), 'UNAVAILABLE', 'no vibrator', 'haptics.vibrateLong'],
    [() => bridge.haptics.notify('error'), 'PERMISSION_DENIED', /^permission denied/, 'haptics.notify'],
    [() => bridge.navigation.openMiniProgram('com.acme.gone'), 'NOT_FOUND', 'not found', 'navigation.openMiniProgram'],
    [() => bridge.navigation.openUrl('https://acme.example'), 'CANCELLED', 'cancelled by the user', 'navigation.openUrl'],
    [() => bridge.navigation.exit(), 'INTERNAL', 'host shutting down', 'navigation.exit'],
  ];
  for (const [f, wantCode, wantMessage, wantMethod] of failures) {
    const e = error(f);
    assert.ok(e instanceof BridgeError, `${wantMethod}: ${e}`);
    assert.equal(e.code, wantCode, wantMethod);
    assert.equal(e.method, wantMethod);
    if (wantMessage instanceof RegExp) assert.match(e.message, wantMessage);
    else assert.equal(e.message, wantMessage);
  }
  // Bad enum input never reaches the import.
  assert.throws(() => bridge.haptics.vibrateShort('soft'), TypeError);
  assert.equal(seen.filter(([name]) => name === 'vibrateShort').length, 1);
});

test('settings: declared permissions in the web shape, asking again once, the settings page; no permission needed', () => {
  const web = createMockBridge({ permissions: ['storage'], fixtures: { declined: ['location'], notAsked: ['clipboard'], consent: ['agree'] } });
  const { settings } = mockBridge(web, ['settings', 'log']);
  assert.deepEqual(settings.permissions(), [
    { permission: 'storage', state: 'granted', active: true },
    { permission: 'location', state: 'denied', active: false },
    { permission: 'clipboard', state: 'notAsked', active: false },
  ]);
  assert.deepEqual(settings.request('location'), { permission: 'location', state: 'granted', active: false });
  const bad = error(() => settings.request('payment'));
  assert.deepEqual([bad.code, bad.method], ['INVALID_ARGUMENT', 'settings.request']);
  settings.openHostSettings();
  assert.equal(web.state.settingsOpened, 1);
  assert.deepEqual(web.state.consentRequests, ['location']);
  const none = mockBridge(createMockBridge({ fixtures: { settingsPage: 'unavailable' } }), ['settings']);
  assert.equal(code(() => none.settings.openHostSettings()), 'UNAVAILABLE');
});

test('secureStorage: set, get, remove over the imports; bad input and the missing permission are bridge errors', () => {
  const web = createMockBridge({ permissions: ['storage'] });
  const { secureStorage } = mockBridge(web, ['secureStorage', 'log']);
  secureStorage.set('refresh', 's3cret');
  assert.equal(secureStorage.get('refresh'), 's3cret');
  assert.equal(secureStorage.get('none'), undefined);
  assert.equal(secureStorage.remove('refresh'), true);
  const bad = error(() => secureStorage.set('a\u0000b', 'v'));
  assert.deepEqual([bad.code, bad.method], ['INVALID_ARGUMENT', 'secureStorage.set']);
  assert.equal(code(() => secureStorage.set('k', 'v'.repeat(4097))), 'INVALID_ARGUMENT');
  const denied = mockBridge(createMockBridge({ permissions: ['ui'] }), ['secureStorage']);
  assert.equal(code(() => denied.secureStorage.get('k')), 'PERMISSION_DENIED');
  assert.throws(() => createBridge({}).secureStorage, /miniapp:bridge\/secure-storage@0\.1\.0.*secure-storage-app/);
});

test('files: text files over the imports, u64 fields as numbers; bad paths and the missing permission are bridge errors', () => {
  const web = createMockBridge({ permissions: ['storage'], now: () => 1_700_000_000_000 });
  const { files } = mockBridge(web, ['files', 'log']);
  files.write('notes/a.txt', 'alpha');
  assert.equal(files.read('notes/a.txt'), 'alpha');
  assert.deepEqual(files.list(), [{ path: 'notes/a.txt', size: 5, modifiedAt: 1_700_000_000 }]);
  assert.deepEqual(files.stat('notes/a.txt'), { path: 'notes/a.txt', size: 5, modifiedAt: 1_700_000_000 });
  assert.equal(files.remove('notes/a.txt'), true);
  assert.equal(code(() => files.read('notes/a.txt')), 'NOT_FOUND');
  const bad = error(() => files.write('../escape', 'x'));
  assert.deepEqual([bad.code, bad.method], ['INVALID_ARGUMENT', 'files.write']);
  const denied = mockBridge(createMockBridge({ permissions: ['ui'] }), ['files']);
  assert.equal(code(() => denied.files.list()), 'PERMISSION_DENIED');
});

test('auth: a login code (u64 expiry as a number) and the profile after the user agrees; CANCELLED otherwise', () => {
  const web = createMockBridge({ userId: 'ana', now: () => 1_700_000_000_000, fixtures: { profile: ['agree', 'decline'] } });
  const { auth } = mockBridge(web, ['auth']);
  assert.deepEqual(auth.loginCode(), { code: 'mock-login-code-1', expiresAt: 1_700_000_300 });
  assert.deepEqual(auth.profile(), { nickname: 'ana', avatarUrl: null });
  assert.equal(code(() => auth.profile()), 'CANCELLED');
  const denied = mockBridge(createMockBridge({ permissions: ['ui'] }), ['auth']);
  assert.equal(code(() => denied.auth.loginCode()), 'PERMISSION_DENIED');
});

test('biometrics: the prompt over the imports; cancelled and bad reasons are bridge errors', () => {
  const web = createMockBridge({ fixtures: { biometrics: ['recognised', 'cancel'] } });
  const { biometrics } = mockBridge(web, ['biometrics']);
  biometrics.authenticate('Confirm the transfer');
  assert.equal(code(() => biometrics.authenticate('Again')), 'CANCELLED');
  const bad = error(() => biometrics.authenticate(''));
  assert.deepEqual([bad.code, bad.method], ['INVALID_ARGUMENT', 'biometrics.authenticate']);
  const denied = mockBridge(createMockBridge({ permissions: ['ui'] }), ['biometrics']);
  assert.equal(code(() => denied.biometrics.authenticate('x')), 'PERMISSION_DENIED');
});

test('notifications: schedule (at as the WIT u64), subscribe; the past is INVALID_ARGUMENT', () => {
  const web = createMockBridge({ now: () => 1_700_000_000_000 });
  const { notifications } = mockBridge(web, ['notifications']);
  assert.equal(notifications.requestPermission(), true);
  notifications.schedule({ id: 'due', title: 'Payment due', at: 1_700_003_600 });
  assert.deepEqual(web.state.notifications.get('due'), { title: 'Payment due', body: '', at: 1_700_003_600 });
  const past = error(() => notifications.schedule({ id: 'due', title: 'Late', at: 1_699_000_000 }));
  assert.deepEqual([past.code, past.method], ['INVALID_ARGUMENT', 'notifications.schedule']);
  notifications.subscribe('offers');
  assert.deepEqual(web.state.topics, ['offers']);
  const denied = mockBridge(createMockBridge({ permissions: ['ui'] }), ['notifications']);
  assert.equal(code(() => denied.notifications.subscribe('x')), 'PERMISSION_DENIED');
});

test('media: the picker gives the bytes as a Uint8Array; over maxBytes QUOTA_EXCEEDED; cancel; scan', () => {
  const jpeg = { mimeType: 'image/jpeg', data: Buffer.from('x'.repeat(3000)).toString('base64'), width: 64, height: 48 };
  const web = createMockBridge({ fixtures: { images: ['cancel', jpeg, jpeg], scans: [{ text: '4006381333931', format: 'ean-13' }, 'cancel'] } });
  const { media } = mockBridge(web, ['media']);
  assert.equal(code(() => media.chooseImage()), 'CANCELLED');
  const big = error(() => media.chooseImage({ source: 'camera', maxBytes: 2999 }));
  assert.deepEqual([big.code, big.method], ['QUOTA_EXCEEDED', 'media.chooseImage']);
  const image = media.chooseImage({ maxBytes: 3000 });
  assert.ok(image.data instanceof Uint8Array);
  assert.deepEqual([image.mimeType, image.data.length, image.width, image.height], ['image/jpeg', 3000, 64, 48]);
  const png = media.chooseImage();
  assert.deepEqual([...png.data.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.equal(code(() => media.chooseImage({ maxBytes: 0 })), 'INVALID_ARGUMENT');
  assert.throws(() => media.chooseImage({ source: 'screen' }), TypeError);
  assert.deepEqual(media.scanCode(), { text: '4006381333931', format: 'ean-13' });
  assert.equal(code(() => media.scanCode()), 'CANCELLED');
  assert.deepEqual(web.state.mediaShown, ['album', 'camera', 'album', 'album', 'scanner', 'scanner']);
  const none = mockBridge(createMockBridge({ fixtures: { camera: 'unavailable' } }), ['media']);
  assert.equal(code(() => none.media.scanCode()), 'UNAVAILABLE');
  const denied = mockBridge(createMockBridge({ permissions: ['ui'] }), ['media']);
  assert.equal(code(() => denied.media.scanCode()), 'PERMISSION_DENIED');
});

test('updates and performance: options as null, u64 as a number, no permission needed', () => {
  const web = createMockBridge({ permissions: [], fixtures: { version: '1.2.0', update: ['none', '1.3.0', 'unavailable'] } });
  const { updates, performance } = mockBridge(web, ['updates', 'performance']);
  assert.deepEqual(updates.status(), { current: '1.2.0', pending: null });
  assert.deepEqual(updates.check(), { current: '1.2.0', pending: null });
  assert.deepEqual(updates.check(), { current: '1.2.0', pending: '1.3.0' });
  assert.equal(code(() => updates.check()), 'UNAVAILABLE');
  assert.equal(web.state.updateChecks, 3);
  const m = performance.metrics();
  assert.deepEqual(m, { launch: null, bridgeCalls: 5, bridgeHostMs: 0, guestMs: null });
});
