// Generated from the miniapp-contract crate (contract/src) by `cargo run -p miniapp-contract -- write-web web/bridge`.
// Do not edit: change the contract and regenerate.

/** Codes the host sends in an error response. */
export type HostErrorCode =
  | 'PERMISSION_DENIED'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'CANCELLED'
  | 'INTERNAL'
  | 'METHOD_NOT_FOUND'
  | 'BAD_REQUEST';

/** Every code a BridgeError can carry: the host's, plus `TIMEOUT` (no response in time). */
export type BridgeErrorCode = HostErrorCode | 'TIMEOUT';

export type Permission =
  | 'storage'
  | 'auth'
  | 'payment'
  | 'location'
  | 'ui'
  | 'device'
  | 'clipboard'
  | 'share'
  | 'haptics'
  | 'navigation'
  | 'biometrics'
  | 'notifications'
  | 'camera'
  | 'network';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** `{"id": 7, "method": "storage.set", "params": {...}}` */
export interface BridgeRequest<M extends MethodName = MethodName> {
  id: number;
  method: M;
  params: MethodParams<M>;
}

/** `{"id": 7, "result": ...}` or `{"id": 7, "error": {"code": ..., "message": ...}}` */
export type BridgeResponse<M extends MethodName = MethodName> =
  | { id: number; result: MethodResult<M> }
  | { id: number; error: BridgeErrorBody };

export interface BridgeErrorBody {
  code: HostErrorCode | (string & {});
  message: string;
}

export const ERROR_CODES: readonly HostErrorCode[];
export const TIMEOUT: 'TIMEOUT';
export const PERMISSIONS: readonly Permission[];
export const SENSITIVE_PERMISSIONS: readonly Permission[];
export const LOG_LEVELS: readonly LogLevel[];
export const METHODS: Readonly<{ [M in MethodName]: Permission | null }>;
/** The permission `method` needs: `null` if none, `undefined` if the method does not exist. */
export function permissionFor(method: string): Permission | null | undefined;
export const LIMITS: Readonly<{
  storageKeyBytes: 1024;
  storageValueBytes: 1048576;
  defaultQuotaBytes: 10485760;
  storageEntryOverheadBytes: 10;
  orderIdBytes: 128;
  toastBytes: 500;
  modalButtonsMin: 1;
  modalButtonsMax: 4;
  titleBytes: 100;
  actionSheetItemsMax: 6;
  labelBytes: 40;
  extraDataBytes: 4096;
  urlBytes: 2048;
  vibrateMillisMax: 1000;
  clipboardTextBytes: 65536;
  logMessageBytes: 4096;
  tokenLifetimeSeconds: 900;
  secureKeyBytes: 128;
  secureValueBytes: 4096;
  secureEntriesMax: 64;
  filePathBytes: 512;
  fileBytes: 1048576;
  biometricReasonBytes: 200;
  notificationIdBytes: 64;
  notificationTitleBytes: 64;
  notificationBodyBytes: 256;
  imageBytes: 4194304;
}>;
/** What one storage entry counts against the quota: the host's rule, used by the mocks. */
export function storageEntryBytes(keyBytes: number, valueBytes: number): number;

export type NetworkType = 'wifi' | 'cellular' | 'ethernet' | 'none' | 'unknown';

export type Theme = 'light' | 'dark';

export type PermissionState = 'granted' | 'denied' | 'notAsked';

export type ImageSource = 'camera' | 'album';

export interface StorageUsage {
  usedBytes: number;
  quotaBytes: number;
}

export interface Token {
  /** Compact JWT, `header.claims.signature`; send it to your backend as a bearer token. */
  value: string;
  /** Seconds since the Unix epoch. */
  expiresAt: number;
  /** Scopes granted: the requested ones the host allows this mini-program. */
  scopes: string[];
}

export interface LoginCode {
  /** Send it to your backend, which redeems it once with the host's backend. */
  code: string;
  /** Seconds since the Unix epoch (5 minutes after minting). */
  expiresAt: number;
}

export interface UserProfile {
  nickname: string;
  avatarUrl: string | null;
}

export interface PaymentRequest {
  /** Your order id, 1 to 128 UTF-8 bytes; the idempotency key. */
  orderId: string;
  /** Positive integer, in minor units (cents). */
  amountMinor: number;
  /** ISO 4217, three upper-case letters. */
  currency: string;
  /** Shown on the host's payment sheet. */
  description: string;
}

export interface Receipt {
  orderId: string;
  transactionId: string;
  amountMinor: number;
  currency: string;
  /** Seconds since the Unix epoch. */
  paidAt: number;
}

export interface Position {
  latitude: number;
  longitude: number;
  /** Radius of uncertainty in meters. */
  accuracyM: number;
}

export interface Screen {
  width: number;
  height: number;
  /** Device pixels per CSS pixel. */
  scale: number;
}

export interface DeviceInfo {
  /** `android`, `ios`, `linux`, ... */
  platform: string;
  /** The host app's version (semver). */
  hostVersion: string;
  /** BCP 47 tag, e.g. `en-US`. */
  locale: string;
  screen: Screen;
}

export interface BatteryInfo {
  /** 0 to 100 percent. */
  level: number;
  charging: boolean;
}

export interface SystemInfo {
  /** Maker, e.g. `Google`. */
  brand: string;
  /** Model, e.g. `Pixel 8`. */
  model: string;
  osVersion: string;
  theme: Theme;
  /** The user's text size relative to the default (1.0). */
  fontScale: number;
}

export interface FileInfo {
  path: string;
  /** Bytes of content. */
  size: number;
  /** Last write, seconds since the Unix epoch. */
  modifiedAt: number;
}

export interface PermissionStatus {
  permission: Permission;
  state: PermissionState;
  /** Usable by this instance now; grants are fixed at launch, so a permission granted by `settings.request` is active from the next launch. */
  active: boolean;
}

export interface ChosenImage {
  /** `image/png`, `image/jpeg`, ... */
  mimeType: string;
  /** The encoded image, standard base64 with padding. */
  data: string;
  /** Pixels. */
  width: number;
  /** Pixels. */
  height: number;
}

export interface ScannedCode {
  /** The decoded content. */
  text: string;
  /** The symbology, lower-case: `qr`, `ean-13`, `code-128`, ... */
  format: string;
}

export interface UpdateStatus {
  /** The version this instance runs. */
  current: string;
  /** A newer version downloaded, verified and staged: it runs from the next launch. */
  pending: string | null;
}

export interface LaunchMetrics {
  /** Loading (or compiling) the component; 0 when the host had it in memory. */
  loadMs: number;
  /** Linking it to the granted bridge; 0 when cached. */
  linkMs: number;
  /** Creating the instance. */
  instantiateMs: number;
  /** The app's own `on-launch`; `null` while it is still running. */
  onLaunchMs: number | null;
}

export interface PerformanceMetrics {
  /** `null` for a web page (the WebView measures its own load: `window.performance`). */
  launch: LaunchMetrics | null;
  /** Bridge calls this instance made, this one included. */
  bridgeCalls: number;
  /** Milliseconds the host spent serving them (waiting for the user or the network included). */
  bridgeHostMs: number;
  /** Milliseconds spent running the app's code in calls that returned; `null` for a web page. */
  guestMs: number | null;
}

/** Params and result of every method, by wire name. */
export interface MethodMap {
  'storage.set': { params: { key: string; value: JsonValue }; result: null };
  'storage.get': { params: { key: string }; result: JsonValue };
  'storage.remove': { params: { key: string }; result: boolean };
  'storage.keys': { params: Record<string, never>; result: string[] };
  'storage.clear': { params: Record<string, never>; result: null };
  'storage.usage': { params: Record<string, never>; result: StorageUsage };
  'auth.getToken': { params: { scopes: string[] }; result: Token };
  'auth.loginCode': { params: Record<string, never>; result: LoginCode };
  'auth.profile': { params: Record<string, never>; result: UserProfile };
  'payment.pay': { params: PaymentRequest; result: Receipt };
  'payment.query': { params: { orderId: string }; result: Receipt };
  'geolocation.currentPosition': { params: Record<string, never>; result: Position };
  'ui.toast': { params: { message: string }; result: null };
  'ui.modal': { params: { title: string; message: string; buttons: string[] }; result: number };
  'ui.navigate': { params: { route: string }; result: null };
  'ui.setTitle': { params: { title: string }; result: null };
  'ui.actionSheet': { params: { items: string[] }; result: number };
  'ui.showLoading': { params: { title: string }; result: null };
  'ui.hideLoading': { params: Record<string, never>; result: null };
  'ui.setNavigationBarColor': { params: { frontColor: '#ffffff' | '#000000'; backgroundColor: string }; result: null };
  'ui.pickDate': { params: { initial: string; start?: string | null; end?: string | null }; result: string };
  'device.info': { params: Record<string, never>; result: DeviceInfo };
  'device.vibrate': { params: { millis: number }; result: null };
  'device.networkType': { params: Record<string, never>; result: NetworkType };
  'device.battery': { params: Record<string, never>; result: BatteryInfo };
  'device.setKeepScreenOn': { params: { keepOn: boolean }; result: null };
  'device.systemInfo': { params: Record<string, never>; result: SystemInfo };
  'clipboard.readText': { params: Record<string, never>; result: string | null };
  'clipboard.writeText': { params: { text: string }; result: null };
  'share.share': { params: { text: string; url?: string }; result: null };
  'haptics.vibrateShort': { params: { style: 'light' | 'medium' | 'heavy' }; result: null };
  'haptics.vibrateLong': { params: Record<string, never>; result: null };
  'haptics.notify': { params: { kind: 'success' | 'warning' | 'error' }; result: null };
  'haptics.selectionChanged': { params: Record<string, never>; result: null };
  'navigation.openMiniProgram': { params: { appId: string; path?: string | null; extraData?: string | null }; result: null };
  'navigation.openUrl': { params: { url: string }; result: null };
  'navigation.exit': { params: Record<string, never>; result: null };
  'settings.permissions': { params: Record<string, never>; result: PermissionStatus[] };
  'settings.request': { params: { permission: Permission }; result: PermissionStatus };
  'settings.openHostSettings': { params: Record<string, never>; result: null };
  'secureStorage.set': { params: { key: string; value: string }; result: null };
  'secureStorage.get': { params: { key: string }; result: string | null };
  'secureStorage.remove': { params: { key: string }; result: boolean };
  'files.write': { params: { path: string; data: string }; result: null };
  'files.read': { params: { path: string }; result: string };
  'files.list': { params: { dir: string }; result: FileInfo[] };
  'files.stat': { params: { path: string }; result: FileInfo };
  'files.remove': { params: { path: string }; result: boolean };
  'biometrics.authenticate': { params: { reason: string }; result: null };
  'notifications.requestPermission': { params: Record<string, never>; result: boolean };
  'notifications.schedule': { params: { id: string; title: string; body: string; at: number }; result: null };
  'notifications.subscribe': { params: { topic: string }; result: null };
  'media.chooseImage': { params: { source?: ImageSource; maxBytes?: number }; result: ChosenImage };
  'media.scanCode': { params: Record<string, never>; result: ScannedCode };
  'updates.status': { params: Record<string, never>; result: UpdateStatus };
  'updates.check': { params: Record<string, never>; result: UpdateStatus };
  'performance.metrics': { params: Record<string, never>; result: PerformanceMetrics };
  'log.log': { params: { level: LogLevel; message: string }; result: null };
}

export type MethodName = keyof MethodMap;
export type MethodParams<M extends MethodName> = MethodMap[M]['params'];
export type MethodResult<M extends MethodName> = MethodMap[M]['result'];

/** `memoryWarning`'s levels. */
export type MemoryLevel = 'moderate' | 'critical';

/** The payload of the events that carry nothing: `{}`. */
export type EmptyPayload = Record<string, never>;

export interface MemoryWarningPayload {
  /** `moderate`: drop what you can rebuild; `critical`: free everything you can now. */
  level: MemoryLevel;
}

export interface UpdateReadyPayload {
  /** The version active from the next launch (semver). */
  version: string;
}

/** The payload of every standard lifecycle event, by wire name. */
export interface LifecycleEventMap {
  /** The mini-program came to the front (after its launch, or back from the background). */
  show: EmptyPayload;
  /** The mini-program left the front (another screen, or the host went to the background); it keeps running. */
  hide: EmptyPayload;
  /** The host is about to stop giving the mini-program time and may end it without another event: persist what must survive now. */
  suspend: EmptyPayload;
  /** The host runs the mini-program again after a `suspend`. */
  resume: EmptyPayload;
  /** The device is short of memory: drop caches (`critical`: everything you can). */
  memoryWarning: MemoryWarningPayload;
  /** A new version of this mini-program is installed; it becomes active at the next launch. */
  updateReady: UpdateReadyPayload;
}

export type LifecycleEventName = keyof LifecycleEventMap;
export const LIFECYCLE_EVENTS: readonly LifecycleEventName[];
export const MEMORY_LEVELS: readonly MemoryLevel[];

/** `{"event": "memoryWarning", "data": {"level": "critical"}}`: host → page, no `id`. Hosts may send events of other names. */
export interface EventMessage<E extends string = LifecycleEventName> {
  event: E;
  data: E extends LifecycleEventName ? LifecycleEventMap[E] : JsonValue;
}
