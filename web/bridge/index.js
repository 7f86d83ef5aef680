// @miniapp/bridge: the page side of the mini-program JSON bridge.

import { MiniAppBridge } from './bridge.js';
import { webSocketTransport, webViewTransport } from './transports.js';

export { MiniAppBridge, DEFAULT_TIMEOUT_MS } from './bridge.js';
export { BridgeError } from './errors.js';
export { attachEvents, isEventMessage, isLifecycleEvent, ANY_EVENT } from './events.js';
export { attachHelpers } from './helpers.js';
export { webViewTransport, webSocketTransport } from './transports.js';
export * from './protocol.js';

/** Name of the global the host calls (`window.__miniappBridge._receive(...)`). */
export const GLOBAL_NAME = '__miniappBridge';

/**
 * Returns the page's bridge, creating it on first use and publishing it as
 * `window.__miniappBridge` so the host can answer. If that global already holds an object with a
 * `call` function (an earlier `connect()`, or a mock a test installed), that object is returned.
 *
 * Transport: the simulator's WebSocket (`ws(s)://<host>:<port>/__bridge`) when `location.port` is
 * set and `window.__MINIAPP_SIMULATOR__ === true`; otherwise the WebView transport.
 *
 * @param {{window?: any, timeoutMs?: number, WebSocket?: any, targetOrigin?: string,
 *          onListenerError?: (error: unknown, name: string) => void}} [options]
 */
export default function connect(options = {}) {
  const win = options.window ?? globalThis.window ?? globalThis;
  const existing = win[GLOBAL_NAME];
  if (existing && typeof existing.call === 'function') return existing;

  const location = win.location;
  let transport;
  if (location && location.port && win.__MINIAPP_SIMULATOR__ === true) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    transport = webSocketTransport(`${scheme}//${location.hostname}:${location.port}/__bridge`, {
      WebSocket: options.WebSocket ?? win.WebSocket ?? globalThis.WebSocket,
    });
  } else {
    transport = webViewTransport({ window: win, targetOrigin: options.targetOrigin });
  }
  const bridge = new MiniAppBridge(transport, { timeoutMs: options.timeoutMs, onListenerError: options.onListenerError });
  win[GLOBAL_NAME] = bridge;
  return bridge;
}

export { connect };
