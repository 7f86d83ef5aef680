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
/** Every bridge method of the contract's table -> the SDK function (`interface.function`) that calls it. */
export const METHODS: Readonly<Record<string, string>>;

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
}
export interface Device {
  info(): DeviceInfo;
  vibrate(millis: number): void;
}
export interface Clipboard {
  readText(): string | undefined;
  writeText(text: string): void;
}
export interface Share {
  share(text: string, url?: string): void;
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
  auth?: { getToken(scopes: string[]): { value: string; expiresAt: bigint; scopes: string[] } };
  payment?: {
    pay(request: { orderId: string; amountMinor: bigint; currency: string; description: string }): ComponentReceipt;
    query(orderId: string): ComponentReceipt;
  };
  geolocation?: { currentPosition(): Position };
  ui?: Ui;
  device?: Device;
  clipboard?: Clipboard;
  share?: { share(text: string, url: string | undefined): void };
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
  readonly log: Log;
}

export function createBridge(imports: ComponentImports): Bridge;
