// Type declarations for @miniapp/component-sdk.

export type ErrorCode =
  | 'PERMISSION_DENIED'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'CANCELLED'
  | 'INTERNAL';

export const ERROR_CODES: readonly ErrorCode[];
/** The SDK's own code, for values `setJson` / `getJson` cannot turn into or out of JSON. */
export const JSON_ERROR: 'JSON';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[];
/** Strength of a short tap: the WIT `impact-style` enum. */
export type ImpactStyle = 'light' | 'medium' | 'heavy';
export const IMPACT_STYLES: readonly ImpactStyle[];
/** What a notification pattern tells: the WIT `haptic-notification` enum. */
export type HapticNotification = 'success' | 'warning' | 'error';
export const HAPTIC_NOTIFICATIONS: readonly HapticNotification[];
/** Every bridge method of the contract's table -> the SDK function (`interface.function`) that calls it. */
export const METHODS: Readonly<Record<string, string>>;

/** `memoryWarning`'s levels. */
export type MemoryLevel = 'moderate' | 'critical';
/** The payload of each standard lifecycle event (wit/lifecycle.wit), by name. */
export interface LifecycleEventMap {
  show: Record<string, never>;
  hide: Record<string, never>;
  suspend: Record<string, never>;
  resume: Record<string, never>;
  memoryWarning: { level: MemoryLevel };
  updateReady: { version: string };
}
export type LifecycleEventName = keyof LifecycleEventMap;
/** A parsed standard event: `switch (event.name)` narrows `data`. */
export type LifecycleEvent = { [N in LifecycleEventName]: { name: N; data: LifecycleEventMap[N] } }[LifecycleEventName];
export const LIFECYCLE_EVENTS: readonly LifecycleEventName[];
export const MEMORY_LEVELS: readonly MemoryLevel[];
/** A standard event whose payload does not fit. */
export class InvalidEventPayload extends Error {
  name: 'InvalidEventPayload';
  /** The event's name. */
  event: LifecycleEventName;
  reason: string;
}
/**
 * `onEvent(name, payload)` as a standard event, or `null` for another name (a host's own event).
 * Throws InvalidEventPayload for a standard name whose payload does not fit.
 */
export function parseEvent(name: string, payload: string): LifecycleEvent | null;

/** Where a declared permission stands (`settings`), as the web bridge names it. */
export type PermissionState = 'granted' | 'denied' | 'notAsked';
export const PERMISSION_STATES: readonly PermissionState[];
/** One declared permission (its manifest name); `active`: usable by this launch. */
export interface PermissionStatus {
  permission: string;
  state: PermissionState;
  active: boolean;
}

/** The one error every wrapper throws. */
export class BridgeError extends Error {
  constructor(code: ErrorCode | 'JSON' | string, message?: string, details?: { method?: string });
  readonly name: 'BridgeError';
  readonly code: ErrorCode | 'JSON' | string;
  /** The bridge method that failed, e.g. `storage.set`. */
  readonly method?: string;
  toJSON(): { code: string; message: string };
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface StorageUsage {
  usedBytes: number;
  quotaBytes: number;
}
export interface Token {
  /** The compact JWT; send it to your backend as a bearer token. */
  value: string;
  /** Seconds since the Unix epoch. */
  expiresAt: number;
  scopes: string[];
}
export interface PaymentRequest {
  /** 1 to 128 bytes; the idempotency key. */
  orderId: string;
  /** Minor units (cents), positive. */
  amountMinor: number | bigint;
  /** ISO 4217, three upper-case letters. */
  currency: string;
  description?: string;
}
export interface Receipt {
  orderId: string;
  transactionId: string;
  amountMinor: number;
  currency: string;
  paidAt: number;
}
export interface Position {
  latitude: number;
  longitude: number;
  accuracyM: number;
}
export interface DeviceInfo {
  platform: string;
  hostVersion: string;
  locale: string;
  screen: { width: number; height: number; scale: number };
}
/** How the device reaches the network: the WIT `connection` enum (`none`: offline). */
export type NetworkType = 'wifi' | 'cellular' | 'ethernet' | 'none' | 'unknown';
export type Theme = 'light' | 'dark';
export interface BatteryInfo {
  /** 0 to 100 percent. */
  level: number;
  charging: boolean;
}
/** The WIT `system-description` record. */
export interface SystemInfo {
  /** Maker, e.g. `Google`. */
  brand: string;
  /** Model, e.g. `Pixel 8`. */
  model: string;
  osVersion: string;
  theme: Theme;
  /** The user's text size relative to the default (1.0); an f32, so 1.15 arrives as 1.149999976158142. */
  fontScale: number;
}
/** Dates are `YYYY-MM-DD`; `start` and `end` bound the choice and must hold `initial`. */
export interface DateRange {
  start?: string | null;
  end?: string | null;
}
/** Where to open another mini-program: `path` (starting with `/`; absent: its start page) and `extraData` (at most 4 KiB). */
export interface MiniProgramTarget {
  path?: string | null;
  extraData?: string | null;
}

export interface Storage {
  /** Stores bytes under `key` (a string is stored as UTF-8). */
  set(key: string, value: Uint8Array | string): void;
  get(key: string): Uint8Array | undefined;
  getText(key: string): string | undefined;
  setJson(key: string, value: JsonValue): void;
  getJson<T = JsonValue>(key: string): T | undefined;
  getJson<T = JsonValue>(key: string, fallback: T): T;
  remove(key: string): boolean;
  /** Sorted by UTF-8 bytes. */
  keys(): string[];
  clear(): void;
  usage(): StorageUsage;
}
export interface Auth {
  getToken(scopes: string[]): Token;
  /** A one-time code (5 minutes) for your backend to redeem once with the host's backend. */
  loginCode(): { code: string; expiresAt: number };
  /** The user's profile once they agree; CANCELLED if they decline. */
  profile(): { nickname: string; avatarUrl: string | null };
}
export interface Payment {
  pay(request: PaymentRequest): Receipt;
  query(orderId: string): Receipt;
}
export interface Geolocation {
  currentPosition(): Position;
}
export interface Ui {
  toast(message: string): void;
  /** The chosen button's index; CANCELLED when dismissed. */
  modal(title: string, message: string, buttons: string[]): number;
  navigate(route: string): void;
  setTitle(title: string): void;
  /** 1 to 6 items of 1 to 40 bytes; the chosen item's index. CANCELLED when dismissed. */
  actionSheet(items: string[]): number;
  /** Shows a loading indicator (title 1 to 100 bytes) until `hideLoading`. */
  showLoading(title: string): void;
  hideLoading(): void;
  /** `frontColor` (title and buttons) `#ffffff` or `#000000`; `backgroundColor` `#rrggbb`. */
  setNavigationBarColor(frontColor: '#ffffff' | '#000000', backgroundColor: string): void;
  /** The chosen date, `YYYY-MM-DD`. CANCELLED when dismissed. */
  pickDate(initial: string, range?: DateRange | null): string;
}
export interface Device {
  info(): DeviceInfo;
  vibrate(millis: number): void;
  networkType(): NetworkType;
  /** UNAVAILABLE when the device has no battery (or the host cannot tell). */
  battery(): BatteryInfo;
  /** Keeps the screen on while this mini-program is in front; the host releases it when it leaves. */
  setKeepScreenOn(keepOn: boolean): void;
  systemInfo(): SystemInfo;
}
export interface Clipboard {
  readText(): string | undefined;
  writeText(text: string): void;
}
export interface Share {
  share(text: string, url?: string): void;
}
/** Permission `haptics`. Every call may be UNAVAILABLE (no haptic engine). */
export interface Haptics {
  /** A short tap (about 15 ms). */
  vibrateShort(style: ImpactStyle): void;
  /** A long vibration (about 400 ms). */
  vibrateLong(): void;
  /** The platform's pattern for a success, a warning or an error. */
  notify(kind: HapticNotification): void;
  /** The light tick of a selection changing. */
  selectionChanged(): void;
}
/** Permission `navigation`; the host asks the user before opening anything. */
export interface Navigation {
  /** Opens another mini-program once the user agrees. NOT_FOUND: no such mini-program; CANCELLED: the user declined. */
  openMiniProgram(appId: string, target?: MiniProgramTarget | null): void;
  /** Opens an http(s) URL (at most 2048 bytes) in the host's browser once the user agrees. CANCELLED: the user declined. */
  openUrl(url: string): void;
  /** Closes this mini-program after the current launch or event returns. */
  exit(): void;
}
/** No permission: this mini-program's own declared permissions, asking again, the host's settings page. */
export interface Settings {
  permissions(): PermissionStatus[];
  /** Asks the user again (at most once per launch); a "yes" is active from the next launch. INVALID_ARGUMENT: not declared. */
  request(permission: string): PermissionStatus;
  /** UNAVAILABLE: the host has no settings page. */
  openHostSettings(): void;
}
/** Permission `storage`: small secrets in the host's keystore. */
export interface SecureStorage {
  /** Key 1 to 128 bytes without control characters, value at most 4096 bytes; QUOTA_EXCEEDED past 64 keys. */
  set(key: string, value: string): void;
  get(key: string): string | undefined;
  remove(key: string): boolean;
}
/** One file of the sandbox. */
export interface FileInfo {
  path: string;
  size: number;
  /** Unix seconds. */
  modifiedAt: number;
}
/** Permission `storage`: text files in the app's sandbox, on the storage quota. */
export interface Files {
  write(path: string, data: string): void;
  /** NOT_FOUND if there is no such file. */
  read(path: string): string;
  list(dir?: string): FileInfo[];
  stat(path: string): FileInfo;
  remove(path: string): boolean;
}
/** The image the user chose: the encoded file's bytes (PNG, JPEG, ...), size in pixels. */
export interface Image {
  mimeType: string;
  data: Uint8Array;
  width: number;
  height: number;
}
export interface ScannedCode {
  text: string;
  /** `qr`, `ean-13`, `code-128`, ... */
  format: string;
}
export type ImageSource = 'camera' | 'album';
export const IMAGE_SOURCES: readonly ImageSource[];
/** 4 MiB: the largest image, and `chooseImage`'s default `maxBytes`. */
export const IMAGE_BYTES: number;
/** Permission `camera` (consent asked once): the host's image picker and code scanner. */
export interface Media {
  /** QUOTA_EXCEEDED if the chosen image is over `maxBytes`; CANCELLED; UNAVAILABLE without a camera. */
  chooseImage(choice?: { source?: ImageSource; maxBytes?: number }): Image;
  scanCode(): ScannedCode;
}
/** No permission: this mini-program's own versions. A staged version runs from the next launch. */
export interface UpdateStatus {
  current: string;
  pending: string | null;
}
export interface Updates {
  status(): UpdateStatus;
  /** Asks the host to look for a newer version now (staged before this returns); UNAVAILABLE. */
  check(): UpdateStatus;
}
/** This instance's launch, in milliseconds (`onLaunchMs` null while `on-launch` runs). */
export interface LaunchMetrics {
  loadMs: number;
  linkMs: number;
  instantiateMs: number;
  onLaunchMs: number | null;
}
/** No permission: this instance's own figures, as the host measured them. */
export interface Performance {
  metrics(): { launch: LaunchMetrics | null; bridgeCalls: number; bridgeHostMs: number; guestMs: number | null };
}
/** Permission `notifications` (consent asked once). */
export interface Notifications {
  requestPermission(): boolean;
  /** `at`: Unix seconds, in the future (else INVALID_ARGUMENT). */
  schedule(notification: { id: string; title: string; body?: string; at: number }): void;
  subscribe(topic: string): void;
}
/** Permission `biometrics` (consent asked once). */
export interface Biometrics {
  /** CANCELLED if cancelled or not recognised; UNAVAILABLE without a sensor. */
  authenticate(reason: string): void;
}
export interface Log {
  log(level: LogLevel, message: string): void;
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The component imports, as `import * as storage from 'miniapp:bridge/storage@0.1.0'` gives them. */
export interface ComponentImports {
  storage?: {
    set(key: string, value: Uint8Array): void;
    get(key: string): Uint8Array | undefined;
    remove(key: string): boolean;
    keys(): string[];
    clear(): void;
    usage(): { usedBytes: bigint; quotaBytes: bigint };
  };
  auth?: {
    getToken(scopes: string[]): { value: string; expiresAt: bigint; scopes: string[] };
    loginCode(): { code: string; expiresAt: bigint };
    profile(): { nickname: string; avatarUrl: string | undefined };
  };
  payment?: {
    pay(request: { orderId: string; amountMinor: bigint; currency: string; description: string }): ComponentReceipt;
    query(orderId: string): ComponentReceipt;
  };
  geolocation?: { currentPosition(): Position };
  ui?: {
    toast(message: string): void;
    modal(title: string, message: string, buttons: string[]): number;
    navigate(route: string): void;
    setTitle(title: string): void;
    actionSheet(items: string[]): number;
    showLoading(title: string): void;
    hideLoading(): void;
    setNavigationBarColor(front: string, background: string): void;
    pickDate(initial: string, start: string | undefined, end: string | undefined): string;
  };
  device?: {
    info(): DeviceInfo;
    vibrate(millis: number): void;
    networkType(): NetworkType;
    battery(): BatteryInfo;
    setKeepScreenOn(keepOn: boolean): void;
    systemInfo(): SystemInfo;
  };
  clipboard?: Clipboard;
  share?: { share(text: string, url: string | undefined): void };
  haptics?: {
    vibrateShort(style: ImpactStyle): void;
    vibrateLong(): void;
    notify(kind: HapticNotification): void;
    selectionChanged(): void;
  };
  navigation?: {
    openMiniProgram(appId: string, path: string | undefined, extraData: string | undefined): void;
    openUrl(url: string): void;
    exit(): void;
  };
  settings?: {
    permissions(): { permission: string; state: 'granted' | 'denied' | 'not-asked'; active: boolean }[];
    request(permission: string): { permission: string; state: 'granted' | 'denied' | 'not-asked'; active: boolean };
    openHostSettings(): void;
  };
  secureStorage?: SecureStorage;
  files?: {
    write(path: string, data: string): void;
    read(path: string): string;
    list(dir: string): { path: string; size: bigint; modifiedAt: bigint }[];
    stat(path: string): { path: string; size: bigint; modifiedAt: bigint };
    remove(path: string): boolean;
  };
  biometrics?: Biometrics;
  notifications?: {
    requestPermission(): boolean;
    schedule(id: string, title: string, body: string, at: bigint): void;
    subscribe(topic: string): void;
  };
  media?: {
    chooseImage(source: ImageSource, maxBytes: number): Image;
    scanCode(): ScannedCode;
  };
  updates?: {
    status(): { current: string; pending?: string };
    check(): { current: string; pending?: string };
  };
  performance?: {
    metrics(): {
      launch?: { loadMs: number; linkMs: number; instantiateMs: number; onLaunchMs?: number };
      bridgeCalls: bigint;
      bridgeHostMs: number;
      guestMs?: number;
    };
  };
  log?: { log(level: LogLevel, message: string): void };
}
export interface ComponentReceipt {
  orderId: string;
  transactionId: string;
  amountMinor: bigint;
  currency: string;
  paidAt: bigint;
}

/** The wrappers of the imports passed; using another one throws, naming the import and world to use. */
export interface Bridge {
  readonly storage: Storage;
  readonly auth: Auth;
  readonly payment: Payment;
  readonly geolocation: Geolocation;
  readonly ui: Ui;
  readonly device: Device;
  readonly clipboard: Clipboard;
  readonly share: Share;
  readonly haptics: Haptics;
  readonly navigation: Navigation;
  readonly settings: Settings;
  readonly secureStorage: SecureStorage;
  readonly files: Files;
  readonly biometrics: Biometrics;
  readonly notifications: Notifications;
  readonly media: Media;
  readonly updates: Updates;
  readonly performance: Performance;
  readonly log: Log;
}

export function createBridge(imports: ComponentImports): Bridge;
