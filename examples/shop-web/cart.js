// The shop's logic, written against the bridge interface so tests can pass a mock
// (`mini-program-bridge-mock`) and the page passes `connect()`.

export const PRODUCTS = [
  { sku: 'tea', name: 'Green tea', priceMinor: 450 },
  { sku: 'mug', name: 'Acme mug', priceMinor: 1200 },
  { sku: 'honey', name: 'Forest honey', priceMinor: 890 },
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
