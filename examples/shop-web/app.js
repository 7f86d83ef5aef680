import connect from '@miniapp/bridge';
import { PRODUCTS, addToCart, checkout, loadCart, scanProduct, totalMinor } from './cart.js';

const bridge = connect();
const $ = (id) => document.getElementById(id);
const eur = (minor) => `${(minor / 100).toFixed(2)} EUR`;

function renderCart(cart) {
  $('cart').replaceChildren(
    ...cart.map((l) => {
      const li = document.createElement('li');
      const p = PRODUCTS.find((x) => x.sku === l.sku);
      li.textContent = `${p ? p.name : l.sku} × ${l.qty}`;
      li.dataset.sku = l.sku;
      return li;
    }),
  );
  $('total').textContent = eur(totalMinor(cart));
  $('checkout').disabled = cart.length === 0;
}

function renderProducts() {
  $('products').replaceChildren(
    ...PRODUCTS.map((p) => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = `${p.name} — ${eur(p.priceMinor)}`;
      const add = document.createElement('button');
      add.textContent = 'Add';
      add.dataset.sku = p.sku;
      add.onclick = async () => renderCart(await addToCart(bridge, p.sku));
      li.append(name, add);
      return li;
    }),
  );
}

$('scan').onclick = async () => {
  $('scan').disabled = true;
  try {
    const result = await scanProduct(bridge);
    $('scan-message').textContent = result.message;
    $('scan-message').dataset.status = result.status;
    if (result.cart) renderCart(result.cart);
  } catch (e) {
    $('scan-message').textContent = `Scan failed: ${e.code ?? e.message}`;
    $('scan-message').dataset.status = 'failed';
  } finally {
    $('scan').disabled = false;
  }
};

$('checkout').onclick = async () => {
  const result = await checkout(bridge, `order-${Date.now()}`);
  if (result.status === 'paid') {
    $('receipt').textContent = `Paid: transaction ${result.receipt.transactionId}`;
  }
  renderCart(await loadCart(bridge));
};

// For the browser tests and the DevTools console.
window.shop = { bridge, addToCart, checkout, loadCart, scanProduct };

renderProducts();
try {
  renderCart(await loadCart(bridge));
  $('status').textContent = 'ready';
} catch (e) {
  $('status').textContent = `bridge error: ${e.code ?? e.message}`;
}
