// @miniapp/component-sdk/mock: a component's bridge imports, answered by a mini-program-bridge-mock.
//
// The web mock (web/bridge-mock) already holds the host's rules, grants, fixtures, the calls log
// and replay of Bridge Inspector recordings; this module only gives it the shape of ComponentizeJS
// imports: synchronous calls, `list<u8>` as Uint8Array, `u64` as BigInt, `option` as undefined,
// an enum as its case name (a TypeError for any other value), `bool` only as a boolean, `f32` at
// f32 precision, and a
// `bridge-error` thrown as an Error whose `payload` is `{tag, val}`.
//
//   import { createMockBridge } from 'mini-program-bridge-mock';
//   import { componentImports } from '@miniapp/component-sdk/mock';
//   const web = createMockBridge({ permissions: ['storage'] });
//   const bridge = createBridge(componentImports(web, ['storage', 'log']));

import { createBridge } from './index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const VARIANTS_WITH_TEXT = new Set(['invalid-argument', 'unavailable', 'internal']);
const TAGS = new Set(['permission-denied', 'invalid-argument', 'not-found', 'quota-exceeded', 'unavailable', 'cancelled', 'internal']);

/** What ComponentizeJS throws for an `err` result: an Error whose `payload` is the variant. */
function componentError(e) {
  if (!e || typeof e.code !== 'string') return e;
  let tag = e.code.toLowerCase().replaceAll('_', '-');
  if (!TAGS.has(tag)) tag = 'internal'; // METHOD_NOT_FOUND / BAD_REQUEST: no WIT variant
  const payload = VARIANTS_WITH_TEXT.has(tag) ? { tag, val: e.message } : { tag };
  const error = new Error(`${JSON.stringify(payload)} (see error.payload)`);
  Object.defineProperty(error, 'payload', { value: payload, enumerable: true });
  return error;
}

const u64 = (v) => BigInt(v);
/** An `f32` field: what a component receives (1.15 arrives as 1.149999976158142). */
const f32 = (v) => Math.fround(v);

/** ComponentizeJS lowers an enum from its case name only; anything else throws a TypeError. */
function requireCase(name, v, cases) {
  if (!cases.includes(v)) throw new TypeError(`${JSON.stringify(v)} is not one of the cases of ${name} (${cases.join(', ')})`);
  return v;
}

/** An `option<string>` argument: a string or undefined (what the host's JSON calls absent). */
function requireOption(name, v) {
  if (v !== undefined && typeof v !== 'string') throw new TypeError(`${name} is an option<string>: pass a string or undefined`);
  return v;
}

/** A `permission-status` record as a component receives it. */
const witStatus = (s) => ({ permission: s.permission, state: s.state === 'notAsked' ? 'not-asked' : s.state, active: s.active });

/** A `file-info` record as a component receives it: u64 fields as BigInt. */
const witFileInfo = (f) => ({ path: f.path, size: u64(f.size), modifiedAt: u64(f.modifiedAt) });

/** An `update-status` record as a component receives it: `pending` an option. */
const witUpdateStatus = (s) => ({ current: s.current, pending: s.pending ?? undefined });

const IMPACT_STYLE = ['light', 'medium', 'heavy'];
const HAPTIC_NOTIFICATION = ['success', 'warning', 'error'];
const IMAGE_SOURCE = ['camera', 'album'];

function requireBigInt(name, v) {
  if (typeof v !== 'bigint') throw new TypeError(`${name} is a u64: pass a BigInt, as ComponentizeJS requires`);
  return Number(v);
}

/**
 * The component imports `{storage: {set, get, ...}, log: {log}, ...}`, answered by `bridge` (a
 * mini-program-bridge-mock, or anything with `callSync(method, params)`). `interfaces` limits them
 * to a world's (default: all); grants still come from the mock's `permissions`.
 *
 * Storage: the mock keeps JSON values, as the host does for a web page, so a value must be the
 * UTF-8 of JSON text (what `storage.setJson` writes); other bytes throw a TypeError saying so.
 */
export function componentImports(bridge, interfaces) {
  if (!bridge || typeof bridge.callSync !== 'function') {
    throw new TypeError('componentImports needs a mock with callSync(method, params): mini-program-bridge-mock >= 0.1');
  }
  const call = (method, params) => {
    try {
      return bridge.callSync(method, params);
    } catch (e) {
      throw componentError(e);
    }
  };
  const all = {
    storage: {
      set(key, value) {
        if (!(value instanceof Uint8Array)) throw new TypeError('storage.set: value is a list<u8> (Uint8Array)');
        let json;
        try {
          json = JSON.parse(decoder.decode(value));
        } catch {
          throw new TypeError(
            'the mock keeps storage values as JSON (as the host does for web pages): store JSON text, e.g. with storage.setJson',
          );
        }
        call('storage.set', { key, value: json });
      },
      get(key) {
        const v = call('storage.get', { key });
        return v === null || v === undefined ? undefined : encoder.encode(JSON.stringify(v));
      },
      remove: (key) => call('storage.remove', { key }),
      keys: () => call('storage.keys', {}),
      clear: () => {
        call('storage.clear', {});
      },
      usage() {
        const u = call('storage.usage', {});
        return { usedBytes: u64(u.usedBytes), quotaBytes: u64(u.quotaBytes) };
      },
    },
    auth: {
      getToken(scopes) {
        const t = call('auth.getToken', { scopes });
        return { ...t, expiresAt: u64(t.expiresAt) };
      },
      loginCode() {
        const c = call('auth.loginCode', {});
        return { code: c.code, expiresAt: u64(c.expiresAt) };
      },
      profile() {
        const p = call('auth.profile', {});
        return { nickname: p.nickname, avatarUrl: p.avatarUrl ?? undefined };
      },
    },
    payment: {
      pay(request) {
        const amountMinor = requireBigInt('amountMinor', request.amountMinor);
        const r = call('payment.pay', { ...request, amountMinor });
        return { ...r, amountMinor: u64(r.amountMinor), paidAt: u64(r.paidAt) };
      },
      query(orderId) {
        const r = call('payment.query', { orderId });
        return { ...r, amountMinor: u64(r.amountMinor), paidAt: u64(r.paidAt) };
      },
    },
    geolocation: {
      currentPosition: () => call('geolocation.currentPosition', {}),
    },
    ui: {
      toast: (message) => {
        call('ui.toast', { message });
      },
      modal: (title, message, buttons) => call('ui.modal', { title, message, buttons }),
      navigate: (route) => {
        call('ui.navigate', { route });
      },
      setTitle: (title) => {
        call('ui.setTitle', { title });
      },
      actionSheet: (items) => call('ui.actionSheet', { items }),
      showLoading: (title) => {
        call('ui.showLoading', { title });
      },
      hideLoading: () => {
        call('ui.hideLoading', {});
      },
      setNavigationBarColor: (front, background) => {
        call('ui.setNavigationBarColor', { frontColor: front, backgroundColor: background });
      },
      pickDate(initial, start, end) {
        const params = { initial };
        if (requireOption('start', start) !== undefined) params.start = start;
        if (requireOption('end', end) !== undefined) params.end = end;
        return call('ui.pickDate', params);
      },
    },
    device: {
      info() {
        const d = call('device.info', {});
        return { ...d, screen: { ...d.screen, scale: f32(d.screen.scale) } };
      },
      vibrate: (millis) => {
        call('device.vibrate', { millis });
      },
      // The host's `networkType` names are the WIT `connection` cases.
      networkType: () => call('device.networkType', {}),
      battery() {
        const b = call('device.battery', {});
        return { level: b.level, charging: b.charging };
      },
      setKeepScreenOn(keepOn) {
        if (typeof keepOn !== 'boolean') throw new TypeError('keep-on is a bool: pass true or false');
        call('device.setKeepScreenOn', { keepOn });
      },
      systemInfo() {
        const s = call('device.systemInfo', {});
        return { brand: s.brand, model: s.model, osVersion: s.osVersion, theme: s.theme, fontScale: f32(s.fontScale) };
      },
    },
    clipboard: {
      readText: () => call('clipboard.readText', {}) ?? undefined,
      writeText: (text) => {
        call('clipboard.writeText', { text });
      },
    },
    share: {
      share: (text, url) => {
        call('share.share', url === undefined ? { text } : { text, url });
      },
    },
    haptics: {
      vibrateShort: (style) => {
        call('haptics.vibrateShort', { style: requireCase('impact-style', style, IMPACT_STYLE) });
      },
      vibrateLong: () => {
        call('haptics.vibrateLong', {});
      },
      notify: (kind) => {
        call('haptics.notify', { kind: requireCase('haptic-notification', kind, HAPTIC_NOTIFICATION) });
      },
      selectionChanged: () => {
        call('haptics.selectionChanged', {});
      },
    },
    navigation: {
      openMiniProgram(appId, path, extraData) {
        const params = { appId };
        if (requireOption('path', path) !== undefined) params.path = path;
        if (requireOption('extra-data', extraData) !== undefined) params.extraData = extraData;
        call('navigation.openMiniProgram', params);
      },
      openUrl: (url) => {
        call('navigation.openUrl', { url });
      },
      exit: () => {
        call('navigation.exit', {});
      },
    },
    settings: {
      // The WIT `permission-state` case names: `not-asked`, as ComponentizeJS lifts them.
      permissions: () => call('settings.permissions', {}).map(witStatus),
      request: (permission) => witStatus(call('settings.request', { permission })),
      openHostSettings: () => {
        call('settings.openHostSettings', {});
      },
    },
    secureStorage: {
      set: (key, value) => {
        call('secureStorage.set', { key, value });
      },
      // `option<string>`: undefined when absent.
      get: (key) => call('secureStorage.get', { key }) ?? undefined,
      remove: (key) => call('secureStorage.remove', { key }),
    },
    files: {
      write: (path, data) => {
        call('files.write', { path, data });
      },
      read: (path) => call('files.read', { path }),
      list: (dir) => call('files.list', { dir }).map(witFileInfo),
      stat: (path) => witFileInfo(call('files.stat', { path })),
      remove: (path) => call('files.remove', { path }),
    },
    notifications: {
      requestPermission: () => call('notifications.requestPermission', {}),
      schedule(id, title, body, at) {
        call('notifications.schedule', { id, title, body, at: requireBigInt('at', at) });
      },
      subscribe: (topic) => {
        call('notifications.subscribe', { topic });
      },
    },
    media: {
      chooseImage(source, maxBytes) {
        const i = call('media.chooseImage', { source: requireCase('image-source', source, IMAGE_SOURCE), maxBytes });
        // The web bridge carries the bytes in base64; a component receives them as a list<u8>.
        return { mimeType: i.mimeType, data: Uint8Array.from(atob(i.data), (c) => c.charCodeAt(0)), width: i.width, height: i.height };
      },
      scanCode: () => call('media.scanCode', {}),
    },
    updates: {
      status: () => witUpdateStatus(call('updates.status', {})),
      check: () => witUpdateStatus(call('updates.check', {})),
    },
    performance: {
      // `metrics` returns no result: it cannot fail on the host, so a replayed error is a bug.
      metrics() {
        const m = bridge.callSync('performance.metrics', {});
        const l = m.launch;
        return {
          launch: l ? { loadMs: l.loadMs, linkMs: l.linkMs, instantiateMs: l.instantiateMs, onLaunchMs: l.onLaunchMs ?? undefined } : undefined,
          bridgeCalls: u64(m.bridgeCalls),
          bridgeHostMs: m.bridgeHostMs,
          guestMs: m.guestMs ?? undefined,
        };
      },
    },
    biometrics: {
      authenticate: (reason) => {
        call('biometrics.authenticate', { reason });
      },
    },
    log: {
      // The host's log cannot fail; neither can this.
      log(level, message) {
        try {
          bridge.callSync('log.log', { level, message });
        } catch {
          // a replayed error for log is ignored, as on the host
        }
      },
    },
  };
  if (interfaces === undefined) return all;
  const picked = {};
  for (const name of interfaces) {
    if (!(name in all)) throw new TypeError(`unknown bridge interface ${JSON.stringify(name)}`);
    picked[name] = all[name];
  }
  return picked;
}

/** `createBridge(componentImports(bridge, interfaces))`: the SDK over the mock. */
export function mockBridge(bridge, interfaces) {
  return createBridge(componentImports(bridge, interfaces));
}
