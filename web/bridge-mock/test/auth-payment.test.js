import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge, decodeMockToken } from '../index.js';

const T0 = 1_700_000_000_000; // ms
const clock = () => T0;
const ORDER = { orderId: 'order-1', amountMinor: 1999, currency: 'EUR', description: 'Loan fee' };

test('auth.getToken: a JWT-shaped header.claims.mock token whose aud is the appId', async () => {
  const m = createMockBridge({ appId: 'com.acme.loans', allowedScopes: ['profile', 'phone'], now: clock });
  const token = await m.auth.getToken(['profile']);
  assert.deepEqual(token.scopes, ['profile']);
  assert.equal(token.expiresAt, T0 / 1000 + 15 * 60);
  const parts = token.value.split('.');
  assert.equal(parts.length, 3);
  assert.equal(parts[2], 'mock');
  for (const part of parts.slice(0, 2)) assert.match(part, /^[A-Za-z0-9_-]+$/, 'base64url, unpadded');
  const { header, claims } = decodeMockToken(token.value);
  assert.deepEqual(header, { alg: 'none', typ: 'JWT' });
  assert.equal(claims.aud, 'com.acme.loans');
  assert.equal(claims.scope, 'profile');
  assert.equal(claims.exp, token.expiresAt);
  assert.equal(claims.iat, T0 / 1000);
  assert.equal(JSON.parse(Buffer.from(parts[1], 'base64url').toString()).aud, 'com.acme.loans', 'any JWT decoder reads it');
});

test('auth.getToken grants requested ∩ allowed scopes', async () => {
  const m = createMockBridge({ allowedScopes: ['profile', 'phone'] });
  const t = await m.auth.getToken(['email', 'phone', 'profile', 'phone']);
  assert.deepEqual(t.scopes, ['phone', 'profile']);
  assert.equal(decodeMockToken(t.value).claims.scope, 'phone profile');
});

test('auth.getToken: no scopes, or none allowed, is INVALID_ARGUMENT', async () => {
  const m = createMockBridge({ allowedScopes: ['profile'] });
  await assert.rejects(m.auth.getToken([]), { code: 'INVALID_ARGUMENT', message: /must not be empty/ });
  await assert.rejects(m.auth.getToken(['email']), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.auth.getToken('profile'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.auth.getToken(['']), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.tokens.length, 0);
  assert.deepEqual((await createMockBridge({ allowedScopes: [] }).auth.getToken(['profile']).catch((e) => e)).code, 'INVALID_ARGUMENT');
});

test('without allowedScopes every requested scope is granted; the default aud is the default appId', async () => {
  const m = createMockBridge();
  const t = await m.auth.getToken(['a', 'b']);
  assert.deepEqual(t.scopes, ['a', 'b']);
  assert.equal(decodeMockToken(t.value).claims.aud, 'com.example.miniapp');
});

test('payment.pay returns a receipt and records the payment; payment.query finds it', async () => {
  const m = createMockBridge({ now: clock });
  const receipt = await m.payment.pay(ORDER);
  assert.deepEqual(receipt, {
    orderId: 'order-1',
    transactionId: 'mock-txn-1',
    amountMinor: 1999,
    currency: 'EUR',
    paidAt: T0 / 1000,
  });
  assert.deepEqual(await m.payment.query('order-1'), receipt);
  assert.equal(m.state.receipts.size, 1);
});

test('paying twice with the same orderId returns the first receipt and charges once', async () => {
  let now = T0;
  const m = createMockBridge({ now: () => now });
  const first = await m.payment.pay(ORDER);
  now += 60_000;
  const again = await m.payment.pay({ ...ORDER, amountMinor: 5000, description: 'changed' });
  assert.deepEqual(again, first);
  assert.equal(m.state.receipts.size, 1);
  const other = await m.payment.pay({ ...ORDER, orderId: 'order-2' });
  assert.equal(other.transactionId, 'mock-txn-2');
  assert.equal(m.state.receipts.size, 2);
});

test('payment.query of an unknown order is NOT_FOUND; a bad orderId INVALID_ARGUMENT', async () => {
  const m = createMockBridge();
  await assert.rejects(m.payment.query('nope'), { code: 'NOT_FOUND' });
  await assert.rejects(m.payment.query(''), { code: 'INVALID_ARGUMENT' });
});

test('payment validation: amount, currency, orderId, description', async () => {
  const m = createMockBridge();
  const bad = [
    { amountMinor: 0 },
    { amountMinor: -5 },
    { amountMinor: 19.99 },
    { amountMinor: '1999' },
    { amountMinor: 2 ** 53 },
    { currency: 'eur' },
    { currency: 'EURO' },
    { currency: 'E1R' },
    { currency: undefined },
    { orderId: '' },
    { orderId: 'x'.repeat(129) },
    { orderId: 'é'.repeat(65) }, // 130 bytes
    { orderId: 7 },
    { description: undefined },
  ];
  for (const change of bad) {
    await assert.rejects(m.payment.pay({ ...ORDER, ...change }), { code: 'INVALID_ARGUMENT' }, JSON.stringify(change));
  }
  assert.equal(m.state.receipts.size, 0, 'no invalid request was charged');
  assert.ok(await m.payment.pay({ ...ORDER, orderId: 'x'.repeat(128), amountMinor: 1, currency: 'JPY', description: '' }));
});

test('payment fixture "cancel" rejects CANCELLED and records nothing; a queue is consumed in order', async () => {
  const m = createMockBridge({ fixtures: { payment: ['cancel', 'unavailable'] } });
  await assert.rejects(m.payment.pay(ORDER), { code: 'CANCELLED' });
  assert.equal(m.state.receipts.size, 0);
  await assert.rejects(m.payment.query(ORDER.orderId), { code: 'NOT_FOUND' });
  await assert.rejects(m.payment.pay(ORDER), { code: 'UNAVAILABLE' });
  const receipt = await m.payment.pay(ORDER); // queue empty: success
  assert.equal(receipt.orderId, ORDER.orderId);

  const always = createMockBridge({ fixtures: { payment: 'cancel' } });
  await assert.rejects(always.payment.pay(ORDER), { code: 'CANCELLED' });
  await assert.rejects(always.payment.pay(ORDER), { code: 'CANCELLED' });
});
