import { test } from 'node:test';
import assert from 'node:assert/strict';

import { utf8Length, truncateUtf8, compareCodePoints, base64url, fromBase64url, canonicalJson } from '../text.js';

const SAMPLES = ['', 'a', 'é', '€', '😀', 'a😀b', '\uD83D', 'x\uDE00y', '\uFFFF', 'mixed é€😀 text', '\u0000\u007f\u0080\u07ff\u0800'];

test('utf8Length agrees with the UTF-8 encoder (lone surrogates become U+FFFD)', () => {
  for (const s of SAMPLES) assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
});

test('truncateUtf8 keeps whole characters within the byte budget', () => {
  assert.equal(truncateUtf8('a😀b', 4), 'a');
  assert.equal(truncateUtf8('a😀b', 5), 'a😀');
  assert.equal(truncateUtf8('éé', 3), 'é');
  assert.equal(truncateUtf8('short', 100), 'short');
  assert.equal(truncateUtf8('abc', 0), '');
});

test('compareCodePoints orders like the bytes of UTF-8', () => {
  const sorted = SAMPLES.filter((s) => s.isWellFormed()); // lone surrogates have no UTF-8
  const byBytes = [...sorted].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual([...sorted].sort(compareCodePoints), byBytes);
  assert.equal(compareCodePoints('ab', 'a'), 1);
  assert.equal(compareCodePoints('a', 'ab'), -1);
  assert.equal(compareCodePoints('😀', '😀'), 0);
});

test('base64url matches Node and round-trips', () => {
  for (const s of ['', 'f', 'fo', 'foo', 'foob', '{"aud":"com.acme.loans"}', 'ü😀>?']) {
    assert.equal(base64url(s), Buffer.from(s).toString('base64url'));
    assert.equal(fromBase64url(base64url(s)), s);
  }
  assert.throws(() => fromBase64url('a+b'), TypeError);
});

test('canonicalJson ignores key order only', () => {
  assert.equal(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}');
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});
