// The shop's logic, written against the bridge interface so tests can pass a mock
// (`mini-program-bridge-mock`) and the page passes `connect()`.

// `code`: the EAN-13 barcode on the product's package, what the scanner reads.
export const PRODUCTS = [
  { sku: 'tea', name: 'Green tea', priceMinor: 450, code: '4006381333931' },
  { sku: 'mug', name: 'Acme mug', priceMinor: 1200, code: '4012345678901' },
  { sku: 'honey', name: 'Forest honey', priceMinor: 890, code: '4098765432109' },
];

/** The cart lives in bridge storage: `[{sku, qty}]`. */
export async function loadCart(bridge) {
  return (await bridge.storage.get('cart')) ?? [];
}

export async function addToCart(bridge, sku) {
  const cart = await loadCart(bridge);
  const line = cart.find((l) => l.sku === sku);
  if (line) line.qty += 1;
  else cart.push({ sku, qty: 1 });
  await bridge.storage.set('cart', cart);
  return cart;
}

export function totalMinor(cart) {
  return cart.reduce((sum, l) => sum + (PRODUCTS.find((p) => p.sku === l.sku)?.priceMinor ?? 0) * l.qty, 0);
}

/** Pays for the cart, keeps the receipt, empties the cart and says so with a toast. */
export async function checkout(bridge, orderId) {
  const cart = await loadCart(bridge);
  const amountMinor = totalMinor(cart);
  if (amountMinor === 0) return { status: 'empty' };
  try {
    const receipt = await bridge.payment.pay(
      { orderId, amountMinor, currency: 'EUR', description: `Acme Shop order ${orderId}` },
      { timeoutMs: 0 },
    );
    await bridge.storage.set('lastReceipt', receipt);
    await bridge.storage.set('cart', []);
    await bridge.ui.toast(`Paid ${(amountMinor / 100).toFixed(2)} EUR`);
    return { status: 'paid', receipt };
  } catch (e) {
    if (e.code === 'CANCELLED') {
      await bridge.ui.toast('Payment cancelled');
      return { status: 'cancelled' };
    }
    throw e;
  }
}

/** A haptic notification ('success', 'warning', 'error'): `false` when the phone has no haptic
 * engine (UNAVAILABLE) or the host withholds haptics; the page says what happened anyway. */
async function feel(bridge, kind) {
  try {
    await bridge.haptics.notify(kind);
    return true;
  } catch (e) {
    if (e.code === 'UNAVAILABLE' || e.code === 'PERMISSION_DENIED') return false;
    throw e;
  }
}

/**
 * Scans a product's barcode with the host's scanner (permission `camera`: the host asks the user
 * once), adds the product to the cart and confirms with a haptic. Never throws for what the user
 * or the device decides; the status says what happened and `message` what to show:
 * `added` (with `cart`), `unknown` (a code of no product), `cancelled` (scanner closed),
 * `denied` (no camera permission), `unavailable` (no camera).
 */
export async function scanProduct(bridge) {
  let scanned;
  try {
    scanned = await bridge.media.scanCode({ timeoutMs: 0 }); // the user takes their time
  } catch (e) {
    switch (e.code) {
      case 'CANCELLED': return { status: 'cancelled', message: 'Scan cancelled' };
      case 'PERMISSION_DENIED': return { status: 'denied', message: 'Scanning needs the camera: allow it in settings' };
      case 'UNAVAILABLE': return { status: 'unavailable', message: 'This device cannot scan codes' };
      default: throw e;
    }
  }
  const product = PRODUCTS.find((p) => p.code === scanned.text);
  if (!product) {
    const haptic = await feel(bridge, 'error');
    return { status: 'unknown', code: scanned.text, haptic, message: `No product has the code ${scanned.text}` };
  }
  const cart = await addToCart(bridge, product.sku);
  const haptic = await feel(bridge, 'success');
  return { status: 'added', sku: product.sku, cart, haptic, message: `Added ${product.name}` };
}
