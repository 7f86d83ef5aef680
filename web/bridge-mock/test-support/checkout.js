// A mini-program page's logic, as in web/README.md: it takes the bridge as an argument, so a test
// can hand it the mock (the page passes `connect()`).

export async function checkout(bridge, order) {
  const total = order.items.reduce((sum, item) => sum + item.priceMinor * item.qty, 0);
  const choice = await bridge.ui.modal('Checkout', `Pay ${(total / 100).toFixed(2)} EUR?`, ['Cancel', 'Pay']);
  if (choice !== 1) return { status: 'declined' };
  try {
    const receipt = await bridge.payment.pay({
      orderId: order.id,
      amountMinor: total,
      currency: 'EUR',
      description: `Order ${order.id}`,
    });
    await bridge.storage.set('lastReceipt', receipt);
    await bridge.ui.navigate('/thanks');
    return { status: 'paid', receipt };
  } catch (e) {
    if (e.code === 'CANCELLED') {
      await bridge.ui.toast('Payment cancelled');
      return { status: 'cancelled' };
    }
    throw e;
  }
}
