// Typed helpers over any object with `call(method, params, options)`: the real bridge and the mock
// both get theirs from here, so they cannot drift apart. Every helper takes, after its own
// arguments, an optional `options` object that is handed to `call` unchanged (e.g. `{timeoutMs}`).

import { LOG_LEVELS } from './protocol.js';

/**
 * Adds one namespace per bridge interface (`storage`, `auth`, `payment`, `geolocation`, `ui`,
 * `device`, `clipboard`, `share`, `haptics`, `navigation`, `settings`, `secureStorage`, `files`, `biometrics`, `notifications`, `media`, `updates`, `performance`, `log`) to `target` and returns `target`. The helpers look `target.call` up at each call.
 */
export function attachHelpers(target) {
  if (!target || typeof target.call !== 'function') {
    throw new TypeError('attachHelpers: target must have a call(method, params) function');
  }
  const call = (method, params, options) => target.call(method, params, options);

  target.storage = {
    set: (key, value, options) => call('storage.set', { key, value }, options),
    get: (key, options) => call('storage.get', { key }, options),
    remove: (key, options) => call('storage.remove', { key }, options),
    keys: (options) => call('storage.keys', {}, options),
    clear: (options) => call('storage.clear', {}, options),
    usage: (options) => call('storage.usage', {}, options),
  };

  target.auth = {
    getToken: (scopes, options) => call('auth.getToken', { scopes }, options),
    loginCode: (options) => call('auth.loginCode', {}, options),
    profile: (options) => call('auth.profile', {}, options),
  };

  target.payment = {
    pay: (request, options) => {
      const { orderId, amountMinor, currency, description } = request ?? {};
      return call('payment.pay', { orderId, amountMinor, currency, description }, options);
    },
    query: (orderId, options) => call('payment.query', { orderId }, options),
  };

  target.geolocation = {
    currentPosition: (options) => call('geolocation.currentPosition', {}, options),
  };

  target.ui = {
    toast: (message, options) => call('ui.toast', { message }, options),
    modal: (title, message, buttons, options) =>
      call('ui.modal', { title, message, buttons }, options),
    navigate: (route, options) => call('ui.navigate', { route }, options),
    setTitle: (title, options) => call('ui.setTitle', { title }, options),
    actionSheet: (items, options) => call('ui.actionSheet', { items }, options),
    showLoading: (title, options) => call('ui.showLoading', { title }, options),
    hideLoading: (options) => call('ui.hideLoading', {}, options),
    setNavigationBarColor: (frontColor, backgroundColor, options) =>
      call('ui.setNavigationBarColor', { frontColor, backgroundColor }, options),
    pickDate: (initial, range, options) => {
      const { start, end } = range ?? {};
      const params = { initial };
      if (start !== undefined && start !== null) params.start = start;
      if (end !== undefined && end !== null) params.end = end;
      return call('ui.pickDate', params, options);
    },
  };

  target.device = {
    info: (options) => call('device.info', {}, options),
    vibrate: (millis, options) => call('device.vibrate', { millis }, options),
    networkType: (options) => call('device.networkType', {}, options),
    battery: (options) => call('device.battery', {}, options),
    setKeepScreenOn: (keepOn, options) => call('device.setKeepScreenOn', { keepOn }, options),
    systemInfo: (options) => call('device.systemInfo', {}, options),
  };

  target.clipboard = {
    readText: (options) => call('clipboard.readText', {}, options),
    writeText: (text, options) => call('clipboard.writeText', { text }, options),
  };

  target.share = {
    share: (text, url, options) =>
      call('share.share', url === undefined || url === null ? { text } : { text, url }, options),
  };

  target.haptics = {
    vibrateShort: (style, options) => call('haptics.vibrateShort', { style }, options),
    vibrateLong: (options) => call('haptics.vibrateLong', {}, options),
    notify: (kind, options) => call('haptics.notify', { kind }, options),
    selectionChanged: (options) => call('haptics.selectionChanged', {}, options),
  };

  target.navigation = {
    openMiniProgram: (appId, target, options) => {
      const { path, extraData } = target ?? {};
      const params = { appId };
      if (path !== undefined && path !== null) params.path = path;
      if (extraData !== undefined && extraData !== null) params.extraData = extraData;
      return call('navigation.openMiniProgram', params, options);
    },
    openUrl: (url, options) => call('navigation.openUrl', { url }, options),
    exit: (options) => call('navigation.exit', {}, options),
  };

  target.settings = {
    permissions: (options) => call('settings.permissions', {}, options),
    request: (permission, options) => call('settings.request', { permission }, options),
    openHostSettings: (options) => call('settings.openHostSettings', {}, options),
  };

  target.secureStorage = {
    set: (key, value, options) => call('secureStorage.set', { key, value }, options),
    get: (key, options) => call('secureStorage.get', { key }, options),
    remove: (key, options) => call('secureStorage.remove', { key }, options),
  };

  target.files = {
    write: (path, data, options) => call('files.write', { path, data }, options),
    read: (path, options) => call('files.read', { path }, options),
    list: (dir, options) => call('files.list', { dir: dir ?? '' }, options),
    stat: (path, options) => call('files.stat', { path }, options),
    remove: (path, options) => call('files.remove', { path }, options),
  };

  target.biometrics = {
    authenticate: (reason, options) => call('biometrics.authenticate', { reason }, options),
  };

  target.media = {
    chooseImage: (choice, options) => {
      const { source, maxBytes } = choice ?? {};
      const params = {};
      if (source !== undefined) params.source = source;
      if (maxBytes !== undefined) params.maxBytes = maxBytes;
      return call('media.chooseImage', params, options);
    },
    scanCode: (options) => call('media.scanCode', {}, options),
  };

  target.updates = {
    status: (options) => call('updates.status', {}, options),
    check: (options) => call('updates.check', {}, options),
  };

  target.performance = {
    metrics: (options) => call('performance.metrics', {}, options),
  };

  target.notifications = {
    requestPermission: (options) => call('notifications.requestPermission', {}, options),
    schedule: (notification, options) => {
      const { id, title, body, at } = notification ?? {};
      return call('notifications.schedule', { id, title, body: body ?? '', at }, options);
    },
    subscribe: (topic, options) => call('notifications.subscribe', { topic }, options),
  };

  const log = {
    log: (level, message, options) => call('log.log', { level, message }, options),
  };
  for (const level of LOG_LEVELS) {
    log[level] = (message, options) => call('log.log', { level, message }, options);
  }
  target.log = log;

  return target;
}
