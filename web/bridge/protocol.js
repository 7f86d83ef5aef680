// Generated from the miniapp-contract crate (contract/src) by `cargo run -p miniapp-contract -- write-web web/bridge`.
// Do not edit: change the contract and regenerate.

/** Error codes the host may send in `{"error": {"code": ...}}`. */
export const ERROR_CODES = Object.freeze([
  'PERMISSION_DENIED',
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'QUOTA_EXCEEDED',
  'UNAVAILABLE',
  'CANCELLED',
  'INTERNAL',
  'METHOD_NOT_FOUND',
  'BAD_REQUEST',
]);

/** Code of the error a call rejects with when no response arrived in time (client side only). */
export const TIMEOUT = 'TIMEOUT';

/** Every permission a manifest may declare. `network` guards fetch, not a bridge method. */
export const PERMISSIONS = Object.freeze([
  'storage',
  'auth',
  'payment',
  'location',
  'ui',
  'device',
  'clipboard',
  'share',
  'haptics',
  'navigation',
  'biometrics',
  'notifications',
  'camera',
  'network',
]);

/** Permissions the user must consent to before a launch that needs them. */
export const SENSITIVE_PERMISSIONS = Object.freeze([
  'payment',
  'location',
  'clipboard',
  'biometrics',
  'notifications',
  'camera',
]);

/** Every bridge method and the permission it needs (`null`: always allowed). */
export const METHODS = Object.freeze({
  'storage.set': 'storage',
  'storage.get': 'storage',
  'storage.remove': 'storage',
  'storage.keys': 'storage',
  'storage.clear': 'storage',
  'storage.usage': 'storage',
  'auth.getToken': 'auth',
  'auth.loginCode': 'auth',
  'auth.profile': 'auth',
  'payment.pay': 'payment',
  'payment.query': 'payment',
  'geolocation.currentPosition': 'location',
  'ui.toast': 'ui',
  'ui.modal': 'ui',
  'ui.navigate': 'ui',
  'ui.setTitle': 'ui',
  'ui.actionSheet': 'ui',
  'ui.showLoading': 'ui',
  'ui.hideLoading': 'ui',
  'ui.setNavigationBarColor': 'ui',
  'ui.pickDate': 'ui',
  'device.info': 'device',
  'device.vibrate': 'device',
  'device.networkType': 'device',
  'device.battery': 'device',
  'device.setKeepScreenOn': 'device',
  'device.systemInfo': 'device',
  'clipboard.readText': 'clipboard',
  'clipboard.writeText': 'clipboard',
  'share.share': 'share',
  'haptics.vibrateShort': 'haptics',
  'haptics.vibrateLong': 'haptics',
  'haptics.notify': 'haptics',
  'haptics.selectionChanged': 'haptics',
  'navigation.openMiniProgram': 'navigation',
  'navigation.openUrl': 'navigation',
  'navigation.exit': 'navigation',
  'settings.permissions': null,
  'settings.request': null,
  'settings.openHostSettings': null,
  'secureStorage.set': 'storage',
  'secureStorage.get': 'storage',
  'secureStorage.remove': 'storage',
  'files.write': 'storage',
  'files.read': 'storage',
  'files.list': 'storage',
  'files.stat': 'storage',
  'files.remove': 'storage',
  'biometrics.authenticate': 'biometrics',
  'notifications.requestPermission': 'notifications',
  'notifications.schedule': 'notifications',
  'notifications.subscribe': 'notifications',
  'media.chooseImage': 'camera',
  'media.scanCode': 'camera',
  'updates.status': null,
  'updates.check': null,
  'performance.metrics': null,
  'log.log': null,
});

/** The permission `method` needs: `null` if none, `undefined` if the method does not exist. */
export function permissionFor(method) {
  return Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;
}

export const LOG_LEVELS = Object.freeze(['trace', 'debug', 'info', 'warn', 'error']);

/** Limits, in UTF-8 bytes unless said otherwise. */
export const LIMITS = Object.freeze({
  storageKeyBytes: 1024,
  storageValueBytes: 1048576,
  defaultQuotaBytes: 10485760,
  storageEntryOverheadBytes: 10,
  orderIdBytes: 128,
  toastBytes: 500,
  modalButtonsMin: 1,
  modalButtonsMax: 4,
  titleBytes: 100,
  actionSheetItemsMax: 6,
  labelBytes: 40,
  extraDataBytes: 4096,
  urlBytes: 2048,
  vibrateMillisMax: 1000,
  clipboardTextBytes: 65536,
  logMessageBytes: 4096,
  tokenLifetimeSeconds: 900,
  secureKeyBytes: 128,
  secureValueBytes: 4096,
  secureEntriesMax: 64,
  filePathBytes: 512,
  fileBytes: 1048576,
  biometricReasonBytes: 200,
  notificationIdBytes: 64,
  notificationTitleBytes: 64,
  notificationBodyBytes: 256,
  imageBytes: 4194304,
});

/** What one storage entry counts against the quota: the host's rule, used by the mocks. */
export function storageEntryBytes(keyBytes, valueBytes) {
  return LIMITS.storageEntryOverheadBytes + keyBytes + valueBytes;
}

/** The standard lifecycle events a host sends (`{"event": name, "data": {...}}`); hosts may send others. */
export const LIFECYCLE_EVENTS = Object.freeze(['show', 'hide', 'suspend', 'resume', 'memoryWarning', 'updateReady']);

/** `memoryWarning`'s levels. */
export const MEMORY_LEVELS = Object.freeze(['moderate', 'critical']);
