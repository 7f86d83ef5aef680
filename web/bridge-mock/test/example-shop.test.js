// The shop example's scanner flow (examples/shop-web/cart.js) against the mock: what a partner's
// own tests look like. The browser test (web/e2e/shop.test.js) runs the page on `miniapp dev`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { createMockBridge } from '../index.js';
import { PRODUCTS, loadCart, scanProduct } from '../../../examples/shop-web/cart.js';

const manifest = JSON.parse(fs.readFileSync(new URL('../../../examples/shop-web/manifest.json', import.meta.url), 'utf8'));
const tea = PRODUCTS.find((p) => p.sku === 'tea');
const scan = (code) => ({ text: code, format: 'ean-13' });

test('the manifest declares what the scanner flow uses', () => {
  for (const p of ['storage', 'camera', 'haptics']) assert.ok(manifest.permissions.includes(p), p);
});

test('a scanned product goes into the cart, with a success haptic', async () => {
  const bridge = createMockBridge({ permissions: manifest.permissions, fixtures: { scans: [scan(tea.code), scan(tea.code)] } });
  const first = await scanProduct(bridge);
  assert.deepEqual(first, { status: 'added', sku: 'tea', cart: [{ sku: 'tea', qty: 1 }], haptic: true, message: 'Added Green tea' });
  assert.equal((await scanProduct(bridge)).cart[0].qty, 2);
  assert.deepEqual(await loadCart(bridge), [{ sku: 'tea', qty: 2 }]);
  assert.deepEqual(bridge.state.mediaShown, ['scanner', 'scanner']);
  assert.deepEqual(bridge.state.haptics, [
    { effect: 'notification', kind: 'success' },
    { effect: 'notification', kind: 'success' },
  ]);
});

test('a code of no product changes nothing and buzzes an error', async () => {
  const bridge = createMockBridge({ permissions: manifest.permissions, fixtures: { scans: [{ text: 'https://example.com/miniapp', format: 'qr' }] } });
  const result = await scanProduct(bridge);
  assert.equal(result.status, 'unknown');
  assert.equal(result.message, 'No product has the code https://example.com/miniapp');
  assert.deepEqual(await loadCart(bridge), []);
  assert.deepEqual(bridge.state.haptics, [{ effect: 'notification', kind: 'error' }]);
});

test('a closed scanner, a declined camera or no camera is a message, not an error', async () => {
  const cancelled = createMockBridge({ permissions: manifest.permissions, fixtures: { scans: ['cancel'] } });
  assert.deepEqual(await scanProduct(cancelled), { status: 'cancelled', message: 'Scan cancelled' });

  const declined = createMockBridge({
    permissions: manifest.permissions.filter((p) => p !== 'camera'),
    fixtures: { declined: ['camera'] },
  });
  const denied = await scanProduct(declined);
  assert.equal(denied.status, 'denied');
  assert.match(denied.message, /allow it in settings/);
  assert.deepEqual(declined.state.mediaShown, [], 'the scanner was never shown');

  const noCamera = createMockBridge({ permissions: manifest.permissions, fixtures: { camera: 'unavailable' } });
  assert.equal((await scanProduct(noCamera)).status, 'unavailable');

  for (const bridge of [cancelled, declined, noCamera]) {
    assert.deepEqual(await loadCart(bridge), []);
    assert.deepEqual(bridge.state.haptics, []);
  }
});

test('without a haptic engine the product is still added', async () => {
  const bridge = createMockBridge({ permissions: manifest.permissions, fixtures: { scans: [scan(tea.code)], haptics: 'unavailable' } });
  const result = await scanProduct(bridge);
  assert.equal(result.status, 'added');
  assert.equal(result.haptic, false);
  assert.deepEqual(await loadCart(bridge), [{ sku: 'tea', qty: 1 }]);
});
