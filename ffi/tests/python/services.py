"""Host services written in Python, as a host app would write them."""

import asyncio
import json

import miniapp


class Consent(miniapp.ConsentPrompt):
    """Says no to the permissions in `declined`, yes to the rest; remembers every prompt."""

    def __init__(self, declined=()):
        self.declined = set(declined)
        self.prompts = []

    async def ask(self, app_id, permission):
        self.prompts.append((app_id, permission))
        return permission not in self.declined


class Payments(miniapp.PaymentService):
    """Records each order and answers a receipt, as a payment sheet would after the user paid."""

    def __init__(self):
        self.orders = []
        self.receipts = {}

    async def pay(self, app_id, request):
        await asyncio.sleep(0)  # a real sheet waits for the user here
        self.orders.append((app_id, request.order_id, request.amount_minor, request.currency))
        receipt = miniapp.Receipt(
            order_id=request.order_id,
            transaction_id=f"py-tx-{len(self.orders)}",
            amount_minor=request.amount_minor,
            currency=request.currency,
            paid_at=1_700_000_000,
        )
        self.receipts[(app_id, request.order_id)] = receipt
        return receipt

    async def query(self, app_id, order_id):
        return self.receipts.get((app_id, order_id))


class BrokenPayments(miniapp.PaymentService):
    """A payment service with a bug: it raises."""

    async def pay(self, app_id, request):
        raise RuntimeError("payment backend exploded")

    async def query(self, app_id, order_id):
        raise RuntimeError("payment backend exploded")


class SilentPayments(miniapp.PaymentService):
    """A payment sheet that never comes back."""

    async def pay(self, app_id, request):
        await asyncio.Event().wait()

    async def query(self, app_id, order_id):
        await asyncio.Event().wait()


class Clipboard(miniapp.ClipboardService):
    def __init__(self, text="from python"):
        self.text = text
        self.reads = 0

    def read_text(self):
        self.reads += 1
        return self.text

    def write_text(self, text):
        self.text = text


class Inspector(miniapp.InspectorListener):
    def __init__(self):
        self.events = []

    def on_call(self, event):
        self.events.append(event)


class FileFetcher(miniapp.HttpFetcher):
    """Serves a marketplace tree from a directory (a host would use its HTTP stack)."""

    def __init__(self, root, base):
        self.root = root
        self.base = base
        self.urls = []

    async def get(self, url, range_from):
        self.urls.append(url)
        path = self.root / url.removeprefix(self.base).lstrip("/")
        if not path.is_file():
            return miniapp.HttpResponse(status=404, range_start=None, body=b"")
        body = path.read_bytes()
        if range_from:
            return miniapp.HttpResponse(status=206, range_start=range_from, body=body[range_from:])
        return miniapp.HttpResponse(status=200, range_start=None, body=body)


class RaisingFetcher(miniapp.HttpFetcher):
    async def get(self, url, range_from):
        raise ConnectionError("no network")


def script(*calls):
    """Params for the probe guest: one bridge call per (method, params)."""
    return json.dumps({"calls": [{"method": m, "params": p} for m, p in calls]})


class StuckDevice(miniapp.DeviceInfoProvider):
    """A device service whose vibrator call blocks until `release` is set."""

    def __init__(self):
        import threading

        self.release = threading.Event()

    def info(self):
        return miniapp.DeviceInfo(platform="test", locale="pt-PT", screen_width=1, screen_height=2,
                                  screen_scale=1.0)

    def vibrate(self, millis):
        self.release.wait()
