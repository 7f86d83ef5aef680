// @miniapp/component-sdk: idiomatic wrappers over a ComponentizeJS component's bridge imports.
//
// No import of its own (ComponentizeJS resolves only relative modules and the world's imports):
// the mini-program imports the interfaces its world has and hands them to `createBridge`, so a
// component built against `storage-app` imports storage and log and nothing else.
//
//   import * as storage from 'miniapp:bridge/storage@0.1.0';
//   import * as log from 'miniapp:bridge/log@0.1.0';
//   const bridge = createBridge({ storage, log });
//   bridge.storage.setJson('draft', { step: 2 });

/** The bridge's error codes, in the WIT `bridge-error` variant's order (contract/src/error.rs). */
export const ERROR_CODES = Object.freeze([
  'PERMISSION_DENIED',
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'QUOTA_EXCEEDED',
  'UNAVAILABLE',
  'CANCELLED',
  'INTERNAL',
]);

/** The SDK's own code, for values `storage.setJson` / `getJson` cannot turn into or out of JSON. */
export const JSON_ERROR = 'JSON';

export const LOG_LEVELS = Object.freeze(['trace', 'debug', 'info', 'warn', 'error']);

/** Every bridge method (the contract's table) and the SDK function that calls it. */
export const METHODS = Object.freeze({
  'storage.set': 'storage.set',
  'storage.get': 'storage.get',
  'storage.remove': 'storage.remove',
  'storage.keys': 'storage.keys',
  'storage.clear': 'storage.clear',
  'storage.usage': 'storage.usage',
  'auth.getToken': 'auth.getToken',
  'auth.loginCode': 'auth.loginCode',
  'auth.profile': 'auth.profile',
  'payment.pay': 'payment.pay',
  'payment.query': 'payment.query',
  'geolocation.currentPosition': 'geolocation.currentPosition',
  'ui.toast': 'ui.toast',
  'ui.modal': 'ui.modal',
  'ui.navigate': 'ui.navigate',
  'ui.setTitle': 'ui.setTitle',
  'ui.actionSheet': 'ui.actionSheet',
  'ui.showLoading': 'ui.showLoading',
  'ui.hideLoading': 'ui.hideLoading',
  'ui.setNavigationBarColor': 'ui.setNavigationBarColor',
  'ui.pickDate': 'ui.pickDate',
  'device.info': 'device.info',
  'device.vibrate': 'device.vibrate',
  'device.networkType': 'device.networkType',
  'device.battery': 'device.battery',
  'device.setKeepScreenOn': 'device.setKeepScreenOn',
  'device.systemInfo': 'device.systemInfo',
  'clipboard.readText': 'clipboard.readText',
  'clipboard.writeText': 'clipboard.writeText',
  'share.share': 'share.share',
  'haptics.vibrateShort': 'haptics.vibrateShort',
  'haptics.vibrateLong': 'haptics.vibrateLong',
  'haptics.notify': 'haptics.notify',
  'haptics.selectionChanged': 'haptics.selectionChanged',
  'navigation.openMiniProgram': 'navigation.openMiniProgram',
  'navigation.openUrl': 'navigation.openUrl',
  'navigation.exit': 'navigation.exit',
  'settings.permissions': 'settings.permissions',
  'settings.request': 'settings.request',
  'settings.openHostSettings': 'settings.openHostSettings',
  'secureStorage.set': 'secureStorage.set',
  'secureStorage.get': 'secureStorage.get',
  'secureStorage.remove': 'secureStorage.remove',
  'files.write': 'files.write',
  'files.read': 'files.read',
  'files.list': 'files.list',
  'files.stat': 'files.stat',
  'files.remove': 'files.remove',
  'biometrics.authenticate': 'biometrics.authenticate',
  'notifications.requestPermission': 'notifications.requestPermission',
  'notifications.schedule': 'notifications.schedule',
  'notifications.subscribe': 'notifications.subscribe',
  'media.chooseImage': 'media.chooseImage',
  'media.scanCode': 'media.scanCode',
  'updates.status': 'updates.status',
  'updates.check': 'updates.check',
  'performance.metrics': 'performance.metrics',
  'log.log': 'log.log',
});

/** The WIT `permission-state` enum as the web bridge names it (`not-asked` → `notAsked`). */
export const PERMISSION_STATES = Object.freeze(['granted', 'denied', 'notAsked']);

/** The WIT `impact-style` enum (haptics.vibrateShort). */
export const IMPACT_STYLES = Object.freeze(['light', 'medium', 'heavy']);
/** The WIT `haptic-notification` enum (haptics.notify). */
export const HAPTIC_NOTIFICATIONS = Object.freeze(['success', 'warning', 'error']);
/** The WIT `image-source` enum (media.chooseImage). */
export const IMAGE_SOURCES = Object.freeze(['camera', 'album']);
/** The largest image `media.chooseImage` returns, and its default `maxBytes` (4 MiB). */
export const IMAGE_BYTES = 4 * 1024 * 1024;

/** The standard lifecycle events `lifecycle.onEvent(name, payload)` receives (wit/lifecycle.wit). */
export const LIFECYCLE_EVENTS = Object.freeze(['show', 'hide', 'suspend', 'resume', 'memoryWarning', 'updateReady']);
/** `memoryWarning`'s levels. */
export const MEMORY_LEVELS = Object.freeze(['moderate', 'critical']);

/** A standard event whose payload does not fit (a host bug); `name` is the event's. */
export class InvalidEventPayload extends Error {
  constructor(name, reason) {
    super(`payload of \`${name}\` event: ${reason}`);
    this.name = 'InvalidEventPayload';
    this.event = name;
    this.reason = reason;
  }
}

/**
 * Parses `onEvent(name, payload)` into `{name, data}` for a standard event (`data` its payload:
 * `{}`, `{level}` for `memoryWarning`, `{version}` for `updateReady`), or `null` when `name` is
 * not one (a host's own event, or one newer than this SDK: handle it by name). Throws
 * InvalidEventPayload for a standard name whose payload does not fit. Empty payload = `{}`;
 * unknown payload fields are ignored.
 */
export function parseEvent(name, payload) {
  if (!LIFECYCLE_EVENTS.includes(name)) return null;
  let data = {};
  if (typeof payload === 'string' && payload.trim() !== '') {
    try {
      data = JSON.parse(payload);
    } catch (e) {
      throw new InvalidEventPayload(name, `not JSON: ${e.message}`);
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidEventPayload(name, `expected a JSON object, got ${payload}`);
  }
  if (name === 'memoryWarning') {
    if (!MEMORY_LEVELS.includes(data.level)) {
      throw new InvalidEventPayload(name, `level must be one of ${MEMORY_LEVELS.join(', ')}, got ${JSON.stringify(data.level)}`);
    }
    return { name, data: { level: data.level } };
  }
  if (name === 'updateReady') {
    if (typeof data.version !== 'string') {
      throw new InvalidEventPayload(name, `version must be a string, got ${JSON.stringify(data.version)}`);
    }
    return { name, data: { version: data.version } };
  }
  return { name, data: {} };
}

const DEFAULT_MESSAGES = {
  PERMISSION_DENIED: 'permission denied: this mini-program was not granted the permission',
  NOT_FOUND: 'not found',
  QUOTA_EXCEEDED: 'storage quota exceeded',
  CANCELLED: 'cancelled by the user',
};

/** The one error every wrapper throws: `code` is one of ERROR_CODES (or 'JSON'). */
export class BridgeError extends Error {
  constructor(code, message, details = {}) {
    super(message || DEFAULT_MESSAGES[code] || code);
    this.name = 'BridgeError';
    this.code = code;
    if (details.method !== undefined) this.method = details.method;
  }

  toJSON() {
    return { code: this.code, message: this.message };
  }
}

/** `permission-denied` → `PERMISSION_DENIED`. */
const codeOf = (tag) => tag.toUpperCase().replaceAll('-', '_');

/** Runs one import call; a thrown `bridge-error` (ComponentizeJS: `e.payload = {tag, val}`) becomes a BridgeError. */
function run(method, f) {
  try {
    return f();
  } catch (e) {
    const payload = e && e.payload;
    if (payload && typeof payload.tag === 'string') {
      throw new BridgeError(codeOf(payload.tag), typeof payload.val === 'string' ? payload.val : undefined, { method });
    }
    throw e;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (value) => (typeof value === 'string' ? encoder.encode(value) : value);
const num = (v) => (typeof v === 'bigint' ? Number(v) : v);

/** An enum argument: ComponentizeJS accepts only the WIT case names, so check them here with a clear message. */
function oneOf(method, name, value, cases) {
  if (!cases.includes(value)) throw new TypeError(`${method}: ${name} must be one of ${cases.join(', ')} (got ${JSON.stringify(value)})`);
  return value;
}
/** An `option<string>` argument: `undefined` for absent (null too), as ComponentizeJS takes it. */
const opt = (v) => (v === null ? undefined : v);

/** A WIT `permission-status` in the web bridge's shape. */
const permissionStatus = (s) => ({
  permission: s.permission,
  state: s.state === 'not-asked' ? 'notAsked' : s.state,
  active: s.active,
});

const receipt = (r) => ({ ...r, amountMinor: num(r.amountMinor), paidAt: num(r.paidAt) });

function wrapStorage(s) {
  const get = (key) => run('storage.get', () => s.get(key));
  const set = (key, value) => run('storage.set', () => s.set(key, toBytes(value)));
  return Object.freeze({
    /** Stores bytes (a string is stored as UTF-8). */
    set,
    /** The bytes under `key`, or undefined. */
    get,
    getText(key) {
      const v = get(key);
      return v === undefined ? undefined : decoder.decode(v);
    },
    setJson(key, value) {
      let text;
      try {
        text = JSON.stringify(value);
      } catch (e) {
        throw new BridgeError(JSON_ERROR, `value for ${JSON.stringify(key)} is not JSON: ${e.message}`, { method: 'storage.set' });
      }
      if (text === undefined) throw new BridgeError(JSON_ERROR, `value for ${JSON.stringify(key)} is not JSON`, { method: 'storage.set' });
      set(key, text);
    },
    getJson(key, fallback = undefined) {
      const v = get(key);
      if (v === undefined) return fallback;
      try {
        return JSON.parse(decoder.decode(v));
      } catch (e) {
        throw new BridgeError(JSON_ERROR, `value under ${JSON.stringify(key)} is not JSON: ${e.message}`, { method: 'storage.get' });
      }
    },
    remove: (key) => run('storage.remove', () => s.remove(key)),
    keys: () => run('storage.keys', () => s.keys()),
    clear: () => run('storage.clear', () => s.clear()),
    usage() {
      const u = run('storage.usage', () => s.usage());
      return { usedBytes: num(u.usedBytes), quotaBytes: num(u.quotaBytes) };
    },
  });
}

const wrappers = {
  storage: wrapStorage,
  auth: (a) =>
    Object.freeze({
      getToken(scopes) {
        if (!Array.isArray(scopes)) throw new TypeError("scopes is an array of strings, e.g. getToken(['profile'])");
        const t = run('auth.getToken', () => a.getToken(scopes));
        return { value: t.value, expiresAt: num(t.expiresAt), scopes: [...t.scopes] };
      },
      /** WIT `one-time-code`: send `code` to your backend, which redeems it once with the host's. */
      loginCode() {
        const c = run('auth.loginCode', () => a.loginCode());
        return { code: c.code, expiresAt: num(c.expiresAt) };
      },
      /** WIT `user-profile`; `avatarUrl` is null when absent, as on the web bridge. */
      profile() {
        const p = run('auth.profile', () => a.profile());
        return { nickname: p.nickname, avatarUrl: p.avatarUrl ?? null };
      },
    }),
  payment: (p) =>
    Object.freeze({
      pay({ orderId, amountMinor, currency, description = '' }) {
        if (!Number.isSafeInteger(amountMinor) && typeof amountMinor !== 'bigint') {
          throw new TypeError('amountMinor is an integer number of minor units (cents)');
        }
        if (amountMinor < 0) throw new BridgeError('INVALID_ARGUMENT', 'amountMinor must be positive', { method: 'payment.pay' });
        const request = { orderId, amountMinor: BigInt(amountMinor), currency, description };
        return receipt(run('payment.pay', () => p.pay(request)));
      },
      query: (orderId) => receipt(run('payment.query', () => p.query(orderId))),
    }),
  geolocation: (g) =>
    Object.freeze({
      currentPosition: () => ({ ...run('geolocation.currentPosition', () => g.currentPosition()) }),
    }),
  ui: (u) =>
    Object.freeze({
      toast: (message) => run('ui.toast', () => u.toast(message)),
      modal: (title, message, buttons) => run('ui.modal', () => u.modal(title, message, buttons)),
      navigate: (route) => run('ui.navigate', () => u.navigate(route)),
      setTitle: (title) => run('ui.setTitle', () => u.setTitle(title)),
      actionSheet(items) {
        if (!Array.isArray(items)) throw new TypeError("items is an array of strings, e.g. actionSheet(['Edit', 'Delete'])");
        return run('ui.actionSheet', () => u.actionSheet(items));
      },
      showLoading: (title) => run('ui.showLoading', () => u.showLoading(title)),
      hideLoading: () => run('ui.hideLoading', () => u.hideLoading()),
      /** WIT `set-navigation-bar-color(front, background)`. */
      setNavigationBarColor: (frontColor, backgroundColor) =>
        run('ui.setNavigationBarColor', () => u.setNavigationBarColor(frontColor, backgroundColor)),
      /** WIT `pick-date(initial, start: option, end: option)`; the range as the web SDK takes it. */
      pickDate(initial, range) {
        if (range !== undefined && range !== null && typeof range !== 'object') {
          throw new TypeError("range is { start?, end? }, e.g. pickDate('2026-03-01', { start: '2026-01-01' })");
        }
        const { start, end } = range ?? {};
        return run('ui.pickDate', () => u.pickDate(initial, opt(start), opt(end)));
      },
    }),
  device: (d) =>
    Object.freeze({
      info: () => run('device.info', () => d.info()),
      vibrate: (millis) => run('device.vibrate', () => d.vibrate(millis)),
      /** The WIT `connection` enum's case: 'wifi', 'cellular', 'ethernet', 'none' or 'unknown'. */
      networkType: () => run('device.networkType', () => d.networkType()),
      battery() {
        const b = run('device.battery', () => d.battery());
        return { level: b.level, charging: b.charging };
      },
      setKeepScreenOn(keepOn) {
        // A component's bool takes any value as truthy or falsy; 'false' would keep the screen on.
        if (typeof keepOn !== 'boolean') throw new TypeError('keepOn is a boolean');
        return run('device.setKeepScreenOn', () => d.setKeepScreenOn(keepOn));
      },
      /** WIT `system-description`. */
      systemInfo() {
        const s = run('device.systemInfo', () => d.systemInfo());
        return { brand: s.brand, model: s.model, osVersion: s.osVersion, theme: s.theme, fontScale: s.fontScale };
      },
    }),
  clipboard: (c) =>
    Object.freeze({
      readText: () => run('clipboard.readText', () => c.readText()),
      writeText: (text) => run('clipboard.writeText', () => c.writeText(text)),
    }),
  share: (s) =>
    Object.freeze({
      share: (text, url) => run('share.share', () => s.share(text, url ?? undefined)),
    }),
  haptics: (h) =>
    Object.freeze({
      vibrateShort: (style) => {
        oneOf('haptics.vibrateShort', 'style', style, IMPACT_STYLES);
        return run('haptics.vibrateShort', () => h.vibrateShort(style));
      },
      vibrateLong: () => run('haptics.vibrateLong', () => h.vibrateLong()),
      notify: (kind) => {
        oneOf('haptics.notify', 'kind', kind, HAPTIC_NOTIFICATIONS);
        return run('haptics.notify', () => h.notify(kind));
      },
      selectionChanged: () => run('haptics.selectionChanged', () => h.selectionChanged()),
    }),
  navigation: (n) =>
    Object.freeze({
      /** WIT `open-mini-program(app-id, path: option, extra-data: option)`; the target as the web SDK takes it. */
      openMiniProgram(appId, target) {
        if (target !== undefined && target !== null && typeof target !== 'object') {
          throw new TypeError("target is { path?, extraData? }, e.g. openMiniProgram('com.acme.pay', { path: '/checkout' })");
        }
        const { path, extraData } = target ?? {};
        return run('navigation.openMiniProgram', () => n.openMiniProgram(appId, opt(path), opt(extraData)));
      },
      openUrl: (url) => run('navigation.openUrl', () => n.openUrl(url)),
      /** Closes this mini-program once the current launch or event returns. */
      exit: () => run('navigation.exit', () => n.exit()),
    }),
  settings: (s) =>
    Object.freeze({
      /** Every declared permission: `{permission, state: 'granted' | 'denied' | 'notAsked', active}`. */
      permissions: () => run('settings.permissions', () => s.permissions()).map(permissionStatus),
      /** Asks the user again (once per launch); a "yes" is active from the next launch. */
      request: (permission) => permissionStatus(run('settings.request', () => s.request(permission))),
      openHostSettings: () => run('settings.openHostSettings', () => s.openHostSettings()),
    }),
  secureStorage: (s) =>
    Object.freeze({
      /** Key 1 to 128 bytes without control characters, value at most 4096 bytes. */
      set: (key, value) => run('secureStorage.set', () => s.set(key, value)),
      get: (key) => run('secureStorage.get', () => s.get(key)),
      remove: (key) => run('secureStorage.remove', () => s.remove(key)),
    }),
  files: (f) => {
    // WIT `file-info`: `size` and `modified-at` are u64 (BigInt in the imports), numbers here.
    const info = (i) => ({ path: i.path, size: num(i.size), modifiedAt: num(i.modifiedAt) });
    return Object.freeze({
      write: (path, data) => run('files.write', () => f.write(path, data)),
      read: (path) => run('files.read', () => f.read(path)),
      /** The files under `dir` (`''` or omitted: every file). */
      list: (dir = '') => run('files.list', () => f.list(dir)).map(info),
      stat: (path) => info(run('files.stat', () => f.stat(path))),
      remove: (path) => run('files.remove', () => f.remove(path)),
    });
  },
  biometrics: (b) =>
    Object.freeze({
      /** The platform's prompt with `reason`; CANCELLED if cancelled or not recognised. */
      authenticate: (reason) => run('biometrics.authenticate', () => b.authenticate(reason)),
    }),
  media: (m) =>
    Object.freeze({
      /**
       * The host's image picker: `{source?: 'camera' | 'album', maxBytes?}` (defaults `'album'`,
       * IMAGE_BYTES); `{mimeType, data: Uint8Array, width, height}` (the encoded file's bytes).
       * QUOTA_EXCEEDED when the chosen image is over maxBytes; CANCELLED; UNAVAILABLE without a camera.
       */
      chooseImage({ source = 'album', maxBytes = IMAGE_BYTES } = {}) {
        oneOf('media.chooseImage', 'source', source, IMAGE_SOURCES);
        const i = run('media.chooseImage', () => m.chooseImage(source, maxBytes));
        return { mimeType: i.mimeType, data: i.data, width: i.width, height: i.height };
      },
      /** The host's code scanner: `{text, format}` of the first code read; CANCELLED; UNAVAILABLE. */
      scanCode: () => run('media.scanCode', () => m.scanCode()),
    }),
  updates: (u) => {
    // WIT `update-status`: `pending` is an option (undefined in the imports), null here.
    const status = (s) => ({ current: s.current, pending: s.pending ?? null });
    return Object.freeze({
      /** `{current, pending}`: the running version and the one staged for the next launch (or null). */
      status: () => status(run('updates.status', () => u.status())),
      /** Asks the host to look for a newer version now; one found is staged before this returns. UNAVAILABLE. */
      check: () => status(run('updates.check', () => u.check())),
    });
  },
  performance: (p) =>
    Object.freeze({
      /** This instance's figures in the web bridge's shape (options as null, `bridgeCalls` a number). Never fails. */
      metrics() {
        const f = p.metrics();
        const l = f.launch;
        return {
          launch: l ? { loadMs: l.loadMs, linkMs: l.linkMs, instantiateMs: l.instantiateMs, onLaunchMs: l.onLaunchMs ?? null } : null,
          bridgeCalls: num(f.bridgeCalls),
          bridgeHostMs: f.bridgeHostMs,
          guestMs: f.guestMs ?? null,
        };
      },
    }),
  notifications: (n) =>
    Object.freeze({
      requestPermission: () => run('notifications.requestPermission', () => n.requestPermission()),
      /** `{id, title, body?, at}` as the web SDK takes it; `at` (Unix seconds) goes to the WIT `u64` as a BigInt. */
      schedule({ id, title, body = '', at }) {
        return run('notifications.schedule', () => n.schedule(id, title, body, BigInt(at)));
      },
      subscribe: (topic) => run('notifications.subscribe', () => n.subscribe(topic)),
    }),
  log: (l) => {
    const log = {
      log(level, message) {
        if (!LOG_LEVELS.includes(level)) throw new TypeError(`level must be one of ${LOG_LEVELS.join(', ')}`);
        l.log(level, String(message));
      },
    };
    for (const level of LOG_LEVELS) log[level] = (message) => log.log(level, message);
    return Object.freeze(log);
  },
};

/** Interfaces whose WIT world is not `<name>-app`. */
const WORLD = {
  geolocation: 'geolocation-app',
  log: 'base',
  secureStorage: 'secure-storage-app',
};
/** The WIT interface of a bridge namespace: `secureStorage` → `secure-storage`. */
const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The bridge over the imports you pass: `{storage, log, ...}`, each the namespace of
 * `import * as storage from 'miniapp:bridge/storage@0.1.0'` (or the mock's `componentImports`).
 * Using an interface you did not pass throws, naming the import and the world that has it.
 */
export function createBridge(imports = {}) {
  const bridge = {};
  for (const [name, wrap] of Object.entries(wrappers)) {
    const given = imports[name];
    if (given) {
      bridge[name] = wrap(given);
      continue;
    }
    Object.defineProperty(bridge, name, {
      enumerable: false,
      get() {
        throw new Error(
          `${name} was not passed to createBridge: import * as ${name} from 'miniapp:bridge/${kebab(name)}@0.1.0' ` +
            `(build against a world that has it, e.g. ${WORLD[name] ?? `${name}-app`}, and declare its permission)`,
        );
      },
    });
  }
  for (const name of Object.keys(imports)) {
    if (!(name in wrappers)) throw new TypeError(`unknown bridge interface ${JSON.stringify(name)}`);
  }
  return Object.freeze(bridge);
}
