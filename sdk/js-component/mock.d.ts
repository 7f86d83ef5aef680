// Type declarations for @miniapp/component-sdk/mock.

import type { Bridge, ComponentImports } from './index.js';

/** Anything with a synchronous call: mini-program-bridge-mock's `createMockBridge()` result. */
export interface SyncBridge {
  callSync(method: string, params?: unknown): unknown;
}

export type InterfaceName = keyof ComponentImports;

/** The component imports answered by `bridge`; only `interfaces` when given (a world's). */
export function componentImports(bridge: SyncBridge, interfaces?: InterfaceName[]): ComponentImports;

/** `createBridge(componentImports(bridge, interfaces))`. */
export function mockBridge(bridge: SyncBridge, interfaces?: InterfaceName[]): Bridge;
