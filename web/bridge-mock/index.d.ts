// Type declarations for mini-program-bridge-mock.

import type {
  Bridge,
  BatteryInfo,
  ChosenImage,
  ScannedCode,
  BridgeErrorBody,
  DeviceInfo,
  NetworkType,
  SystemInfo,
  JsonValue,
  LogLevel,
  Permission,
  Position,
  HapticNotification,
  ImpactStyle,
  Receipt,
  Token,
  EventData,
  LifecycleEventName,
} from '@miniapp/bridge';

export { BridgeError } from '@miniapp/bridge';

/** A modal answer: the chosen button's index, or `"cancel"` (the call rejects CANCELLED). */
export type ModalAnswer = number | 'cancel';
export type PaymentOutcome = 'success' | 'cancel' | 'unavailable';
export type ShareOutcome = 'success' | 'cancel';

/**
 * Canned host answers. A queue (array) is consumed one entry per call, then the default applies;
 * a single value answers every call.
 */
export interface MockFixtures {
  /** `geolocation.currentPosition`; `"unavailable"` or `null`: UNAVAILABLE. Default DEFAULT_POSITION. */
  position?: Position | 'unavailable' | null;
  /** `device.info`. Default DEFAULT_DEVICE_INFO. */
  deviceInfo?: DeviceInfo;
  /** `device.networkType`. Default "wifi". */
  networkType?: NetworkType;
  /** `device.battery`; `"unavailable"` or `null`: UNAVAILABLE. Default DEFAULT_BATTERY. */
  battery?: BatteryInfo | 'unavailable' | null;
  /** `device.systemInfo`. Default DEFAULT_SYSTEM_INFO. */
  systemInfo?: SystemInfo;
  /** Initial clipboard text (`null`: no text). Default null. */
  clipboard?: string | null;
  /** `ui.modal` answers. Default 0 (the first button). */
  modal?: ModalAnswer | ModalAnswer[];
  /** `ui.actionSheet` answers: an item index or `"cancel"`. Default 0 (the first item). */
  actionSheet?: ModalAnswer | ModalAnswer[];
  /** `ui.pickDate` answers: a date `YYYY-MM-DD` or `"cancel"`. Default: the initial date. */
  date?: string | string[];
  /** `payment.pay` outcomes. Default "success". A repeated orderId returns its receipt without consuming one. */
  payment?: PaymentOutcome | PaymentOutcome[];
  /** `share.share` outcomes. Default "success". */
  share?: ShareOutcome | ShareOutcome[];
  /** The haptic engine: `"unavailable"` makes every `haptics.*` call reject UNAVAILABLE. Default "available". */
  haptics?: 'available' | 'unavailable';
  /** Mini-programs `navigation.openMiniProgram` may open; any other id is NOT_FOUND. Default none. */
  knownApps?: string[];
  /** The user's answer when asked to open another mini-program or a URL. Default "agree". */
  leave?: 'agree' | 'decline' | ('agree' | 'decline')[];
  /** Declared but not granted (the user said no, or the host withholds it): `settings.permissions` reports them denied. */
  declined?: Permission[];
  /** Declared sensitive permissions the user was not asked about yet (`notAsked`). */
  notAsked?: Permission[];
  /** The user's answer when `settings.request` asks again. Default "agree". */
  consent?: 'agree' | 'decline' | ('agree' | 'decline')[];
  /** The host's settings page: `"unavailable"` makes `settings.openHostSettings` reject UNAVAILABLE. Default "available". */
  settingsPage?: 'available' | 'unavailable';
  /** `"off"`: the user turned notifications off (requestPermission answers false, schedule rejects UNAVAILABLE). Default "on". */
  notifications?: 'on' | 'off';
  /** How biometric prompts end. Default "recognised". */
  biometrics?: BiometricOutcome | BiometricOutcome[];
  /** `"unavailable"`: no camera (`media.scanCode` and `media.chooseImage` from the camera reject UNAVAILABLE). Default "available". */
  camera?: 'available' | 'unavailable';
  /** What image pickers return (`data` base64; over `maxBytes`: QUOTA_EXCEEDED). Default DEFAULT_IMAGE. */
  images?: ImageAnswer | ImageAnswer[];
  /** The running version `updates.status` reports (default "1.0.0"). */
  version?: string;
  /** What `updates.check` finds: a version (staged), "none" (default) or "unavailable" (no marketplace). */
  update?: UpdateAnswer | UpdateAnswer[];
  /** What code scanners read. Default DEFAULT_SCAN. */
  scans?: ScanAnswer | ScanAnswer[];
  /** The user's answers to the profile sheet (`auth.profile`). Default "agree". */
  profile?: 'agree' | 'decline' | ('agree' | 'decline')[];
  /** `false`: nobody is signed in (`auth.loginCode` and `auth.profile` reject UNAVAILABLE). Default true. */
  signedIn?: boolean;
  /** The host's keystore: `"unavailable"` makes every `secureStorage.*` call reject UNAVAILABLE. Default "available". */
  keystore?: 'available' | 'unavailable';
  /** Initial storage, `{key: value}`; counts against the quota. */
  storage?: Record<string, JsonValue>;
  /**
   * Forced failures by method, applied after the permission and argument checks (so they never
   * mask a bad argument): an error code, or `{code, message}`. E.g. `{"auth.getToken": "UNAVAILABLE"}`.
   */
  errors?: Partial<Record<string, string | BridgeErrorBody>>;
}

export type BiometricOutcome = 'recognised' | 'cancel' | 'unavailable';
/** The image the user chooses, or `"cancel"` (the call rejects CANCELLED). */
export type ImageAnswer = ChosenImage | 'cancel';
export type UpdateAnswer = string | 'none' | 'unavailable';
/** The code the scanner reads, or `"cancel"` (the call rejects CANCELLED). */
export type ScanAnswer = ScannedCode | 'cancel';

export interface MockOptions {
  /** The mini-program id: the `aud` of tokens. Default DEFAULT_APP_ID. */
  appId?: string;
  /** The `sub` of tokens. Default "mock-user". */
  userId?: string;
  /** Granted permissions. Default: all of them. Pass your manifest's list to catch a missing one. */
  permissions?: Permission[];
  /** Scopes `auth.getToken` may grant. Default: any requested scope. */
  allowedScopes?: string[];
  /** Storage quota in bytes (key bytes + value JSON bytes). Default DEFAULT_QUOTA_BYTES (5 MiB). */
  quotaBytes?: number;
  fixtures?: MockFixtures;
  /** Clock for `paidAt` and token times, ms since the epoch. Default Date.now. */
  now?: () => number;
  /** Gets what an event listener threw during `emit`. Default: `reportError`, else `console.error`. */
  onListenerError?: (error: unknown, name: string) => void;
}

export type CallOutcome = { result: JsonValue } | { error: BridgeErrorBody };

export interface CallRecord {
  method: string;
  /** The params as the host would see them (after the JSON round trip). */
  params: JsonValue;
  outcome: CallOutcome;
  durationMs: number;
}

/** One recorded call, e.g. exported from the Bridge Inspector. */
export type RecordingEntry = { method: string; params?: JsonValue } & (
  | { result?: JsonValue; error?: undefined | null }
  | { error: BridgeErrorBody; result?: undefined }
);

export interface ReplayOptions {
  /** Also require each call's params to equal the recorded ones (key order ignored). Default false. */
  matchParams?: boolean;
}

/** What the mock remembers; read it in assertions. */
export interface MockState {
  /** key -> the value's JSON text. */
  storage: Map<string, string>;
  usedBytes: number;
  /** orderId -> receipt of the payments made. */
  receipts: Map<string, Receipt>;
  clipboard: string | null;
  title: string | null;
  route: string | null;
  /** The loading indicator's title while it shows, else null. */
  loading: string | null;
  actionSheets: { items: string[]; answer: ModalAnswer }[];
  barColors: { frontColor: string; backgroundColor: string }[];
  datePickers: { initial: string; start: string | null; end: string | null; answer: string }[];
  /** The last `device.setKeepScreenOn`. */
  keepScreenOn: boolean;
  toasts: string[];
  modals: { title: string; message: string; buttons: string[]; answer: ModalAnswer }[];
  navigations: string[];
  vibrations: number[];
  shares: { text: string; url?: string }[];
  /** Mini-programs and URLs opened, and exits, in order. */
  opened: ({ appId: string; path: string | null; extraData: string | null } | { url: string } | { exit: true })[];
  /** Haptic effects played, in order. */
  haptics: (
    | { effect: 'short'; style: ImpactStyle }
    | { effect: 'long' }
    | { effect: 'notification'; kind: HapticNotification }
    | { effect: 'selection' }
  )[];
  /** Answers given to `settings.request` (active from the next launch, never in this mock's grants). */
  answers: Map<Permission, boolean>;
  /** Permissions `settings.request` asked the user about, in order. */
  consentRequests: Permission[];
  /** How many times `settings.openHostSettings` opened the page. */
  settingsOpened: number;
  /** Local notifications scheduled: id -> {title, body, at}. */
  notifications: Map<string, { title: string; body: string; at: number }>;
  /** Push topics subscribed to, in order. */
  topics: string[];
  /** Reasons shown on biometric prompts, in order. */
  biometricPrompts: string[];
  /** How many times `updates.check` asked the host. */
  updateChecks: number;
  /** The version an `updates.check` staged, if any. */
  staged: string | null;
  /** What `media` showed, in order. */
  mediaShown: ('camera' | 'album' | 'scanner')[];
  /** Login codes minted (`auth.loginCode`), in order. */
  loginCodes: { code: string; expiresAt: number }[];
  /** The app's files (`files`): path -> content and last write (seconds); on the storage quota. */
  files: Map<string, { data: string; modifiedAt: number }>;
  /** The keystore's content (`secureStorage`): key -> value. */
  secrets: Map<string, string>;
  /** Messages truncated to 4 KiB, as the host does. */
  logs: { level: LogLevel; message: string }[];
  tokens: Token[];
}

export interface MockBridge extends Bridge {
  readonly appId: string;
  readonly state: MockState;
  /** Every call, in order, including rejected ones. */
  readonly calls: CallRecord[];
  /** The live fixtures (copies of the options'); assign (or push to a queue) to script later answers. */
  readonly fixtures: MockFixtures;
  /** Granted permissions, sorted. */
  readonly permissions: Permission[];
  grant(permission: Permission): this;
  revoke(permission: Permission): this;

  /** `call` without the promise: the result, or a thrown BridgeError (for synchronous bridges). */
  callSync<T = JsonValue>(method: string, params?: JsonValue): T;

  /** Answers the following calls from `recording` (array or its JSON text), in order. */
  replay(recording: RecordingEntry[] | string, options?: ReplayOptions): this;
  readonly replaying: boolean;
  /** Throws unless every recorded call was made, in order, and none diverged. */
  assertReplayComplete(): void;
  stopReplay(): this;
  /** The calls so far as a recording. */
  recording(): RecordingEntry[];

  /**
   * Simulates the host sending an event to the page: calls the `on(name)` and `on('*')`
   * listeners with `data` (default `{}`) and returns how many. A standard event's data must be
   * its payload (TypeError otherwise); a host's own name takes any JSON object.
   */
  emit<N extends LifecycleEventName | (string & {})>(name: N, data?: EventData<N>): number;
  /** The events `emit` sent, in order. */
  readonly events: { event: string; data: JsonValue }[];

  /** Stored values, parsed, keys sorted. */
  storageSnapshot(): Record<string, JsonValue>;
  /** Empties storage, payments, UI effects and the calls and events logs (listeners stay). */
  reset(): this;
  /** Sets `target.__miniappBridge` (default globalThis) so `connect()` returns this mock; returns an undo function. */
  install(target?: object): () => void;
}

export function createMockBridge(options?: MockOptions): MockBridge;
export default createMockBridge;

/** Parses a mock token `header.claims.mock`. */
export function decodeMockToken(value: string): {
  header: { alg: 'none'; typ: 'JWT' };
  claims: { iss: string; sub: string; aud: string; scope: string; iat: number; exp: number; jti: string };
  signature: 'mock';
};

export const DEFAULT_QUOTA_BYTES: number;
export const DEFAULT_APP_ID: string;
export const DEFAULT_POSITION: Readonly<Position>;
export const DEFAULT_DEVICE_INFO: Readonly<DeviceInfo>;
export const DEFAULT_BATTERY: Readonly<BatteryInfo>;
export const DEFAULT_SYSTEM_INFO: Readonly<SystemInfo>;
/** A 1×1 PNG, base64: what the image picker returns unless `fixtures.images` says otherwise. */
export const DEFAULT_IMAGE: Readonly<ChosenImage>;
/** `{text: "https://example.com/miniapp", format: "qr"}`: what the scanner reads by default. */
export const DEFAULT_SCAN: Readonly<ScannedCode>;
