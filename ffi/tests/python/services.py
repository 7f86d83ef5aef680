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


class Ui(miniapp.UiService):
    """Every piece of the host's UI; records what it showed. Sheets and dialogs choose
    `choice`, the date picker `date` (None: the user dismisses them)."""

    def __init__(self, choice=1, date="2024-06-01"):
        self.choice = choice
        self.date = date
        self.shown = []

    def _show(self, *what):
        self.shown.append(what)

    async def toast(self, app_id, message):
        self._show("toast", message)

    async def modal(self, app_id, title, message, buttons):
        self._show("modal", title)
        if self.choice is None:
            raise miniapp.ServiceError.Cancelled()
        return self.choice

    async def navigate(self, app_id, route):
        self._show("navigate", route)

    async def set_title(self, app_id, title):
        self._show("title", title)

    async def action_sheet(self, app_id, items):
        self._show("actionSheet", tuple(items))
        if self.choice is None:
            raise miniapp.ServiceError.Cancelled()
        return self.choice

    async def show_loading(self, app_id, title):
        self._show("loading", title)

    async def hide_loading(self, app_id):
        self._show("loading", None)

    async def set_navigation_bar_color(self, app_id, front_color, background_color):
        self._show("barColor", front_color, background_color)

    async def pick_date(self, app_id, initial, start, end):
        self._show("datePicker", initial, start, end)
        if self.date is None:
            raise miniapp.ServiceError.Cancelled()
        return self.date


class Phone(miniapp.DeviceInfoProvider):
    """A phone on Wi-Fi with a battery; records screen wake locks."""

    def __init__(self):
        self.keep_on = []

    def info(self):
        return miniapp.DeviceInfo(platform="android", locale="de-DE", screen_width=1080,
                                  screen_height=2400, screen_scale=2.5)

    def vibrate(self, millis):
        pass

    def network_type(self):
        return miniapp.NetworkType.WIFI

    def battery(self):
        return miniapp.BatteryInfo(level=42, charging=True)

    def set_keep_screen_on(self, app_id, keep_on):
        self.keep_on.append((app_id, keep_on))

    def system_info(self):
        return miniapp.SystemInfo(brand="Acme", model="Phone 9", os_version="Android 15",
                                  theme=miniapp.Theme.DARK, font_scale=1.25)


class Identity(miniapp.UserIdentity):
    """Ada is signed in; she shares her profile unless `declines`."""

    def __init__(self, declines=False):
        self.declines = declines
        self.asked = []

    def current_user(self):
        return "ada"

    def profile(self, app_id):
        self.asked.append(app_id)
        if self.declines:
            raise miniapp.ServiceError.Cancelled()
        return miniapp.UserProfile(nickname="Ada", avatar_url="https://img.example/ada.png")


class Haptics(miniapp.HapticsService):
    """Records the effects played; without an engine every call is unavailable."""

    def __init__(self, engine=True):
        self.engine = engine
        self.played = []

    def _play(self, app_id, effect):
        if not self.engine:
            raise miniapp.ServiceError.Unavailable(reason="no haptic engine")
        self.played.append((app_id, effect))

    def vibrate_short(self, app_id, style):
        self._play(app_id, ("short", style))

    def vibrate_long(self, app_id):
        self._play(app_id, ("long",))

    def notify(self, app_id, kind):
        self._play(app_id, ("notify", kind))

    def selection_changed(self, app_id):
        self._play(app_id, ("selection",))


class Navigator(miniapp.NavigationService):
    """Knows the mini-programs in `known`; the user agrees unless `declines`."""

    def __init__(self, known=(), declines=False):
        self.known = set(known)
        self.declines = declines
        self.done = []

    def _agree(self):
        if self.declines:
            raise miniapp.ServiceError.Cancelled()

    async def open_mini_program(self, app_id, target_app_id, path, extra_data):
        if target_app_id not in self.known:
            raise miniapp.ServiceError.NotFound()
        self._agree()
        self.done.append((app_id, "open", target_app_id, path, extra_data))

    async def open_url(self, app_id, url):
        self._agree()
        self.done.append((app_id, "url", url))

    async def exit(self, app_id):
        self.done.append((app_id, "exit"))


class SettingsPage(miniapp.SettingsPage):
    def __init__(self):
        self.opened = []

    async def open_host_settings(self, app_id):
        self.opened.append(app_id)


class Keystore(miniapp.KeystoreService):
    """A keystore in a dict, one namespace per app (a host would use the platform's)."""

    def __init__(self):
        self.entries = {}

    async def set(self, app_id, key, value):
        self.entries.setdefault(app_id, {})[key] = value

    async def get(self, app_id, key):
        return self.entries.get(app_id, {}).get(key)

    async def remove(self, app_id, key):
        return self.entries.get(app_id, {}).pop(key, None) is not None

    async def count(self, app_id):
        return len(self.entries.get(app_id, {}))


class LockedKeystore(miniapp.KeystoreService):
    """A keystore that fails: the device is locked, or the host's code has a bug."""

    async def set(self, app_id, key, value):
        raise miniapp.ServiceError.Unavailable(reason="the device is locked")

    async def get(self, app_id, key):
        raise RuntimeError("keystore corrupted")

    async def remove(self, app_id, key):
        raise miniapp.ServiceError.Unavailable(reason="the device is locked")

    async def count(self, app_id):
        raise miniapp.ServiceError.Unavailable(reason="the device is locked")


class Biometrics(miniapp.BiometricService):
    """Answers prompts from a script (True: recognised; False: the user cancels); recognised
    once it runs out. Records the prompts."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.prompts = []

    async def authenticate(self, app_id, reason):
        self.prompts.append((app_id, reason))
        if self.answers and not self.answers.pop(0):
            raise miniapp.ServiceError.Cancelled()


class Notifications(miniapp.NotificationService):
    """Records what it is asked; the system permission is granted unless `denied`."""

    def __init__(self, denied=False):
        self.denied = denied
        self.scheduled = []
        self.topics = []

    async def request_permission(self, app_id):
        return not self.denied

    async def schedule(self, app_id, notification):
        if self.denied:
            raise miniapp.ServiceError.Unavailable(reason="notifications are off")
        self.scheduled.append((app_id, notification))

    async def subscribe(self, app_id, topic):
        self.topics.append((app_id, topic))


# A 1x1 PNG (what the runtime's development picker returns too).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201ff5f6a5c0000000049454e44ae426082")


class Media(miniapp.MediaService):
    """A picker that returns `image` (None: the user closes it) and a scanner that reads `code`
    (None: the user closes it); no camera when `camera` is False."""

    def __init__(self, image=PNG, code="https://acme.example/ticket/7", camera=True):
        self.image = image
        self.code = code
        self.camera = camera
        self.shown = []

    async def choose_image(self, app_id, source, max_bytes):
        if source == miniapp.ImageSource.CAMERA and not self.camera:
            raise miniapp.ServiceError.Unavailable(reason="no camera")
        self.shown.append((app_id, source, max_bytes))
        if self.image is None:
            raise miniapp.ServiceError.Cancelled()
        return miniapp.ChosenImage(mime_type="image/png", data=self.image, width=1, height=1)

    async def scan_code(self, app_id):
        if not self.camera:
            raise miniapp.ServiceError.Unavailable(reason="no camera")
        self.shown.append((app_id, "scanner"))
        if self.code is None:
            raise miniapp.ServiceError.Cancelled()
        return miniapp.ScannedCode(text=self.code, format="qr")
