// Type declarations for @miniapp/bridge: the API by hand, the protocol generated (protocol.d.ts).

// ---------------------------------------------------------------------------------------------
// Protocol: generated from the contract crate into protocol.d.ts (see its header).

export * from './protocol.js';
import type {
  BridgeErrorBody,
  BridgeErrorCode,
  BatteryInfo,
  DeviceInfo,
  FileInfo,
  JsonValue,
  LoginCode,
  NetworkType,
  Permission,
  PermissionStatus,
  SystemInfo,
  LogLevel,
  MethodName,
  MethodParams,
  MethodResult,
  PaymentRequest,
  Position,
  Receipt,
  StorageUsage,
  Token,
  UserProfile,
  ChosenImage,
  ImageSource,
  ScannedCode,
  UpdateStatus,
  PerformanceMetrics,
  LifecycleEventMap,
  LifecycleEventName,
} from './protocol.js';

// ---------------------------------------------------------------------------------------------
// Calling

export interface CallOptions {
  /** Overrides the bridge's `timeoutMs` for this call; 0 or Infinity: no timeout. */
  timeoutMs?: number;
}

/** Anything that can make bridge calls: the real bridge, the mock, your own double. */
export interface BridgeCaller {
  /** A known method gets its params and result types; any other name is `Record<string, unknown>` → `unknown`. */
  call<M extends string>(method: M, params?: ParamsOf<M>, options?: CallOptions): Promise<ResultOf<M>>;
}

export type ParamsOf<M extends string> = M extends MethodName ? MethodParams<M> : Record<string, unknown>;
export type ResultOf<M extends string> = M extends MethodName ? MethodResult<M> : unknown;

export interface StorageApi {
  set(key: string, value: JsonValue, options?: CallOptions): Promise<null>;
  /** The stored value, or null when the key is absent. */
  get<T extends JsonValue = JsonValue>(key: string, options?: CallOptions): Promise<T | null>;
  /** Whether the key existed. */
  remove(key: string, options?: CallOptions): Promise<boolean>;
  /** Every key, sorted (by code point, i.e. UTF-8 byte order). */
  keys(options?: CallOptions): Promise<string[]>;
  clear(options?: CallOptions): Promise<null>;
  usage(options?: CallOptions): Promise<StorageUsage>;
}

export interface AuthApi {
  getToken(scopes: string[], options?: CallOptions): Promise<Token>;
  /** A one-time code (5 minutes) for your backend to redeem once with the host's backend; not a bearer token. */
  loginCode(options?: CallOptions): Promise<LoginCode>;
  /** The user's profile once they agree to share it; CANCELLED if they decline. */
  profile(options?: CallOptions): Promise<UserProfile>;
}

export interface PaymentApi {
  pay(request: PaymentRequest, options?: CallOptions): Promise<Receipt>;
  query(orderId: string, options?: CallOptions): Promise<Receipt>;
}

export interface GeolocationApi {
  currentPosition(options?: CallOptions): Promise<Position>;
}

export interface UiApi {
  toast(message: string, options?: CallOptions): Promise<null>;
  /** Index of the button the user chose. */
  modal(title: string, message: string, buttons: string[], options?: CallOptions): Promise<number>;
  navigate(route: string, options?: CallOptions): Promise<null>;
  setTitle(title: string, options?: CallOptions): Promise<null>;
  /** 1 to 6 items; the index of the chosen one. CANCELLED when dismissed. */
  actionSheet(items: string[], options?: CallOptions): Promise<number>;
  showLoading(title: string, options?: CallOptions): Promise<null>;
  hideLoading(options?: CallOptions): Promise<null>;
  setNavigationBarColor(
    frontColor: '#ffffff' | '#000000',
    backgroundColor: string,
    options?: CallOptions,
  ): Promise<null>;
  /** Dates are `YYYY-MM-DD`; the chosen one. CANCELLED when dismissed. */
  pickDate(initial: string, range?: { start?: string; end?: string } | null, options?: CallOptions): Promise<string>;
}

export interface DeviceApi {
  info(options?: CallOptions): Promise<DeviceInfo>;
  vibrate(millis: number, options?: CallOptions): Promise<null>;
  networkType(options?: CallOptions): Promise<NetworkType>;
  /** UNAVAILABLE when the device has no battery. */
  battery(options?: CallOptions): Promise<BatteryInfo>;
  /** Keeps the screen on while this mini-program is in front; the host releases it when it leaves. */
  setKeepScreenOn(keepOn: boolean, options?: CallOptions): Promise<null>;
  systemInfo(options?: CallOptions): Promise<SystemInfo>;
}

export interface ClipboardApi {
  readText(options?: CallOptions): Promise<string | null>;
  writeText(text: string, options?: CallOptions): Promise<null>;
}

export interface ShareApi {
  share(text: string, url?: string | null, options?: CallOptions): Promise<null>;
}

/** Strength of a short tap: `'light' | 'medium' | 'heavy'`. */
export type ImpactStyle = MethodParams<'haptics.vibrateShort'>['style'];
/** What a notification pattern tells: `'success' | 'warning' | 'error'`. */
export type HapticNotification = MethodParams<'haptics.notify'>['kind'];

export interface HapticsApi {
  /** A short tap (about 15 ms). UNAVAILABLE without a haptic engine. */
  vibrateShort(style: ImpactStyle, options?: CallOptions): Promise<null>;
  /** A long vibration (about 400 ms). */
  vibrateLong(options?: CallOptions): Promise<null>;
  /** The platform's pattern for a success, a warning or an error. */
  notify(kind: HapticNotification, options?: CallOptions): Promise<null>;
  /** The light tick of a selection changing. */
  selectionChanged(options?: CallOptions): Promise<null>;
}

export interface NavigationApi {
  /**
   * Opens another mini-program once the user agrees. NOT_FOUND: no such mini-program;
   * CANCELLED: the user declined. `extraData` (at most 4 KiB) reaches its launch.
   */
  openMiniProgram(appId: string, target?: { path?: string; extraData?: string } | null, options?: CallOptions): Promise<null>;
  /** Opens an http(s) URL in the host's browser once the user agrees. */
  openUrl(url: string, options?: CallOptions): Promise<null>;
  /** Closes this mini-program. */
  exit(options?: CallOptions): Promise<null>;
}

export interface SettingsApi {
  /** Every permission the manifest declares: granted, denied or notAsked, and `active` (usable now). */
  permissions(options?: CallOptions): Promise<PermissionStatus[]>;
  /**
   * Asks the user again for a declared sensitive permission (at most once per launch); a "yes"
   * is active from the next launch. INVALID_ARGUMENT: not a permission the manifest declares.
   */
  request(permission: Permission, options?: CallOptions): Promise<PermissionStatus>;
  /** Opens the host's settings page for this mini-program. UNAVAILABLE: the host has none. */
  openHostSettings(options?: CallOptions): Promise<null>;
}

/** Permission `storage`: small secrets in the host's keystore; values never appear in the host's records. */
export interface SecureStorageApi {
  /** Key 1 to 128 bytes without control characters, value at most 4096 bytes (INVALID_ARGUMENT); QUOTA_EXCEEDED past 64 keys. */
  set(key: string, value: string, options?: CallOptions): Promise<null>;
  get(key: string, options?: CallOptions): Promise<string | null>;
  /** Whether the key was there. */
  remove(key: string, options?: CallOptions): Promise<boolean>;
}

/**
 * Permission `storage`: text files in the app's sandbox, on the storage quota. A path is
 * relative and `/`-separated, 1 to 512 bytes, no empty, `.` or `..` segment, no `\\` or control
 * character (INVALID_ARGUMENT).
 */
export interface FilesApi {
  /** At most 1 MiB (INVALID_ARGUMENT); QUOTA_EXCEEDED past the storage quota. */
  write(path: string, data: string, options?: CallOptions): Promise<null>;
  /** NOT_FOUND if there is no such file. */
  read(path: string, options?: CallOptions): Promise<string>;
  /** The files under `dir` (`''` or omitted: every file), sorted by path. */
  list(dir?: string, options?: CallOptions): Promise<FileInfo[]>;
  stat(path: string, options?: CallOptions): Promise<FileInfo>;
  remove(path: string, options?: CallOptions): Promise<boolean>;
}

/** Permission `biometrics` (consent asked once). */
export interface BiometricsApi {
  /** The platform's prompt with `reason` (1 to 200 bytes); CANCELLED if cancelled or not recognised, UNAVAILABLE without a sensor. */
  authenticate(reason: string, options?: CallOptions): Promise<null>;
}

/** Permission `camera` (consent asked once): the host's image picker and code scanner. */
export interface MediaApi {
  /**
   * The host's picker on `source` (default `"album"`); the image's bytes come base64 in `data`.
   * `maxBytes` 1 to `LIMITS.imageBytes` (default). Errors: INVALID_ARGUMENT (bad maxBytes),
   * QUOTA_EXCEEDED (the chosen image is over maxBytes), CANCELLED, UNAVAILABLE (no camera).
   */
  chooseImage(choice?: { source?: ImageSource; maxBytes?: number }, options?: CallOptions): Promise<ChosenImage>;
  /** The host's QR/bar code scanner. Errors: CANCELLED, UNAVAILABLE (no camera). */
  scanCode(options?: CallOptions): Promise<ScannedCode>;
}

/** No permission: this mini-program's own versions. A staged version runs from the next launch. */
export interface UpdatesApi {
  /** The running version and the one staged for the next launch (`pending`). INTERNAL: the host's records cannot be read. */
  status(options?: CallOptions): Promise<UpdateStatus>;
  /**
   * Asks the host to look for a newer version now; one this host may run is downloaded, verified
   * and staged before this resolves. UNAVAILABLE: offline, the marketplace failed, or the host has none.
   */
  check(options?: CallOptions): Promise<UpdateStatus>;
}

/** No permission: this instance's own figures as the host measured them (a web page gets `launch` and `guestMs` null: use `window.performance`). */
export interface PerformanceApi {
  /** Never rejects (but for TIMEOUT); this call counts in `bridgeCalls`. */
  metrics(options?: CallOptions): Promise<PerformanceMetrics>;
}

/** Permission `notifications` (consent asked once). Ids and topics: 1 to 64 bytes of a-z, 0-9, `.`, `_`, `-`. */
export interface NotificationsApi {
  /** Asks the device's notification permission if not asked yet; whether notifications can show. */
  requestPermission(options?: CallOptions): Promise<boolean>;
  /** A local notification at `at` (Unix seconds, in the future: else INVALID_ARGUMENT); the same id replaces. */
  schedule(notification: { id: string; title: string; body?: string; at: number }, options?: CallOptions): Promise<null>;
  /** The partner's push messages on `topic`. */
  subscribe(topic: string, options?: CallOptions): Promise<null>;
}

export interface LogApi {
  log(level: LogLevel, message: string, options?: CallOptions): Promise<null>;
  trace(message: string, options?: CallOptions): Promise<null>;
  debug(message: string, options?: CallOptions): Promise<null>;
  info(message: string, options?: CallOptions): Promise<null>;
  warn(message: string, options?: CallOptions): Promise<null>;
  error(message: string, options?: CallOptions): Promise<null>;
}

/** The typed helpers `attachHelpers` adds. */
export interface BridgeHelpers {
  storage: StorageApi;
  auth: AuthApi;
  payment: PaymentApi;
  geolocation: GeolocationApi;
  ui: UiApi;
  device: DeviceApi;
  clipboard: ClipboardApi;
  share: ShareApi;
  haptics: HapticsApi;
  navigation: NavigationApi;
  settings: SettingsApi;
  secureStorage: SecureStorageApi;
  files: FilesApi;
  biometrics: BiometricsApi;
  notifications: NotificationsApi;
  media: MediaApi;
  updates: UpdatesApi;
  performance: PerformanceApi;
  log: LogApi;
}

// ---------------------------------------------------------------------------------------------
// Events: host → page messages `{"event": "show", "data": {}}` (web/PROTOCOL.md)

/** What an `on(name)` listener gets: the standard payload for a standard event, any JSON for a host's own. */
export type EventData<N extends string> = N extends LifecycleEventName ? LifecycleEventMap[N] : JsonValue;
/** A listener of `name` events: `(data, name)`. */
export type EventListener<N extends string = string> = (data: EventData<N>, name: N) => void;

/** Listens to every event, whatever its name. */
export const ANY_EVENT: '*';

export interface BridgeEvents {
  /**
   * Calls `listener(data, name)` for every event the host sends (including its own names),
   * in registration order. Returns a function that removes it.
   */
  on(name: typeof ANY_EVENT, listener: (data: JsonValue, name: string) => void): () => void;
  /**
   * Calls `listener(data, name)` for each `name` event the host sends: a standard event
   * (`show`, `hide`, `suspend`, `resume`, `memoryWarning`, `updateReady`: `data` typed) or a
   * host's own name (`data` any JSON). Adding the same listener twice adds it once. A listener
   * that throws is reported and the others still run. Returns a function that removes it.
   */
  on<N extends LifecycleEventName | (string & {})>(name: N, listener: EventListener<N>): () => void;
  /** Removes a listener; whether it was registered. */
  off(name: typeof ANY_EVENT, listener: (data: JsonValue, name: string) => void): boolean;
  off<N extends LifecycleEventName | (string & {})>(name: N, listener: EventListener<N>): boolean;
}

/** Adds `on`, `off` and `_dispatchEvent(name, data)` (returns how many listeners were called) to `target`. */
export function attachEvents<T extends object>(
  target: T,
  options?: { onListenerError?: (error: unknown, name: string) => void },
): T & BridgeEvents & { _dispatchEvent(name: string, data?: JsonValue): number };

/** Whether a parsed message is an event message (a string `event`, no `id`). */
export function isEventMessage(message: unknown): message is { event: string; data?: JsonValue };
/** Whether `name` is one of the standard lifecycle events. */
export function isLifecycleEvent(name: string): name is LifecycleEventName;

/** A caller with its helpers and events: what `connect()` and `createMockBridge()` return. */
export type Bridge = BridgeCaller & BridgeHelpers & BridgeEvents;

/** Adds the typed helpers to `target` (which must have `call`) and returns it. */
export function attachHelpers<T extends { call(method: string, params?: any, options?: CallOptions): Promise<any> }>(
  target: T,
): T & BridgeHelpers;

// ---------------------------------------------------------------------------------------------
// Errors

export class BridgeError extends Error {
  constructor(code: BridgeErrorCode | (string & {}), message?: string, details?: { method?: string });
  name: 'BridgeError';
  code: BridgeErrorCode | (string & {});
  /** The method of the failed call, when known. */
  method?: string;
  /** A BridgeError from a response's `error` member (anything else becomes `INTERNAL`). */
  static from(error: unknown, details?: { method?: string }): BridgeError;
  toJSON(): BridgeErrorBody;
}

// ---------------------------------------------------------------------------------------------
// Transports and the bridge

export interface Transport {
  /** Delivers one request, as JSON text, to the host. May throw (the call rejects UNAVAILABLE). */
  send(json: string): void;
  /** Registers the callback for responses (objects or JSON text). */
  onMessage?(cb: (message: unknown) => void): void;
  close?(): void;
}

export interface WebViewTransport extends Transport {
  readonly kind: 'ios' | 'android' | 'iframe';
  onMessage(cb: (message: unknown) => void): void;
  /** Hands `message` to the registered callbacks (what an iframe response does). */
  deliver(message: unknown): void;
}

export interface WebViewTransportOptions {
  /** Defaults to `globalThis.window`. */
  window?: any;
  /** For the iframe channel: the host page's origin. Default `"*"`. */
  targetOrigin?: string;
}

export function webViewTransport(options?: WebViewTransportOptions): WebViewTransport;

export interface WebSocketTransportOptions {
  /** WebSocket constructor; defaults to `globalThis.WebSocket`. */
  WebSocket?: any;
  /** First reconnect delay; doubles each failed attempt. Default 250. */
  initialDelayMs?: number;
  /** Largest reconnect delay. Default 5000. */
  maxDelayMs?: number;
  setTimeout?: (fn: () => void, ms: number) => any;
  clearTimeout?: (handle: any) => void;
}

export interface WebSocketTransport extends Transport {
  readonly kind: 'websocket';
  readonly url: string;
  /** Reconnect attempts scheduled so far. */
  readonly reconnects: number;
  /** Requests waiting for an open socket. */
  readonly queued: number;
  onMessage(cb: (message: unknown) => void): void;
  close(): void;
}

export function webSocketTransport(url: string, options?: WebSocketTransportOptions): WebSocketTransport;

export interface MiniAppBridgeOptions {
  /** Per-call timeout in ms; 0 or Infinity: none. Default 30000. */
  timeoutMs?: number;
  /** Gets what an event listener threw. Default: `reportError`, else `console.error`. */
  onListenerError?: (error: unknown, name: string) => void;
}

export const DEFAULT_TIMEOUT_MS: 30000;

export class MiniAppBridge implements BridgeCaller, BridgeHelpers, BridgeEvents {
  constructor(transport: Transport, options?: MiniAppBridgeOptions);
  readonly transport: Transport;
  readonly timeoutMs: number;
  /** Calls waiting for a response. */
  readonly pendingCount: number;

  call<M extends string>(method: M, params?: ParamsOf<M>, options?: CallOptions): Promise<ResultOf<M>>;

  storage: StorageApi;
  auth: AuthApi;
  payment: PaymentApi;
  geolocation: GeolocationApi;
  ui: UiApi;
  device: DeviceApi;
  clipboard: ClipboardApi;
  share: ShareApi;
  haptics: HapticsApi;
  navigation: NavigationApi;
  settings: SettingsApi;
  secureStorage: SecureStorageApi;
  files: FilesApi;
  biometrics: BiometricsApi;
  notifications: NotificationsApi;
  media: MediaApi;
  updates: UpdatesApi;
  performance: PerformanceApi;
  log: LogApi;

  /** Host entry point: completes request `requestId`. Returns whether it was pending. */
  _resolve(requestId: number, result: unknown): boolean;
  /** Host entry point: fails request `requestId` with `{code, message}`. */
  _reject(requestId: number, error: BridgeErrorBody | string): boolean;
  on(name: typeof ANY_EVENT, listener: (data: JsonValue, name: string) => void): () => void;
  on<N extends LifecycleEventName | (string & {})>(name: N, listener: EventListener<N>): () => void;
  off(name: typeof ANY_EVENT, listener: (data: JsonValue, name: string) => void): boolean;
  off<N extends LifecycleEventName | (string & {})>(name: N, listener: EventListener<N>): boolean;
  /** Calls the listeners of `name` (and `'*'`) with `data`; how many were called. */
  _dispatchEvent(name: string, data?: JsonValue): number;

  /**
   * Host entry point: a response or an event message (`{event, data}`, no `id`), as an object or
   * its JSON text; unknown ids are ignored. Whether a call was settled or a listener got the event.
   */
  _receive(message: unknown): boolean;
  /** Rejects every pending call with UNAVAILABLE and closes the transport. */
  close(reason?: string): void;
}

// ---------------------------------------------------------------------------------------------
// connect

export const GLOBAL_NAME: '__miniappBridge';

export interface ConnectOptions {
  window?: any;
  timeoutMs?: number;
  WebSocket?: any;
  targetOrigin?: string;
  /** Gets what an event listener threw. Default: `reportError`, else `console.error`. */
  onListenerError?: (error: unknown, name: string) => void;
}

/**
 * The page's bridge: `window.__miniappBridge` if it already holds one, else a new MiniAppBridge
 * (WebSocket transport in the simulator, WebView transport otherwise) published there.
 */
export function connect(options?: ConnectOptions): Bridge;
export default connect;

declare global {
  interface Window {
    __miniappBridge?: Bridge;
    __MINIAPP_SIMULATOR__?: boolean;
  }
}
