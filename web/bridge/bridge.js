// MiniAppBridge: request ids, the pending map, timeouts, and the entry points the host calls.

import { BridgeError } from './errors.js';
import { attachEvents, isEventMessage } from './events.js';
import { attachHelpers } from './helpers.js';
import { TIMEOUT } from './protocol.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

export class MiniAppBridge {
  /**
   * @param {{send(json: string): void, onMessage?(cb: (message: unknown) => void): void}} transport
   * @param {{timeoutMs?: number, onListenerError?: (error: unknown, name: string) => void}} [options]
   *   `timeoutMs`: per call; 0 or Infinity = no timeout. `onListenerError`: gets what an event
   *   listener threw (default: `reportError`, else `console.error`).
   */
  constructor(transport, { timeoutMs = DEFAULT_TIMEOUT_MS, onListenerError } = {}) {
    if (!transport || typeof transport.send !== 'function') {
      throw new TypeError('MiniAppBridge: transport must have a send(jsonString) function');
    }
    checkTimeout(timeoutMs);
    this.transport = transport;
    this.timeoutMs = timeoutMs;
    this._nextId = 1;
    /** @type {Map<number, {method: string, resolve: Function, reject: Function, timer: any}>} */
    this._pending = new Map();
    attachEvents(this, { onListenerError });
    if (typeof transport.onMessage === 'function') {
      transport.onMessage((message) => this._receive(message));
    }
    attachHelpers(this);
  }

  /** Number of calls waiting for a response. */
  get pendingCount() {
    return this._pending.size;
  }

  /**
   * Sends `{id, method, params}` and settles with the host's `result` or a BridgeError.
   * @param {string} method
   * @param {object} [params]
   * @param {{timeoutMs?: number}} [options]
   */
  call(method, params = {}, options = {}) {
    if (typeof method !== 'string' || method === '') {
      return Promise.reject(new BridgeError('BAD_REQUEST', 'method must be a non-empty string'));
    }
    const timeoutMs = options?.timeoutMs ?? this.timeoutMs;
    try {
      checkTimeout(timeoutMs);
    } catch (e) {
      return Promise.reject(e);
    }
    const id = this._nextId++;
    let json;
    try {
      json = JSON.stringify({ id, method, params: params ?? {} });
    } catch (e) {
      return Promise.reject(
        new BridgeError('INVALID_ARGUMENT', `params are not JSON-serializable: ${e.message}`, { method }),
      );
    }
    return new Promise((resolve, reject) => {
      const entry = { method, resolve, reject, timer: null };
      this._pending.set(id, entry);
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        entry.timer = setTimeout(() => {
          this._settle(id, null, new BridgeError(TIMEOUT, `${method} got no response within ${timeoutMs} ms`, { method }));
        }, timeoutMs);
      }
      try {
        this.transport.send(json);
      } catch (e) {
        this._settle(id, null, new BridgeError('UNAVAILABLE', `transport failed to send: ${e?.message ?? e}`, { method }));
      }
    });
  }

  /** Host entry point: completes request `requestId` with `result`. Returns whether it was pending. */
  _resolve(requestId, result) {
    return this._settle(Number(requestId), { result: result === undefined ? null : result }, null);
  }

  /** Host entry point: fails request `requestId` with `error` (`{code, message}`). */
  _reject(requestId, error) {
    const entry = this._pending.get(Number(requestId));
    return this._settle(Number(requestId), null, BridgeError.from(error, { method: entry?.method }));
  }

  /**
   * Host entry point: a whole response or event message, as an object or its JSON text. Routes a
   * response by `id`; responses for unknown (or already settled / timed-out) ids and unparsable
   * input are ignored. An event message (`{event, data}`, no `id`) goes to the `on(event)`
   * listeners. Returns whether a pending call was settled or a listener got the event.
   */
  _receive(response) {
    let msg = response;
    if (typeof msg === 'string') {
      try {
        msg = JSON.parse(msg);
      } catch {
        return false;
      }
    }
    if (isEventMessage(msg)) return this._dispatchEvent(msg.event, msg.data ?? {}) > 0;
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return false;
    const id = msg.id;
    if (typeof id !== 'number' || !this._pending.has(id)) return false;
    if (msg.error !== undefined && msg.error !== null) return this._reject(id, msg.error);
    if ('result' in msg) return this._resolve(id, msg.result);
    const method = this._pending.get(id).method;
    return this._settle(id, null, new BridgeError('INTERNAL', 'malformed response: neither result nor error', { method }));
  }

  /** Rejects every pending call with UNAVAILABLE and stops their timers. */
  close(reason = 'bridge closed') {
    for (const id of [...this._pending.keys()]) {
      const { method } = this._pending.get(id);
      this._settle(id, null, new BridgeError('UNAVAILABLE', reason, { method }));
    }
    if (typeof this.transport.close === 'function') this.transport.close();
  }

  _settle(id, ok, error) {
    const entry = this._pending.get(id);
    if (!entry) return false;
    this._pending.delete(id);
    if (entry.timer !== null) clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(ok.result);
    return true;
  }
}

function checkTimeout(timeoutMs) {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new TypeError('timeoutMs must be a number >= 0 (0 or Infinity: no timeout)');
  }
}
