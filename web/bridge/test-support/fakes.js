// Test doubles shared by the bridge tests (not a test file itself: no `.test.js`).

/** A transport that records what is sent and lets the test push responses. */
export function fakeTransport() {
  const raw = [];
  const listeners = [];
  return {
    raw,
    get sent() {
      return raw.map((json) => JSON.parse(json));
    },
    get last() {
      return JSON.parse(raw[raw.length - 1]);
    },
    send(json) {
      if (typeof json !== 'string') throw new TypeError('send expects a string');
      raw.push(json);
    },
    onMessage(cb) {
      listeners.push(cb);
    },
    push(message) {
      for (const cb of listeners) cb(message);
    },
  };
}

/** A WebSocket stand-in: tests drive open/close/message by hand. */
export class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static instances = [];

  constructor(url) {
    this.url = url;
    this.readyState = FakeWebSocket.CONNECTING;
    this.sent = [];
    this.closed = false;
    FakeWebSocket.instances.push(this);
  }

  // Like the browser's: throws while CONNECTING, silently discards once CLOSING or CLOSED.
  send(data) {
    if (this.readyState === FakeWebSocket.CONNECTING) throw new Error('InvalidStateError: still connecting');
    if (this.readyState !== FakeWebSocket.OPEN) {
      this.discarded = (this.discarded ?? 0) + 1;
      return;
    }
    this.sent.push(data);
  }

  close() {
    this.closed = true;
    this.readyState = FakeWebSocket.CLOSED;
  }

  // test controls
  open() {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.({});
  }

  receive(data) {
    this.onmessage?.({ data });
  }

  drop() {
    this.readyState = FakeWebSocket.CLOSED;
    this.onerror?.({});
    this.onclose?.({});
  }

  static reset() {
    FakeWebSocket.instances = [];
  }
}

/** Timers the test fires by hand. */
export function fakeTimers() {
  const scheduled = [];
  return {
    scheduled,
    setTimeout(fn, ms) {
      const t = { fn, ms, cleared: false, fired: false };
      scheduled.push(t);
      return t;
    },
    clearTimeout(t) {
      if (t) t.cleared = true;
    },
    get delays() {
      return scheduled.map((t) => t.ms);
    },
    /** Fires the most recent pending timer. */
    fireLast() {
      const t = scheduled[scheduled.length - 1];
      if (!t || t.cleared || t.fired) throw new Error('no pending timer');
      t.fired = true;
      t.fn();
    },
  };
}
