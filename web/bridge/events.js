// Host → page events: `{"event": "show", "data": {}}` messages (no `id`), handed to the listeners
// registered with `on(name, listener)`. The real bridge and the mock both get `on`/`off` from here.

import { LIFECYCLE_EVENTS } from './protocol.js';

/** Listens to every event, whatever its name (`listener(data, name)`). */
export const ANY_EVENT = '*';

/** Reports a listener's exception without stopping the others: like an uncaught error in a page. */
function defaultReport(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error('@miniapp/bridge: an event listener threw', error);
}

/**
 * Whether `message` (already parsed) is an event message: an object with a string `event` and no
 * `id`. Responses carry an `id`; an event never does.
 */
export function isEventMessage(message) {
  return (
    message !== null &&
    typeof message === 'object' &&
    !Array.isArray(message) &&
    typeof message.event === 'string' &&
    message.event !== '' &&
    !('id' in message)
  );
}

/**
 * Adds `on(name, listener)`, `off(name, listener)` and `_dispatchEvent(name, data)` to `target`
 * and returns it. `name` is a standard event (`LIFECYCLE_EVENTS`), a host's own event name, or
 * `'*'` for every event. A listener gets `(data, name)`; one that throws is reported
 * (`options.onListenerError`, default `reportError` / `console.error`) and the others still run.
 *
 * @param {object} target
 * @param {{onListenerError?: (error: unknown, name: string) => void}} [options]
 */
export function attachEvents(target, { onListenerError } = {}) {
  /** @type {Map<string, Set<Function>>} */
  const listeners = new Map();
  const report = onListenerError ?? defaultReport;

  target.on = (name, listener) => {
    if (typeof name !== 'string' || name === '') throw new TypeError('on: name must be a non-empty string');
    if (typeof listener !== 'function') throw new TypeError('on: listener must be a function');
    if (!listeners.has(name)) listeners.set(name, new Set());
    listeners.get(name).add(listener);
    return () => target.off(name, listener);
  };

  target.off = (name, listener) => {
    const set = listeners.get(name);
    if (!set || !set.delete(listener)) return false;
    if (set.size === 0) listeners.delete(name);
    return true;
  };

  /** Calls the listeners of `name`, then the `'*'` ones; returns how many were called. */
  target._dispatchEvent = (name, data = {}) => {
    // A snapshot: a listener that adds or removes listeners changes the next event, not this one.
    const chosen = [...(listeners.get(name) ?? []), ...(name === ANY_EVENT ? [] : listeners.get(ANY_EVENT) ?? [])];
    for (const listener of chosen) {
      try {
        listener(data, name);
      } catch (error) {
        try {
          report(error, name);
        } catch {
          // a failing reporter must not break the host's call either
        }
      }
    }
    return chosen.length;
  };

  return target;
}

/** Whether `name` is one of the standard lifecycle events. */
export function isLifecycleEvent(name) {
  return LIFECYCLE_EVENTS.includes(name);
}
