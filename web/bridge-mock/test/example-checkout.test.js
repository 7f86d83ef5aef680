// The example from web/README.md, kept here so it stays true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMockBridge } from 'mini-program-bridge-mock';

import { checkout } from '../test-support/checkout.js';

const order = { id: 'order-7', items: [{ priceMinor: 1250, qty: 2 }] };
const manifestPermissions = ['storage', 'payment', 'ui'];

test('paying stores the receipt and goes to /thanks', async () => {
  const bridge = createMockBridge({ permissions: manifestPermissions, fixtures: { modal: 1 } });
  const result = await checkout(bridge, order);
  assert.equal(result.status, 'paid');
  assert.equal(result.receipt.amountMinor, 2500);
  assert.deepEqual(await bridge.payment.query('order-7'), result.receipt);
  assert.deepEqual(bridge.storageSnapshot(), { lastReceipt: result.receipt });
  assert.equal(bridge.state.route, '/thanks');
});

test('a cancelled payment shows a toast and stores nothing', async () => {
  const bridge = createMockBridge({ permissions: manifestPermissions, fixtures: { modal: 1, payment: 'cancel' } });
  assert.deepEqual(await checkout(bridge, order), { status: 'cancelled' });
  assert.deepEqual(bridge.state.toasts, ['Payment cancelled']);
  assert.deepEqual(bridge.storageSnapshot(), {});
});

test('choosing "Cancel" in the dialog charges nothing', async () => {
  const bridge = createMockBridge({ permissions: manifestPermissions, fixtures: { modal: 0 } });
  assert.deepEqual(await checkout(bridge, order), { status: 'declined' });
  assert.deepEqual(bridge.calls.map((c) => c.method), ['ui.modal']);
});

test('a manifest without "payment" fails loudly', async () => {
  const bridge = createMockBridge({ permissions: ['storage', 'ui'], fixtures: { modal: 1 } });
  await assert.rejects(checkout(bridge, order), { code: 'PERMISSION_DENIED' });
});
