// Transports: how request JSON reaches the host and responses come back.
// A transport is `{ send(jsonString), onMessage(cb) }` (+ optional `close()`).

import { BridgeError } from './errors.js';

/**
 * The WebView transport. Sends through whichever native channel exists, in this order:
 * iOS `window.webkit.messageHandlers.miniapp.postMessage`, Android `window.MiniAppNative.postMessage`,
 * or, inside an iframe, `window.parent.postMessage`. Native hosts answer by calling
 * `window.__miniappBridge._receive(...)` / `_resolve(...)` / `_reject(...)` (see `connect()`);
 * an iframe host answers with `postMessage` to the frame, which this transport listens for.
 *
 * @param {{window?: any, targetOrigin?: string}} [options] `targetOrigin`: for the iframe channel,
 *   the host page's origin; requests are posted only to it and responses only accepted from it.
 *   Default `"*"` (any origin; responses are still only accepted from `window.parent`).
 */
export function webViewTransport({ window: win = globalThis.window ?? globalThis, targetOrigin = '*' } = {}) {
  const listeners = [];
  const deliver = (message) => {
    for (const cb of listeners) cb(message);
  };

  const ios = win?.webkit?.messageHandlers?.miniapp;
  if (ios && typeof ios.postMessage === 'function') {
    return { kind: 'ios', send: (json) => ios.postMessage(json), onMessage: (cb) => void listeners.push(cb), deliver };
  }
  const android = win?.MiniAppNative;
  if (android && typeof android.postMessage === 'function') {
    return { kind: 'android', send: (json) => android.postMessage(json), onMessage: (cb) => void listeners.push(cb), deliver };
  }
  const parent = win?.parent;
  if (parent && parent !== win && typeof parent.postMessage === 'function') {
    const onWindowMessage = (event) => {
      if (event.source !== parent) return;
      if (targetOrigin !== '*' && event.origin !== targetOrigin) return;
      deliver(event.data);
    };
    let listening = false;
    return {
      kind: 'iframe',
      send: (json) => parent.postMessage(json, targetOrigin),
      onMessage: (cb) => {
        listeners.push(cb);
        if (!listening && typeof win.addEventListener === 'function') {
          win.addEventListener('message', onWindowMessage);
          listening = true;
        }
      },
      close: () => {
        if (listening) win.removeEventListener?.('message', onWindowMessage);
        listening = false;
      },
      deliver,
    };
  }
  throw new BridgeError(
    'UNAVAILABLE',
    'no native bridge: none of window.webkit.messageHandlers.miniapp, window.MiniAppNative or a parent frame exists',
  );
}

/**
 * The simulator's WebSocket transport (`ws://localhost:8080/__bridge`). Sends made before the
 * socket is open, or while it reconnects, are queued and flushed in order once it opens. After a
 * close it reconnects with exponential backoff (`initialDelayMs`, doubling, capped at
 * `maxDelayMs`; reset after a successful open). Requests in flight when a socket drops are not
 * resent: they settle by timeout.
 *
 * @param {string} url
 * @param {{WebSocket?: any, initialDelayMs?: number, maxDelayMs?: number,
 *          setTimeout?: Function, clearTimeout?: Function}} [options]
 */
export function webSocketTransport(url, options = {}) {
  const {
    WebSocket: WS = globalThis.WebSocket,
    initialDelayMs = 250,
    maxDelayMs = 5_000,
    setTimeout: setTimer = globalThis.setTimeout.bind(globalThis),
    clearTimeout: clearTimer = globalThis.clearTimeout.bind(globalThis),
  } = options;
  if (typeof WS !== 'function') {
    throw new BridgeError('UNAVAILABLE', 'no WebSocket implementation available');
  }
  const OPEN = typeof WS.OPEN === 'number' ? WS.OPEN : 1;
  const queue = [];
  const listeners = [];
  let socket = null;
  let attempt = 0;
  let timer = null;
  let closed = false;

  const flush = () => {
    while (queue.length > 0 && socket && socket.readyState === OPEN) {
      socket.send(queue[0]);
      queue.shift();
    }
  };

  const open = () => {
    timer = null;
    if (closed) return;
    const ws = new WS(url);
    socket = ws;
    ws.onopen = () => {
      if (ws !== socket) return;
      attempt = 0;
      flush();
    };
    ws.onmessage = (event) => {
      if (ws !== socket) return;
      for (const cb of listeners) cb(event.data);
    };
    ws.onerror = () => {}; // a close event follows
    ws.onclose = () => {
      if (ws !== socket || closed) return;
      socket = null;
      const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
      attempt += 1;
      transport.reconnects += 1;
      timer = setTimer(open, delay);
    };
  };

  const transport = {
    kind: 'websocket',
    url,
    reconnects: 0,
    /** Messages waiting for an open socket. */
    get queued() {
      return queue.length;
    },
    send(json) {
      if (closed) throw new BridgeError('UNAVAILABLE', 'transport closed');
      queue.push(json);
      try {
        flush();
      } catch {
        // the message stays queued; the socket's close event triggers a reconnect
      }
    },
    onMessage(cb) {
      listeners.push(cb);
    },
    close() {
      closed = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
      if (socket) socket.close();
      socket = null;
    },
  };
  open();
  return transport;
}
