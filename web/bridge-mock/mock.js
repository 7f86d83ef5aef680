// createMockBridge: the whole bridge in memory, with the host's validation, permissions and quota.

import { attachHelpers } from '@miniapp/bridge/helpers';
import { BridgeError } from '@miniapp/bridge/errors';
import { attachEvents } from '@miniapp/bridge/events';
import {
  LIFECYCLE_EVENTS,
  LIMITS,
  LOG_LEVELS,
  MEMORY_LEVELS,
  PERMISSIONS,
  SENSITIVE_PERMISSIONS,
  permissionFor,
  storageEntryBytes,
} from '@miniapp/bridge/protocol';

import { base64url, canonicalJson, compareCodePoints, fromBase64url, truncateUtf8, utf8Length } from './text.js';

export const DEFAULT_QUOTA_BYTES = LIMITS.defaultQuotaBytes;
export const DEFAULT_APP_ID = 'com.example.miniapp';

export const DEFAULT_POSITION = Object.freeze({ latitude: 52.52, longitude: 13.405, accuracyM: 10 });
export const DEFAULT_BATTERY = Object.freeze({ level: 100, charging: false });
export const DEFAULT_SYSTEM_INFO = Object.freeze({
  brand: 'mock',
  model: 'mock phone',
  osVersion: '1.0',
  theme: 'light',
  fontScale: 1,
});
/** What the mock's image picker returns by default: a 1×1 PNG (the development host's). */
export const DEFAULT_IMAGE = Object.freeze({
  mimeType: 'image/png',
  data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP438DwHwAGgAJ/zxIJ8QAAAABJRU5ErkJggg==',
  width: 1,
  height: 1,
});
/** What the mock's code scanner reads by default. */
export const DEFAULT_SCAN = Object.freeze({ text: 'https://example.com/miniapp', format: 'qr' });
export const DEFAULT_DEVICE_INFO = Object.freeze({
  platform: 'mock',
  hostVersion: '0.1.0',
  locale: 'en-US',
  screen: Object.freeze({ width: 390, height: 844, scale: 3 }),
});

const IMPACT_STYLES = Object.freeze(['light', 'medium', 'heavy']);
const HAPTIC_NOTIFICATIONS = Object.freeze(['success', 'warning', 'error']);

const invalid = (message) => new BridgeError('INVALID_ARGUMENT', message);
const copy = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A bridge that answers from memory. See index.d.ts (MockOptions) for the options.
 */
export function createMockBridge(options = {}) {
  const {
    appId = DEFAULT_APP_ID,
    userId = 'mock-user',
    permissions = PERMISSIONS,
    allowedScopes,
    quotaBytes = DEFAULT_QUOTA_BYTES,
    fixtures = {},
    now = () => Date.now(),
  } = options;

  if (!Array.isArray(permissions)) throw new TypeError('permissions must be an array');
  for (const p of permissions) {
    if (!PERMISSIONS.includes(p)) {
      throw new TypeError(`unknown permission ${JSON.stringify(p)} (known: ${PERMISSIONS.join(', ')})`);
    }
  }
  if (allowedScopes !== undefined && !(Array.isArray(allowedScopes) && allowedScopes.every((s) => typeof s === 'string'))) {
    throw new TypeError('allowedScopes must be an array of strings (or omitted: every scope allowed)');
  }
  if (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0) throw new TypeError('quotaBytes must be an integer >= 0');
  if (!isPlainObject(fixtures)) throw new TypeError('fixtures must be an object');

  const granted = new Set(permissions);
  const fx = normalizeFixtures(fixtures);

  const state = {
    /** key -> the value's JSON text */
    storage: new Map(),
    usedBytes: 0,
    /** orderId -> receipt */
    receipts: new Map(),
    clipboard: fx.clipboard,
    title: null,
    route: null,
    keepScreenOn: false,
    loading: null,
    actionSheets: [],
    barColors: [],
    datePickers: [],
    toasts: [],
    modals: [],
    navigations: [],
    vibrations: [],
    shares: [],
    haptics: [],
    opened: [],
    /** permission -> true | false: answers given to settings.request (active from the next launch) */
    answers: new Map(),
    /** permissions settings.request asked the user about, in order */
    consentRequests: [],
    settingsOpened: 0,
    /** key -> value: the keystore (`secureStorage`) */
    secrets: new Map(),
    /** id -> {title, body, at}: local notifications scheduled */
    notifications: new Map(),
    /** push topics subscribed to, in order */
    topics: [],
    /** reasons shown on biometric prompts, in order */
    biometricPrompts: [],
    /** what `media` showed, in order: "camera", "album" or "scanner" */
    mediaShown: [],
    /** `updates.check` calls, and the version one staged (null: none) */
    updateChecks: 0,
    staged: null,
    /** login codes minted (`auth.loginCode`), in order */
    loginCodes: [],
    /** path -> {data, modifiedAt}: the app's files (`files`), on the storage quota */
    files: new Map(),
    logs: [],
    tokens: [],
  };
  const calls = [];
  /** event messages `emit` sent, in order */
  const events = [];
  let transactions = 0;
  let tokensIssued = 0;
  let loginCodes = 0;
  let replay = null;

  for (const [key, value] of Object.entries(fx.storage)) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`fixtures.storage[${JSON.stringify(key)}] is not JSON`);
    state.storage.set(key, text);
    state.usedBytes += storageEntryBytes(utf8Length(key), utf8Length(text));
  }
  if (state.usedBytes > quotaBytes) throw new TypeError('fixtures.storage is larger than quotaBytes');

  const seconds = () => Math.floor(now() / 1000);

  // --- validation -----------------------------------------------------------------------------

  const str = (params, name, { min = 0, max = Infinity, what = name } = {}) => {
    const v = params[name];
    if (typeof v !== 'string') throw invalid(`${what} must be a string`);
    const n = utf8Length(v);
    if (n < min || n > max) {
      throw invalid(min > 0 && max < Infinity
        ? `${what} must be ${min} to ${max} bytes (got ${n})`
        : min > 0 ? `${what} must not be empty` : `${what} must be at most ${max} bytes (got ${n})`);
    }
    return v;
  };
  const key = (params) => str(params, 'key', { min: 1, max: LIMITS.storageKeyBytes });
  const orderId = (params) => str(params, 'orderId', { min: 1, max: LIMITS.orderIdBytes });

  const oneOf = (params, name, allowed) => {
    if (!allowed.includes(params[name])) throw invalid(`${name} must be one of ${allowed.join(', ')}`);
    return params[name];
  };
  const noParams = (params) => {
    const extra = Object.keys(params);
    if (extra.length > 0) throw invalid(`unknown params: ${extra.join(', ')}`);
  };
  const askToLeave = () => {
    const answer = take('leave', 'agree');
    if (answer === 'decline') throw new BridgeError('CANCELLED', 'the user declined to leave (fixture)');
    if (answer !== 'agree') throw badFixture('leave', answer, '"agree" or "decline"');
  };
  const playHaptic = (effect) => {
    if (fx.haptics === 'unavailable') throw new BridgeError('UNAVAILABLE', 'no haptic engine (fixture)');
    if (fx.haptics !== 'available') throw badFixture('haptics', fx.haptics, '"available" or "unavailable"');
    state.haptics.push(effect);
    return null;
  };

  // media: the bytes a base64 string decodes to, and the camera fixture.
  const base64Bytes = (s) => {
    const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
    return Math.floor((s.length * 3) / 4) - pad;
  };
  const camera = () => {
    if (fx.camera === 'unavailable') throw new BridgeError('UNAVAILABLE', 'no camera (fixture)');
    if (fx.camera !== 'available') throw badFixture('camera', fx.camera, '"available" or "unavailable"');
  };

  // notifications: ids and topics (limits::is_notification_name).
  const notificationName = (params, name) => {
    const v = params[name];
    if (typeof v !== 'string' || !/^[a-z0-9._-]{1,64}$/.test(v)) throw invalid(`${name} must be 1 to 64 bytes of a-z, 0-9, ".", "_", "-"`);
    return v;
  };

  // files: the host's path rule (limits::file_path_problem).
  const filePath = (params, name) => {
    const path = str(params, name, { min: 1, max: LIMITS.filePathBytes });
    if (path.startsWith('/')) throw invalid(`${name} must be relative (no leading "/")`);
    if (/[\u0000-\u001f\u007f-\u009f\\]/.test(path)) throw invalid(`${name} must not contain control characters (NUL included) or "\\"`);
    if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) throw invalid(`${name} segments must not be empty, "." or ".."`);
    return path;
  };
  const fileInfo = (path) => {
    const f = state.files.get(path);
    return { path, size: utf8Length(f.data), modifiedAt: f.modifiedAt };
  };

  // secureStorage: the host's key rule (limits::secure_key_problem), and the keystore fixture.
  const secureKey = (params) => {
    const k = str(params, 'key', { min: 1, max: LIMITS.secureKeyBytes });
    if (/[\u0000-\u001f\u007f-\u009f]/.test(k)) throw invalid('key must not contain control characters (NUL included)');
    return k;
  };
  const keystore = () => {
    if (fx.keystore === 'unavailable') throw new BridgeError('UNAVAILABLE', 'no keystore (fixture)');
    if (fx.keystore !== 'available') throw badFixture('keystore', fx.keystore, '"available" or "unavailable"');
  };

  // settings: declared = granted + fixtures.declined + fixtures.notAsked.
  const declared = (p) => granted.has(p) || fx.declined.includes(p) || fx.notAsked.includes(p);
  const permissionStatus = (permission) => {
    const answer = state.answers.get(permission);
    let s;
    if (answer !== undefined) s = answer ? 'granted' : 'denied';
    else if (granted.has(permission)) s = 'granted';
    else if (fx.notAsked.includes(permission)) s = 'notAsked';
    else s = 'denied';
    return { permission, state: s, active: granted.has(permission) };
  };

  const take = (name, fallback) => {
    const f = fx[name];
    if (Array.isArray(f)) return f.length > 0 ? f.shift() : fallback;
    return f === undefined ? fallback : f;
  };

  // --- methods --------------------------------------------------------------------------------

  const handlers = {
    'storage.set'(p) {
      const k = key(p);
      if (!('value' in p)) throw invalid('value is required');
      const text = JSON.stringify(p.value);
      const bytes = utf8Length(text);
      if (bytes > LIMITS.storageValueBytes) {
        throw invalid(`value is ${bytes} bytes of JSON; the limit is ${LIMITS.storageValueBytes}`);
      }
      return () => {
        const keyBytes = utf8Length(k);
        const old = state.storage.get(k);
        const freed = old === undefined ? 0 : storageEntryBytes(keyBytes, utf8Length(old));
        const used = state.usedBytes - freed + storageEntryBytes(keyBytes, bytes);
        if (used > quotaBytes) {
          throw new BridgeError('QUOTA_EXCEEDED', `storage quota exceeded: ${used} of ${quotaBytes} bytes`);
        }
        state.storage.set(k, text);
        state.usedBytes = used;
        return null;
      };
    },
    'storage.get'(p) {
      const k = key(p);
      return () => (state.storage.has(k) ? JSON.parse(state.storage.get(k)) : null);
    },
    'storage.remove'(p) {
      const k = key(p);
      return () => {
        const old = state.storage.get(k);
        if (old === undefined) return false;
        state.storage.delete(k);
        state.usedBytes -= storageEntryBytes(utf8Length(k), utf8Length(old));
        return true;
      };
    },
    'storage.keys'() {
      return () => [...state.storage.keys()].sort(compareCodePoints);
    },
    'storage.clear'() {
      return () => {
        state.storage.clear();
        state.usedBytes = 0;
        return null;
      };
    },
    'storage.usage'() {
      return () => ({ usedBytes: state.usedBytes, quotaBytes });
    },

    'notifications.requestPermission'(p) {
      noParams(p);
      return () => fx.notifications !== 'off';
    },
    'notifications.schedule'(p) {
      const id = notificationName(p, 'id');
      const title = str(p, 'title', { min: 1, max: LIMITS.notificationTitleBytes });
      if (title.trim() === '') throw invalid('title must not be blank');
      const body = str(p, 'body', { max: LIMITS.notificationBodyBytes });
      if (!Number.isSafeInteger(p.at) || p.at <= seconds()) throw invalid('at must be in the future (Unix seconds)');
      return () => {
        if (fx.notifications === 'off') throw new BridgeError('UNAVAILABLE', 'notifications are off (fixture)');
        state.notifications.set(id, { title, body, at: p.at });
        return null;
      };
    },
    'notifications.subscribe'(p) {
      const topic = notificationName(p, 'topic');
      return () => {
        if (!state.topics.includes(topic)) state.topics.push(topic);
        return null;
      };
    },
    'media.chooseImage'(p) {
      const extra = Object.keys(p).filter((k) => k !== 'source' && k !== 'maxBytes');
      if (extra.length > 0) throw invalid(`unknown params: ${extra.join(', ')}`);
      const source = p.source === undefined ? 'album' : oneOf(p, 'source', ['camera', 'album']);
      const maxBytes = p.maxBytes === undefined ? LIMITS.imageBytes : p.maxBytes;
      if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > LIMITS.imageBytes) {
        throw invalid(`maxBytes must be 1 to ${LIMITS.imageBytes}`);
      }
      return () => {
        if (source === 'camera') camera();
        state.mediaShown.push(source);
        const answer = take('images', DEFAULT_IMAGE);
        if (answer === 'cancel') throw new BridgeError('CANCELLED', 'the user closed the image picker (fixture)');
        if (!answer || typeof answer.data !== 'string') throw badFixture('images', answer, 'a ChosenImage or "cancel"');
        if (base64Bytes(answer.data) > maxBytes) throw new BridgeError('QUOTA_EXCEEDED', `the image is over maxBytes (${maxBytes})`);
        return copy(answer);
      };
    },
    'updates.status'(p) {
      noParams(p);
      return () => ({ current: fx.version, pending: state.staged });
    },
    'updates.check'(p) {
      noParams(p);
      return () => {
        state.updateChecks += 1;
        const offer = take('update', 'none');
        if (offer === 'unavailable') throw new BridgeError('UNAVAILABLE', 'no marketplace (fixture)');
        if (offer !== 'none') {
          if (typeof offer !== 'string' || !/^\d+\.\d+\.\d+/.test(offer)) throw badFixture('update', offer, 'a version, "none" or "unavailable"');
          state.staged = offer;
        }
        return { current: fx.version, pending: state.staged };
      };
    },
    'performance.metrics'(p) {
      noParams(p);
      // A web page: the WebView measures its own load and code (window.performance).
      const bridgeCalls = calls.length + 1;
      return () => ({ launch: null, bridgeCalls, bridgeHostMs: 0, guestMs: null });
    },

    'media.scanCode'(p) {
      noParams(p);
      return () => {
        camera();
        state.mediaShown.push('scanner');
        const answer = take('scans', DEFAULT_SCAN);
        if (answer === 'cancel') throw new BridgeError('CANCELLED', 'the user closed the scanner (fixture)');
        if (!answer || typeof answer.text !== 'string') throw badFixture('scans', answer, 'a ScannedCode or "cancel"');
        return copy(answer);
      };
    },
    'biometrics.authenticate'(p) {
      const reason = str(p, 'reason', { min: 1, max: LIMITS.biometricReasonBytes });
      if (reason.trim() === '' || /[\u0000-\u001f\u007f-\u009f]/.test(reason)) throw invalid('reason must be visible text');
      return () => {
        const answer = take('biometrics', 'recognised');
        if (answer === 'unavailable') throw new BridgeError('UNAVAILABLE', 'no biometric sensor (fixture)');
        state.biometricPrompts.push(reason);
        if (answer === 'cancel') throw new BridgeError('CANCELLED', 'the user cancelled the biometric prompt (fixture)');
        if (answer !== 'recognised') throw badFixture('biometrics', answer, '"recognised", "cancel" or "unavailable"');
        return null;
      };
    },
    'auth.loginCode'(p) {
      noParams(p);
      return () => {
        if (fx.signedIn === false) throw new BridgeError('UNAVAILABLE', 'nobody is signed in (fixture)');
        loginCodes += 1;
        const code = { code: `mock-login-code-${loginCodes}`, expiresAt: seconds() + 5 * 60 };
        state.loginCodes.push(code);
        return code;
      };
    },
    'auth.profile'(p) {
      noParams(p);
      return () => {
        if (fx.signedIn === false) throw new BridgeError('UNAVAILABLE', 'nobody is signed in (fixture)');
        const answer = take('profile', 'agree');
        if (answer === 'decline') throw new BridgeError('CANCELLED', 'the user declined to share the profile (fixture)');
        if (answer !== 'agree') throw badFixture('profile', answer, '"agree" or "decline"');
        return { nickname: userId, avatarUrl: null };
      };
    },
    'auth.getToken'(p) {
      const { scopes } = p;
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s !== '')) {
        throw invalid('scopes must be an array of non-empty strings');
      }
      if (scopes.length === 0) throw invalid('scopes must not be empty');
      const wanted = [...new Set(scopes)];
      const scopesGranted = allowedScopes === undefined ? wanted : wanted.filter((s) => allowedScopes.includes(s));
      if (scopesGranted.length === 0) {
        throw invalid(`none of the requested scopes (${wanted.join(', ')}) is allowed for this mini-program`);
      }
      return () => {
        const iat = seconds();
        const exp = iat + LIMITS.tokenLifetimeSeconds;
        tokensIssued += 1;
        const header = { alg: 'none', typ: 'JWT' };
        const claims = {
          iss: 'miniapp-mock',
          sub: userId,
          aud: appId,
          scope: scopesGranted.join(' '),
          iat,
          exp,
          jti: `mock-token-${tokensIssued}`,
        };
        const token = {
          value: `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}.mock`,
          expiresAt: exp,
          scopes: scopesGranted,
        };
        state.tokens.push(token);
        return token;
      };
    },

    'payment.pay'(p) {
      const id = orderId(p);
      const { amountMinor } = p;
      if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
        throw invalid('amountMinor must be a positive integer (minor units)');
      }
      if (typeof p.currency !== 'string' || !/^[A-Z]{3}$/.test(p.currency)) {
        throw invalid('currency must be three upper-case letters (ISO 4217)');
      }
      if (typeof p.description !== 'string') throw invalid('description must be a string');
      return () => {
        const earlier = state.receipts.get(id);
        if (earlier) return earlier; // idempotent: the first receipt, charged once
        const outcome = take('payment', 'success');
        if (outcome === 'cancel') throw new BridgeError('CANCELLED', 'the user closed the payment sheet');
        if (outcome === 'unavailable') throw new BridgeError('UNAVAILABLE', 'payment processor unavailable (fixture)');
        if (outcome !== 'success') throw badFixture('payment', outcome, '"success", "cancel" or "unavailable"');
        transactions += 1;
        const receipt = {
          orderId: id,
          transactionId: `mock-txn-${transactions}`,
          amountMinor,
          currency: p.currency,
          paidAt: seconds(),
        };
        state.receipts.set(id, receipt);
        return receipt;
      };
    },
    'payment.query'(p) {
      const id = orderId(p);
      return () => {
        const receipt = state.receipts.get(id);
        if (!receipt) throw new BridgeError('NOT_FOUND', `no payment for order ${JSON.stringify(id)}`);
        return receipt;
      };
    },

    'geolocation.currentPosition'() {
      return () => {
        if (fx.position === 'unavailable' || fx.position === null) {
          throw new BridgeError('UNAVAILABLE', 'no position fix (fixture)');
        }
        return fx.position;
      };
    },

    'ui.toast'(p) {
      const message = str(p, 'message', { min: 1, max: LIMITS.toastBytes });
      return () => {
        state.toasts.push(message);
        return null;
      };
    },
    'ui.modal'(p) {
      const title = str(p, 'title');
      const message = str(p, 'message');
      const { buttons } = p;
      if (!Array.isArray(buttons) || !buttons.every((b) => typeof b === 'string')) {
        throw invalid('buttons must be an array of strings');
      }
      if (buttons.length < LIMITS.modalButtonsMin || buttons.length > LIMITS.modalButtonsMax) {
        throw invalid(`a modal needs ${LIMITS.modalButtonsMin} to ${LIMITS.modalButtonsMax} buttons (got ${buttons.length})`);
      }
      return () => {
        const answer = take('modal', 0);
        state.modals.push({ title, message, buttons, answer });
        if (answer === 'cancel') throw new BridgeError('CANCELLED', 'the user dismissed the dialog');
        if (!Number.isInteger(answer) || answer < 0 || answer >= buttons.length) {
          throw badFixture('modal', answer, `a button index below ${buttons.length} or "cancel"`);
        }
        return answer;
      };
    },
    'ui.navigate'(p) {
      const route = str(p, 'route');
      if (!route.startsWith('/')) throw invalid('route must start with "/"');
      return () => {
        state.route = route;
        state.navigations.push(route);
        return null;
      };
    },
    'ui.setTitle'(p) {
      const title = str(p, 'title', { max: LIMITS.titleBytes });
      return () => {
        state.title = title;
        return null;
      };
    },

    'ui.actionSheet'(p) {
      const { items } = p;
      if (!Array.isArray(items) || !items.every((i) => typeof i === 'string' && i !== '' && utf8Length(i) <= LIMITS.labelBytes)) {
        throw invalid(`items must be an array of strings of 1 to ${LIMITS.labelBytes} bytes`);
      }
      if (items.length < 1 || items.length > LIMITS.actionSheetItemsMax) {
        throw invalid(`an action sheet has 1 to ${LIMITS.actionSheetItemsMax} items (got ${items.length})`);
      }
      return () => {
        const answer = take('actionSheet', 0);
        state.actionSheets.push({ items, answer });
        if (answer === 'cancel') throw new BridgeError('CANCELLED', 'the user dismissed the action sheet');
        if (!Number.isInteger(answer) || answer < 0 || answer >= items.length) {
          throw badFixture('actionSheet', answer, `an item index below ${items.length} or "cancel"`);
        }
        return answer;
      };
    },
    'ui.showLoading'(p) {
      const title = str(p, 'title', { min: 1, max: LIMITS.titleBytes });
      return () => {
        state.loading = title;
        return null;
      };
    },
    'ui.hideLoading'(p) {
      noParams(p);
      return () => {
        state.loading = null;
        return null;
      };
    },
    'ui.setNavigationBarColor'(p) {
      if (p.frontColor !== '#ffffff' && p.frontColor !== '#000000') throw invalid('frontColor must be #ffffff or #000000');
      if (typeof p.backgroundColor !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(p.backgroundColor)) {
        throw invalid('backgroundColor must be #rrggbb');
      }
      return () => {
        state.barColors.push({ frontColor: p.frontColor, backgroundColor: p.backgroundColor });
        return null;
      };
    },
    'ui.pickDate'(p) {
      const initial = p.initial;
      const start = p.start ?? null;
      const end = p.end ?? null;
      for (const [what, d] of [['initial', initial], ['start', start], ['end', end]]) {
        if (d !== null && !isCalendarDate(d)) throw invalid(`${what} must be a calendar date YYYY-MM-DD`);
      }
      const within = (d) => (start === null || start <= d) && (end === null || d <= end);
      if (!within(initial)) throw invalid('initial must lie within start..end');
      return () => {
        const answer = take('date', initial);
        state.datePickers.push({ initial, start, end, answer });
        if (answer === 'cancel') throw new BridgeError('CANCELLED', 'the user dismissed the date picker');
        if (!isCalendarDate(answer) || !within(answer)) {
          throw badFixture('date', answer, 'a date YYYY-MM-DD within the range, or "cancel"');
        }
        return answer;
      };
    },

    'device.info'() {
      return () => fx.deviceInfo;
    },
    'device.vibrate'(p) {
      const { millis } = p;
      if (!Number.isInteger(millis) || millis < 0 || millis > LIMITS.vibrateMillisMax) {
        throw invalid(`millis must be an integer from 0 to ${LIMITS.vibrateMillisMax}`);
      }
      return () => {
        state.vibrations.push(millis);
        return null;
      };
    },

    'device.networkType'(p) {
      noParams(p);
      return () => fx.networkType;
    },
    'device.battery'(p) {
      noParams(p);
      return () => {
        if (fx.battery === 'unavailable' || fx.battery === null) throw new BridgeError('UNAVAILABLE', 'no battery (fixture)');
        return fx.battery;
      };
    },
    'device.setKeepScreenOn'(p) {
      if (typeof p.keepOn !== 'boolean') throw invalid('keepOn must be a boolean');
      return () => {
        state.keepScreenOn = p.keepOn;
        return null;
      };
    },
    'device.systemInfo'(p) {
      noParams(p);
      return () => fx.systemInfo;
    },

    'clipboard.readText'() {
      return () => state.clipboard;
    },
    'clipboard.writeText'(p) {
      const text = str(p, 'text', { max: LIMITS.clipboardTextBytes });
      return () => {
        state.clipboard = text;
        return null;
      };
    },

    'share.share'(p) {
      const text = str(p, 'text', { min: 1 });
      let url = null;
      if (p.url !== undefined && p.url !== null) {
        if (typeof p.url !== 'string') throw invalid('url must be a string');
        let parsed;
        try {
          parsed = new URL(p.url);
        } catch {
          throw invalid('url is not a valid URL');
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('url must be http(s)');
        url = p.url;
      }
      return () => {
        const outcome = take('share', 'success');
        if (outcome === 'cancel') throw new BridgeError('CANCELLED', 'the user closed the share sheet');
        if (outcome !== 'success') throw badFixture('share', outcome, '"success" or "cancel"');
        state.shares.push(url === null ? { text } : { text, url });
        return null;
      };
    },

    'haptics.vibrateShort'(p) {
      const style = oneOf(p, 'style', IMPACT_STYLES);
      return () => playHaptic({ effect: 'short', style });
    },
    'haptics.vibrateLong'(p) {
      noParams(p);
      return () => playHaptic({ effect: 'long' });
    },
    'haptics.notify'(p) {
      const kind = oneOf(p, 'kind', HAPTIC_NOTIFICATIONS);
      return () => playHaptic({ effect: 'notification', kind });
    },
    'haptics.selectionChanged'(p) {
      noParams(p);
      return () => playHaptic({ effect: 'selection' });
    },

    'navigation.openMiniProgram'(p) {
      const target = p.appId;
      if (typeof target !== 'string' || !/^[a-z0-9-]+(\.[a-z0-9-]+){2,}$/.test(target)) {
        throw invalid('appId must look like com.acme.loans');
      }
      if (target === appId) throw invalid("appId is this mini-program's own id");
      const path = p.path ?? null;
      if (path !== null && (typeof path !== 'string' || !path.startsWith('/') || utf8Length(path) > 1000)) {
        throw invalid('path must start with "/" and be at most 1000 bytes');
      }
      const extraData = p.extraData ?? null;
      if (extraData !== null && (typeof extraData !== 'string' || utf8Length(extraData) > LIMITS.extraDataBytes)) {
        throw invalid(`extraData must be a string of at most ${LIMITS.extraDataBytes} bytes`);
      }
      return () => {
        if (!fx.knownApps.includes(target)) throw new BridgeError('NOT_FOUND', `no mini-program ${target}`);
        askToLeave();
        state.opened.push({ appId: target, path, extraData });
        return null;
      };
    },
    'navigation.openUrl'(p) {
      const url = str(p, 'url', { min: 1, max: LIMITS.urlBytes });
      if (!/^https?:\/\/[^/?#\s]/.test(url) || /[\s\u0000-\u001f\u007f]/.test(url)) {
        throw invalid('url must be http(s) with a host');
      }
      return () => {
        askToLeave();
        state.opened.push({ url });
        return null;
      };
    },
    'navigation.exit'(p) {
      noParams(p);
      return () => {
        state.opened.push({ exit: true });
        return null;
      };
    },

    'settings.permissions'(p) {
      noParams(p);
      return () => PERMISSIONS.filter(declared).map(permissionStatus);
    },
    'settings.request'(p) {
      const name = p.permission;
      if (typeof name !== 'string' || !PERMISSIONS.includes(name) || !declared(name)) {
        throw invalid(`permission ${JSON.stringify(name)} is not declared in this mini-program's manifest`);
      }
      return () => {
        const current = permissionStatus(name);
        const noPrompt = !SENSITIVE_PERMISSIONS.includes(name) || state.consentRequests.includes(name);
        if (current.state === 'granted' || noPrompt) return current;
        const answer = take('consent', 'agree');
        if (answer !== 'agree' && answer !== 'decline') throw badFixture('consent', answer, '"agree" or "decline"');
        state.consentRequests.push(name);
        state.answers.set(name, answer === 'agree');
        return permissionStatus(name);
      };
    },
    'settings.openHostSettings'(p) {
      noParams(p);
      return () => {
        if (fx.settingsPage === 'unavailable') throw new BridgeError('UNAVAILABLE', 'no settings page (fixture)');
        if (fx.settingsPage !== 'available') throw badFixture('settingsPage', fx.settingsPage, '"available" or "unavailable"');
        state.settingsOpened += 1;
        return null;
      };
    },

    'secureStorage.set'(p) {
      const k = secureKey(p);
      const value = str(p, 'value', { max: LIMITS.secureValueBytes });
      return () => {
        keystore();
        if (!state.secrets.has(k) && state.secrets.size >= LIMITS.secureEntriesMax) {
          throw new BridgeError('QUOTA_EXCEEDED', `at most ${LIMITS.secureEntriesMax} secure storage keys`);
        }
        state.secrets.set(k, value);
        return null;
      };
    },
    'secureStorage.get'(p) {
      const k = secureKey(p);
      return () => {
        keystore();
        return state.secrets.has(k) ? state.secrets.get(k) : null;
      };
    },
    'secureStorage.remove'(p) {
      const k = secureKey(p);
      return () => {
        keystore();
        return state.secrets.delete(k);
      };
    },

    'files.write'(p) {
      const path = filePath(p, 'path');
      const data = str(p, 'data', { max: LIMITS.fileBytes });
      return () => {
        const pathBytes = utf8Length(path);
        const old = state.files.get(path);
        const freed = old === undefined ? 0 : storageEntryBytes(pathBytes, utf8Length(old.data));
        const used = state.usedBytes - freed + storageEntryBytes(pathBytes, utf8Length(data));
        if (used > quotaBytes) throw new BridgeError('QUOTA_EXCEEDED', `storage quota exceeded: ${used} of ${quotaBytes} bytes`);
        state.files.set(path, { data, modifiedAt: seconds() });
        state.usedBytes = used;
        return null;
      };
    },
    'files.read'(p) {
      const path = filePath(p, 'path');
      return () => {
        const f = state.files.get(path);
        if (!f) throw new BridgeError('NOT_FOUND', `no file ${path}`);
        return f.data;
      };
    },
    'files.list'(p) {
      const dir = p.dir === '' ? '' : filePath(p, 'dir');
      return () => [...state.files.keys()]
        .filter((path) => dir === '' || path.startsWith(`${dir}/`))
        .sort(compareCodePoints)
        .map(fileInfo);
    },
    'files.stat'(p) {
      const path = filePath(p, 'path');
      return () => {
        if (!state.files.has(path)) throw new BridgeError('NOT_FOUND', `no file ${path}`);
        return fileInfo(path);
      };
    },
    'files.remove'(p) {
      const path = filePath(p, 'path');
      return () => {
        const f = state.files.get(path);
        if (!f) return false;
        state.files.delete(path);
        state.usedBytes -= storageEntryBytes(utf8Length(path), utf8Length(f.data));
        return true;
      };
    },

    'log.log'(p) {
      if (!LOG_LEVELS.includes(p.level)) throw invalid(`level must be one of ${LOG_LEVELS.join(', ')}`);
      const message = str(p, 'message');
      return () => {
        state.logs.push({ level: p.level, message: truncateUtf8(message, LIMITS.logMessageBytes) });
        return null;
      };
    },
  };

  // --- dispatch -------------------------------------------------------------------------------

  /** What the host would answer, in the host's order of checks. */
  const simulate = (method, params) => {
    if (typeof method !== 'string' || method === '') throw new BridgeError('BAD_REQUEST', 'method must be a non-empty string');
    if (!isPlainObject(params)) throw new BridgeError('BAD_REQUEST', 'params must be a JSON object');
    const permission = permissionFor(method);
    if (permission === undefined || !handlers[method]) {
      throw new BridgeError('METHOD_NOT_FOUND', `no bridge method ${JSON.stringify(method)}`);
    }
    if (permission !== null && !granted.has(permission)) {
      throw new BridgeError('PERMISSION_DENIED', `${method} needs the "${permission}" permission, which this mini-program was not granted`);
    }
    const effect = handlers[method](params); // validates; no side effects yet
    const forced = fx.errors[method];
    if (forced !== undefined && forced !== null) {
      throw typeof forced === 'string' ? new BridgeError(forced, `${forced} (fixture)`) : BridgeError.from(forced);
    }
    return effect();
  };

  const answerFromRecording = (method, params) => {
    const n = replay.index;
    const entry = replay.entries[n];
    const fail = (why) => {
      replay.problems.push(why);
      return new BridgeError('INTERNAL', `replay: ${why}`, { method });
    };
    if (!entry) throw fail(`call ${n + 1} (${method}) is past the end of the recording (${replay.entries.length} entries)`);
    if (entry.method !== method) throw fail(`call ${n + 1} is ${method}, the recording has ${entry.method}`);
    if (replay.matchParams && canonicalJson(params) !== canonicalJson(entry.params ?? {})) {
      throw fail(`call ${n + 1} (${method}) has params ${canonicalJson(params)}, the recording has ${canonicalJson(entry.params ?? {})}`);
    }
    replay.index += 1;
    if (entry.error !== undefined && entry.error !== null) throw BridgeError.from(entry.error, { method });
    return entry.result === undefined ? null : entry.result;
  };

  const mock = {
    appId,
    state,
    calls,
    fixtures: fx,

    /** Same contract as MiniAppBridge#call. `options` (e.g. timeoutMs) is accepted and ignored. */
    async call(method, params = {}, _options) {
      return mock.callSync(method, params);
    },

    /**
     * `call` without the promise: the result, or a thrown BridgeError. For callers whose bridge
     * is synchronous (a component's imports, see @miniapp/component-sdk/mock).
     */
    callSync(method, params = {}) {
      const started = performance.now();
      let wireParams = params;
      let outcome;
      try {
        // What the real bridge does before anything reaches the host.
        let json;
        try {
          json = JSON.stringify(params ?? {});
        } catch (e) {
          throw new BridgeError('INVALID_ARGUMENT', `params are not JSON-serializable: ${e.message}`);
        }
        wireParams = json === undefined ? null : JSON.parse(json);
        const result = copy(replay ? answerFromRecording(method, wireParams) : simulate(method, wireParams));
        outcome = { result };
        return copy(result);
      } catch (e) {
        const error = e instanceof BridgeError ? e : new BridgeError('INTERNAL', String(e?.message ?? e));
        if (error.method === undefined && typeof method === 'string') error.method = method;
        outcome = { error: { code: error.code, message: error.message } };
        throw error;
      } finally {
        calls.push({ method, params: wireParams, outcome, durationMs: performance.now() - started });
      }
    },

    /** Answers the following calls from `recording`, in order, instead of simulating. */
    replay(recording, { matchParams = false } = {}) {
      const entries = typeof recording === 'string' ? JSON.parse(recording) : recording;
      if (!Array.isArray(entries)) throw new TypeError('a recording is an array of {method, params, result | error}');
      entries.forEach((entry, i) => {
        if (!isPlainObject(entry) || typeof entry.method !== 'string') {
          throw new TypeError(`recording[${i}] must be an object with a string method`);
        }
        if (entry.error !== undefined && entry.error !== null && !(isPlainObject(entry.error) && typeof entry.error.code === 'string')) {
          throw new TypeError(`recording[${i}].error must be {code, message}`);
        }
      });
      replay = { entries: copy(entries), index: 0, matchParams, problems: [] };
      return mock;
    },

    /** Whether calls are being answered from a recording. */
    get replaying() {
      return replay !== null;
    },

    /** Throws unless every recorded call was made, in order, and no call diverged. */
    assertReplayComplete() {
      if (!replay) throw new Error('not replaying');
      const problems = [...replay.problems];
      const left = replay.entries.length - replay.index;
      if (left > 0) {
        problems.push(`${left} recorded call(s) never made, next: ${replay.entries[replay.index].method}`);
      }
      if (problems.length > 0) throw new Error(`replay incomplete:\n  ${problems.join('\n  ')}`);
    },

    /** Goes back to simulating. */
    stopReplay() {
      replay = null;
      return mock;
    },

    /** The calls so far as a recording, `[{method, params, result | error}]`, for `replay`. */
    recording() {
      return calls.map(({ method, params, outcome }) => copy({ method, params, ...outcome }));
    },

    grant(permission) {
      if (!PERMISSIONS.includes(permission)) throw new TypeError(`unknown permission ${JSON.stringify(permission)}`);
      granted.add(permission);
      return mock;
    },
    revoke(permission) {
      granted.delete(permission);
      return mock;
    },
    get permissions() {
      return [...granted].sort();
    },

    /** Stored values, parsed: `{key: value}`. */
    storageSnapshot() {
      const out = {};
      for (const k of [...state.storage.keys()].sort(compareCodePoints)) out[k] = JSON.parse(state.storage.get(k));
      return out;
    },

    /** Empties storage, payments, the recorded UI effects and the calls log; leaves fixtures and replay mode. */
    reset() {
      state.storage.clear();
      state.usedBytes = 0;
      state.receipts.clear();
      state.clipboard = fx.clipboard;
      state.title = null;
      state.route = null;
      state.keepScreenOn = false;
      state.loading = null;
      for (const list of ['actionSheets', 'barColors', 'datePickers']) state[list].length = 0;
      for (const list of ['toasts', 'modals', 'navigations', 'vibrations', 'shares', 'haptics', 'opened', 'consentRequests', 'logs', 'tokens']) state[list].length = 0;
      state.answers.clear();
      state.secrets.clear();
      state.files.clear();
      state.loginCodes.length = 0;
      state.biometricPrompts.length = 0;
      state.mediaShown.length = 0;
      state.updateChecks = 0;
      state.staged = null;
      state.notifications.clear();
      state.topics.length = 0;
      state.settingsOpened = 0;
      calls.length = 0;
      events.length = 0;
      return mock;
    },

    /**
     * Simulates the host sending event `name` with `data` (`{}` by default) to the page: calls the
     * `on(name)` and `on('*')` listeners and returns how many. A standard event's data must be its
     * payload (`memoryWarning`: `{level: 'moderate' | 'critical'}`, `updateReady`: `{version}`);
     * any other name is a host's own event and takes any JSON object.
     */
    emit(name, data = {}) {
      if (typeof name !== 'string' || name === '') throw new TypeError('emit: name must be a non-empty string');
      if (!isPlainObject(data)) throw new TypeError(`emit: data of ${JSON.stringify(name)} must be a JSON object`);
      checkEventData(name, data);
      const message = copy({ event: name, data });
      events.push(message);
      return mock._dispatchEvent(message.event, message.data);
    },

    /** The events `emit` sent, in order: `[{event, data}]`. */
    get events() {
      return copy(events);
    },

    /** Publishes the mock as `target.__miniappBridge`, where `connect()` finds it. Returns an undo function. */
    install(target = globalThis) {
      const had = Object.prototype.hasOwnProperty.call(target, '__miniappBridge');
      const previous = target.__miniappBridge;
      target.__miniappBridge = mock;
      return () => {
        if (had) target.__miniappBridge = previous;
        else delete target.__miniappBridge;
      };
    },
  };
  return attachEvents(attachHelpers(mock), { onListenerError: options.onListenerError });
}

/** The host's rule for a standard event's payload (a host's own names take any object). */
function checkEventData(name, data) {
  if (!LIFECYCLE_EVENTS.includes(name)) return;
  if (name === 'memoryWarning' && !MEMORY_LEVELS.includes(data.level)) {
    throw new TypeError(`emit: memoryWarning needs {level: ${MEMORY_LEVELS.map((l) => `'${l}'`).join(' | ')}}`);
  }
  if (name === 'updateReady' && typeof data.version !== 'string') {
    throw new TypeError('emit: updateReady needs {version: string}');
  }
}

/** Splits a mock token into its parsed header and claims. */
export function decodeMockToken(value) {
  const parts = typeof value === 'string' ? value.split('.') : [];
  if (parts.length !== 3) throw new TypeError('not a header.claims.signature token');
  return { header: JSON.parse(fromBase64url(parts[0])), claims: JSON.parse(fromBase64url(parts[1])), signature: parts[2] };
}

function normalizeFixtures(f) {
  const queue = (v) => (Array.isArray(v) ? [...v] : v);
  return {
    position: f.position === undefined ? copy(DEFAULT_POSITION) : copy(f.position),
    deviceInfo: copy(f.deviceInfo ?? DEFAULT_DEVICE_INFO),
    networkType: f.networkType ?? 'wifi',
    battery: f.battery === undefined ? copy(DEFAULT_BATTERY) : copy(f.battery),
    systemInfo: copy(f.systemInfo ?? DEFAULT_SYSTEM_INFO),
    clipboard: f.clipboard ?? null,
    modal: queue(f.modal),
    actionSheet: queue(f.actionSheet),
    date: queue(f.date),
    payment: queue(f.payment),
    share: queue(f.share),
    haptics: f.haptics ?? 'available',
    knownApps: [...(f.knownApps ?? [])],
    leave: queue(f.leave),
    declined: [...(f.declined ?? [])],
    notAsked: [...(f.notAsked ?? [])],
    consent: queue(f.consent),
    settingsPage: f.settingsPage ?? 'available',
    keystore: f.keystore ?? 'available',
    profile: queue(f.profile),
    biometrics: queue(f.biometrics),
    camera: f.camera ?? 'available',
    images: queue(f.images),
    scans: queue(f.scans),
    version: f.version ?? '1.0.0',
    update: queue(f.update),
    notifications: f.notifications ?? 'on',
    signedIn: f.signedIn ?? true,
    storage: { ...(f.storage ?? {}) },
    errors: { ...(f.errors ?? {}) },
  };
}

/** The host's rule for a date: `YYYY-MM-DD`, a day that exists (leap years counted), year >= 1. */
export function isCalendarDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [year, month, day] = s.split('-').map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function badFixture(name, value, expected) {
  return new BridgeError('INTERNAL', `mock fixture ${name} answer ${JSON.stringify(value)} is invalid: expected ${expected}`);
}
