"""The whole host flow from Python, with Python services, through the generated bindings."""

import asyncio
import gc
import json
import pathlib
import time

import pytest

import miniapp
from conftest import FIXTURES, HOST_VERSION, arun, fixture_bytes
from services import (
    PNG,
    Biometrics,
    BrokenPayments,
    Clipboard,
    Consent,
    FileFetcher,
    Haptics,
    Identity,
    Inspector,
    Keystore,
    LockedKeystore,
    Media,
    Navigator,
    Notifications,
    Payments,
    Phone,
    RaisingFetcher,
    SettingsPage,
    SilentPayments,
    StuckDevice,
    Ui,
    script,
)

PROBE = "com.acme.probe"


def open_host(home, root_pem, options=None, **services):
    return miniapp.Host.open(home, HOST_VERSION, root_pem, miniapp.HostServices(**services), options)


def code_of(excinfo):
    return excinfo.value.code


def test_install_run_consent_payment_inspector(home, root_pem):
    consent = Consent(declined={"location"})
    payments = Payments()
    inspector = Inspector()
    host = open_host(home, root_pem, consent=consent, payment=payments)
    host.set_inspector(inspector)

    app = host.install(fixture_bytes("probe.zip"))
    assert (app.id, app.version) == (PROBE, "1.0.0")
    # The probe asks for every permission the host knows (see ffi/examples/fixtures.rs).
    assert set(app.permissions) == {
        "storage", "auth", "payment", "location", "ui", "device", "clipboard", "share",
        "haptics", "navigation", "biometrics", "notifications", "camera"}
    assert [a.id for a in host.list()] == [PROBE]

    pay = {"orderId": "o-1", "amountMinor": 1500, "currency": "EUR", "description": "fee"}
    answer = arun(host.run(PROBE, script(
        ("payment.pay", pay),
        ("geolocation.currentPosition", {}),
        ("storage.set", {"key": "k", "value": "v"}),
        ("storage.get", {"key": "k"}),
    )))
    results = json.loads(answer)
    assert results[0]["ok"]["transactionId"] == "py-tx-1"
    assert results[0]["ok"]["amountMinor"] == 1500
    assert results[1] == {"err": "PERMISSION_DENIED"}, "location was declined"
    assert results[3] == {"ok": "v"}

    # The Python payment service saw the order; consent was asked once per sensitive permission.
    assert payments.orders == [(PROBE, "o-1", 1500, "EUR")]
    assert sorted(p for _, p in consent.prompts) == [
        "biometrics", "camera", "clipboard", "location", "notifications", "payment"]

    # Every bridge call reached the Python inspector, denials included.
    seen = [(e.app_id, e.method, e.outcome) for e in inspector.events]
    assert seen == [
        (PROBE, "payment.pay", "ok"),
        (PROBE, "geolocation.currentPosition", "PERMISSION_DENIED"),
        (PROBE, "storage.set", "ok"),
        (PROBE, "storage.get", "ok"),
    ]
    assert all(e.micros < 10_000_000 for e in inspector.events)

    # A second run asks nobody again (the runtime remembers the answers); stopping the inspector
    # stops the events.
    host.set_inspector(None)
    again = json.loads(arun(host.run(PROBE, script(("geolocation.currentPosition", {})))))
    assert again == [{"err": "PERMISSION_DENIED"}]
    assert len(consent.prompts) == 6
    assert len(inspector.events) == 4


def test_tampered_package_is_refused_and_the_host_keeps_working(home, root_pem):
    host = open_host(home, root_pem)
    with pytest.raises(miniapp.MiniappError) as e:
        host.install(fixture_bytes("probe-tampered.zip"))
    assert code_of(e) == "SIGNATURE_INVALID"
    assert "signature" in str(e.value).lower()
    assert host.list() == []
    with pytest.raises(miniapp.MiniappError) as e:
        host.install(b"not a zip at all")
    assert code_of(e) != ""
    host.install(fixture_bytes("probe.zip"))
    assert [a.id for a in host.list()] == [PROBE]


def test_trap_and_cpu_limit_are_errors_with_codes(home, root_pem):
    host = open_host(home, root_pem, miniapp.HostOptions(cpu_ms=200, memory_mb=64, service_timeout_ms=5000))
    host.install(fixture_bytes("hostile.zip"))
    with pytest.raises(miniapp.MiniappError) as e:
        arun(host.run("com.acme.hostile", "trap"))
    assert code_of(e) == "GUEST_TRAP"
    start = time.monotonic()
    with pytest.raises(miniapp.MiniappError) as e:
        arun(host.run("com.acme.hostile", "loop"))
    assert code_of(e) == "CPU_LIMIT"
    assert time.monotonic() - start < 5
    with pytest.raises(miniapp.MiniappError) as e:
        arun(host.run("com.acme.hostile", "err"))
    assert code_of(e) == "GUEST_ERROR"


def test_a_raising_service_is_unavailable_to_the_guest(home, root_pem):
    host = open_host(home, root_pem, consent=Consent(), payment=BrokenPayments())
    host.install(fixture_bytes("probe.zip"))
    pay = {"orderId": "o-9", "amountMinor": 5, "currency": "EUR", "description": ""}
    results = json.loads(arun(host.run(PROBE, script(
        ("payment.pay", pay), ("payment.query", {"orderId": "o-9"}), ("storage.keys", {})))))
    assert results[0] == {"err": "UNAVAILABLE"}
    assert results[1] == {"err": "NOT_FOUND"}
    assert results[2] == {"ok": []}, "the guest goes on after the failed call"


def test_a_service_that_never_answers_is_bounded(home, root_pem):
    options = miniapp.HostOptions(cpu_ms=1000, memory_mb=64, service_timeout_ms=300)
    device = StuckDevice()
    host = open_host(home, root_pem, options, consent=Consent(), payment=SilentPayments(),
                     device=device)
    host.install(fixture_bytes("probe.zip"))
    pay = {"orderId": "o-1", "amountMinor": 5, "currency": "EUR", "description": ""}
    start = time.monotonic()
    async def run_and_settle():
        answer = await host.run(PROBE, script(
            ("payment.pay", pay),                 # async, never answers
            ("device.vibrate", {"millis": 10}),   # sync, blocks its thread
            ("device.info", {})))
        # The abandoned Python coroutine is cancelled through this loop: keep it open for that.
        await asyncio.sleep(0.2)
        return answer

    try:
        results = json.loads(arun(run_and_settle()))
    finally:
        device.release.set()
    assert results[:2] == [{"err": "UNAVAILABLE"}, {"err": "UNAVAILABLE"}]
    assert results[2]["ok"]["locale"] == "pt-PT"
    assert time.monotonic() - start < 5
    # The host keeps working.
    assert json.loads(arun(host.run(PROBE, script(("storage.keys", {}))))) == [{"ok": []}]


def test_default_services_when_the_host_passes_none(home, root_pem):
    host = open_host(home, root_pem)  # no services at all
    host.install(fixture_bytes("probe.zip"))
    pay = {"orderId": "o-1", "amountMinor": 5, "currency": "EUR", "description": ""}
    results = json.loads(arun(host.run(PROBE, script(
        ("payment.pay", pay),               # sensitive: no consent prompt means "no"
        ("ui.toast", {"message": "hi"}),    # dropped, not an error
        ("share.share", {"text": "hi"}),    # no share sheet
        ("auth.getToken", {"scopes": ["profile"]}),  # nobody signed in
        ("device.info", {}),
    ))))
    assert results[0] == {"err": "PERMISSION_DENIED"}
    assert results[1] == {"ok": None}
    assert results[2] == {"err": "UNAVAILABLE"}
    assert results[3] == {"err": "UNAVAILABLE"}
    assert results[4]["ok"]["hostVersion"] == HOST_VERSION


def test_foreign_sync_service_and_clipboard(home, root_pem):
    clip = Clipboard("hello from the host")
    host = open_host(home, root_pem, consent=Consent(), clipboard=clip)
    host.install(fixture_bytes("probe.zip"))
    results = json.loads(arun(host.run(PROBE, script(
        ("clipboard.readText", {}), ("clipboard.writeText", {"text": "from guest"})))))
    assert results == [{"ok": "hello from the host"}, {"ok": None}]
    assert clip.text == "from guest"


def test_dispatch_json_for_a_web_app(home, root_pem):
    payments = Payments()
    inspector = Inspector()
    consent = Consent()
    host = open_host(home, root_pem, consent=consent, payment=payments)
    host.set_inspector(inspector)
    shop = host.install(fixture_bytes("shop.zip"))
    assert shop.id == "com.acme.shop"
    web = arun(host.web_app("com.acme.shop"))
    assert web.entry_point == "index.html"
    assert (pathlib.Path(web.files_dir) / "index.html").read_text().find("app.js") >= 0
    assert "default-src 'self'" in web.content_security_policy

    def ask(request):
        text = request if isinstance(request, str) else json.dumps(request)
        return json.loads(arun(host.dispatch_json("com.acme.shop", text)))

    cart = [{"sku": "tea", "qty": 2}]
    assert ask({"id": 1, "method": "storage.set", "params": {"key": "cart", "value": cart}}) == {"id": 1, "result": None}
    assert ask({"id": 2, "method": "storage.get", "params": {"key": "cart"}}) == {"id": 2, "result": cart}
    paid = ask({"id": 3, "method": "payment.pay", "params":
                {"orderId": "w-1", "amountMinor": 900, "currency": "EUR", "description": "tea"}})
    assert paid["result"]["transactionId"] == "py-tx-1"
    assert payments.orders == [("com.acme.shop", "w-1", 900, "EUR")]
    denied = ask({"id": 4, "method": "geolocation.currentPosition", "params": {}})
    assert denied["error"]["code"] == "PERMISSION_DENIED"
    assert [e.method for e in inspector.events] == [
        "storage.set", "storage.get", "payment.pay", "geolocation.currentPosition"]
    # The shop's sensitive permissions, asked once each: payment and camera (its scanner).
    assert sorted(p for _, p in consent.prompts) == ["camera", "payment"]

    # Bad input: answered as error responses, never an exception; the host keeps working.
    assert ask("{nope")["error"]["code"] == "BAD_REQUEST"
    assert ask("[1, 2]")["error"]["code"] == "BAD_REQUEST"
    assert ask({"id": 5, "method": "storage.explode"})["error"]["code"] == "METHOD_NOT_FOUND"
    assert ask({"id": 6, "method": "storage.set", "params": {"nokey": 1}})["error"]["code"] == "INVALID_ARGUMENT"
    assert ask("\u00e9\u4e2d\U0001F600")["error"]["code"] == "BAD_REQUEST"
    assert ask({"id": 7, "method": "storage.keys"}) == {"id": 7, "result": ["cart"]}

    for bad_id in ["com.acme.nothere", "not an id", ""]:
        with pytest.raises(miniapp.MiniappError) as e:
            arun(host.dispatch_json(bad_id, '{"id":1,"method":"storage.keys"}'))
        assert code_of(e) == "APP_NOT_FOUND", bad_id
        with pytest.raises(miniapp.MiniappError) as e:
            arun(host.run(bad_id, "{}"))
        assert code_of(e) == "APP_NOT_FOUND", bad_id


def test_update_rollback_uninstall(home, root_pem):
    market = pathlib.Path(FIXTURES) / "market"
    base = "https://market.example"
    fetcher = FileFetcher(market, base)
    host = open_host(home, root_pem, consent=Consent(), http=fetcher)
    host.install(fixture_bytes("probe.zip"))

    outcome = arun(host.update(PROBE, base))
    assert isinstance(outcome, miniapp.UpdateOutcome.STAGED), outcome
    assert (outcome.previous, outcome.version, outcome.activated) == ("1.0.0", "1.1.0", False)
    assert f"{base}/mini-programs/{PROBE}/version" in fetcher.urls
    assert isinstance(arun(host.update(PROBE, base)), miniapp.UpdateOutcome.ALREADY_PENDING)

    arun(host.run(PROBE, script()))  # the next launch activates 1.1.0
    assert [(a.id, a.version) for a in host.list()] == [(PROBE, "1.1.0")]
    back = host.rollback(PROBE)
    assert (back.from_version, back.to_version) == ("1.1.0", "1.0.0")
    with pytest.raises(miniapp.MiniappError) as e:
        host.rollback(PROBE)
    assert code_of(e) == "NO_BACKUP"

    host.uninstall(PROBE)
    assert host.list() == []
    with pytest.raises(miniapp.MiniappError) as e:
        arun(host.run(PROBE, "{}"))
    assert code_of(e) == "APP_NOT_FOUND"
    # One host at a time: each reserves its engine's pool (see conftest.free_hosts).
    del host, e
    gc.collect()

    broken = open_host(home + "-2", root_pem, http=RaisingFetcher())
    broken.install(fixture_bytes("probe.zip"))
    with pytest.raises(miniapp.MiniappError) as e:
        arun(broken.update(PROBE, base))
    assert code_of(e) == "DOWNLOAD_FAILED"
    assert "no network" in str(e.value)
    del broken, e
    gc.collect()
    nofetch = open_host(home + "-3", root_pem)
    with pytest.raises(miniapp.MiniappError) as e:
        arun(nofetch.update(PROBE, base))
    assert code_of(e) == "DOWNLOAD_FAILED"


def test_a_mini_program_checks_for_its_own_update_at_the_hosts_marketplace(home, root_pem):
    market = pathlib.Path(FIXTURES) / "market"
    base = "https://market.example"
    fetcher = FileFetcher(market, base)
    options = miniapp.HostOptions(marketplace_url=base)
    host = open_host(home, root_pem, options, consent=Consent(), http=fetcher)
    host.install(fixture_bytes("probe.zip"))
    calls = (("updates.status", {}), ("updates.check", {}), ("updates.status", {}))
    answer = json.loads(arun(host.run(PROBE, script(*calls))))
    staged = {"current": "1.0.0", "pending": "1.1.0"}
    assert answer == [{"ok": {"current": "1.0.0", "pending": None}}, {"ok": staged}, {"ok": staged}]
    assert f"{base}/mini-programs/{PROBE}/version" in fetcher.urls
    assert [(a.id, a.version) for a in host.list()] == [(PROBE, "1.0.0")], "staged, not applied"
    answer = json.loads(arun(host.run(PROBE, script(("updates.status", {})))))
    assert answer == [{"ok": {"current": "1.1.0", "pending": None}}], "applied at the next launch"
    del host
    gc.collect()
    # Without a marketplace URL the check is UNAVAILABLE (the host's own `update` still works).
    plain = open_host(home + "-2", root_pem, http=fetcher)
    plain.install(fixture_bytes("probe.zip"))
    answer = json.loads(arun(plain.run(PROBE, script(("updates.check", {})))))
    assert answer == [{"err": "UNAVAILABLE"}]


def test_a_session_is_told_once_of_a_version_the_host_staged_under_it(home, root_pem):
    market = pathlib.Path(FIXTURES) / "market"
    base = "https://market.example"
    host = open_host(home, root_pem, consent=Consent(), http=FileFetcher(market, base))
    host.install(fixture_bytes("probe.zip"))

    async def flow():
        session = await host.launch(PROBE)
        await session.on_launch(script())
        before = await session.notify_update_ready()
        await host.update(PROBE, base)
        told = await session.notify_update_ready()
        again = await session.notify_update_ready()
        out = json.loads(await session.on_launch(script(("storage.get", {"key": "probe.events"}))))
        return before, told, again, json.loads(out[0]["ok"])

    before, told, again, events = arun(flow())
    assert (before, told, again) == (None, "1.1.0", None)
    assert [(e["name"], e["payload"]) for e in events] == [("updateReady", '{"version":"1.1.0"}')]


def test_open_reopens_and_refuses_a_mismatched_home(home, root_pem):
    first = open_host(home, root_pem)
    first.install(fixture_bytes("probe.zip"))
    del first
    gc.collect()
    again = open_host(home, root_pem)
    assert [a.id for a in again.list()] == [PROBE]
    with pytest.raises(miniapp.MiniappError) as e:
        miniapp.Host.open(home, "9.9.9", root_pem, miniapp.HostServices(), None)
    assert code_of(e) == "HOME_INVALID"
    with pytest.raises(miniapp.MiniappError) as e:
        miniapp.Host.open(home + "-x", "not-a-version", root_pem, miniapp.HostServices(), None)
    assert code_of(e) == "HOME_INVALID"
    with pytest.raises(miniapp.MiniappError) as e:
        miniapp.Host.open(home + "-y", HOST_VERSION, "not a key", miniapp.HostServices(), None)
    assert code_of(e) == "KEY_INVALID"


def test_pulley_backend_runs_the_same_app(home, root_pem):
    options = miniapp.HostOptions(pulley=True)
    host = open_host(home, root_pem, options, consent=Consent())
    host.install(fixture_bytes("probe.zip"))
    results = json.loads(arun(host.run(PROBE, script(
        ("storage.set", {"key": "k", "value": "v"}), ("storage.get", {"key": "k"})))))
    assert results == [{"ok": None}, {"ok": "v"}]


def test_a_payment_sheet_may_wait_longer_than_the_cpu_budget(home, root_pem):
    class SlowPayments(Payments):
        async def pay(self, app_id, request):
            await asyncio.sleep(0.5)  # the user reads the sheet
            return await super().pay(app_id, request)

    options = miniapp.HostOptions(cpu_ms=200)
    host = open_host(home, root_pem, options, consent=Consent(), payment=SlowPayments())
    host.install(fixture_bytes("probe.zip"))
    pay = {"orderId": "o-1", "amountMinor": 5, "currency": "EUR", "description": ""}
    results = json.loads(arun(host.run(PROBE, script(("payment.pay", pay)))))
    assert results[0]["ok"]["transactionId"] == "py-tx-1"



def test_haptics_keystore_biometrics_navigation_and_settings_reach_python(home, root_pem):
    haptics, keystore, biometrics = Haptics(), Keystore(), Biometrics()
    navigator, settings = Navigator(known={"com.globex.b"}), SettingsPage()
    host = open_host(home, root_pem, consent=Consent(), haptics=haptics, keystore=keystore,
                     biometrics=biometrics, navigation=navigator, settings=settings)
    host.install(fixture_bytes("probe.zip"))
    results = json.loads(arun(host.run(PROBE, script(
        ("haptics.vibrateShort", {"style": "heavy"}),
        ("haptics.vibrateLong", {}),
        ("haptics.notify", {"kind": "warning"}),
        ("haptics.selectionChanged", {}),
        ("secureStorage.set", {"key": "token", "value": "s3cret"}),
        ("secureStorage.get", {"key": "token"}),
        ("secureStorage.remove", {"key": "token"}),
        ("secureStorage.get", {"key": "token"}),
        ("secureStorage.set", {"key": "pin", "value": "1234"}),
        ("biometrics.authenticate", {"reason": "Confirm the transfer"}),
        ("navigation.openMiniProgram", {"appId": "com.globex.b", "path": "/pay", "extraData": "{\"x\":1}"}),
        ("navigation.openUrl", {"url": "https://acme.example/help"}),
        ("settings.openHostSettings", {}),
        ("navigation.exit", {}),
    ))))
    assert results == [{"ok": None}] * 4 + [
        {"ok": None}, {"ok": "s3cret"}, {"ok": True}, {"ok": None}, {"ok": None},
        {"ok": None}, {"ok": None}, {"ok": None}, {"ok": None}, {"ok": None}]
    S, N = miniapp.ImpactStyle, miniapp.HapticNotification
    assert haptics.played == [
        (PROBE, ("short", S.HEAVY)), (PROBE, ("long",)), (PROBE, ("notify", N.WARNING)),
        (PROBE, ("selection",))]
    assert keystore.entries == {PROBE: {"pin": "1234"}}
    assert biometrics.prompts == [(PROBE, "Confirm the transfer")]
    assert navigator.done == [
        (PROBE, "open", "com.globex.b", "/pay", '{"x":1}'),
        (PROBE, "url", "https://acme.example/help"),
        (PROBE, "exit")]
    assert settings.opened == [PROBE]


def test_media_notifications_ui_device_and_profile_reach_python(home, root_pem):
    media, notes, ui, phone, identity = Media(), Notifications(), Ui(), Phone(), Identity()
    host = open_host(home, root_pem, consent=Consent(), media=media, notifications=notes, ui=ui,
                     device=phone, identity=identity)
    host.install(fixture_bytes("probe.zip"))
    at = int(time.time()) + 3600
    results = json.loads(arun(host.run(PROBE, script(
        ("media.chooseImage", {"source": "camera", "maxBytes": 1000}),
        ("media.scanCode", {}),
        ("notifications.requestPermission", {}),
        ("notifications.schedule", {"id": "rent-due", "title": "Rent", "body": "Due tomorrow", "at": at}),
        ("notifications.subscribe", {"topic": "offers"}),
        ("ui.actionSheet", {"items": ["Edit", "Delete"]}),
        ("ui.showLoading", {"title": "Loading"}),
        ("ui.hideLoading", {}),
        ("ui.setNavigationBarColor", {"frontColor": "#ffffff", "backgroundColor": "#112233"}),
        ("ui.pickDate", {"initial": "2024-01-01", "end": "2024-12-31"}),
        ("device.networkType", {}),
        ("device.battery", {}),
        ("device.setKeepScreenOn", {"keepOn": True}),
        ("device.systemInfo", {}),
        ("auth.profile", {}),
    ))))
    import base64
    assert results[0] == {"ok": {"mimeType": "image/png", "data": base64.b64encode(PNG).decode(),
                                 "width": 1, "height": 1}}
    assert results[1] == {"ok": {"text": "https://acme.example/ticket/7", "format": "qr"}}
    assert results[2:5] == [{"ok": True}, {"ok": None}, {"ok": None}]
    assert results[5:10] == [{"ok": 1}, {"ok": None}, {"ok": None}, {"ok": None}, {"ok": "2024-06-01"}]
    assert results[10:13] == [{"ok": "wifi"}, {"ok": {"level": 42, "charging": True}}, {"ok": None}]
    assert results[13] == {"ok": {"brand": "Acme", "model": "Phone 9", "osVersion": "Android 15",
                                  "theme": "dark", "fontScale": 1.25}}
    assert results[14] == {"ok": {"nickname": "Ada", "avatarUrl": "https://img.example/ada.png"}}
    assert media.shown == [(PROBE, miniapp.ImageSource.CAMERA, 1000), (PROBE, "scanner")]
    assert notes.scheduled == [(PROBE, miniapp.LocalNotification(
        id="rent-due", title="Rent", body="Due tomorrow", at=at))]
    assert notes.topics == [(PROBE, "offers")]
    assert ui.shown == [
        ("actionSheet", ("Edit", "Delete")), ("loading", "Loading"), ("loading", None),
        ("barColor", "#ffffff", "#112233"), ("datePicker", "2024-01-01", None, "2024-12-31")]
    assert phone.keep_on == [(PROBE, True)]
    assert identity.asked == [PROBE]


def test_declining_or_failing_host_services_reach_the_guest_as_codes(home, root_pem):
    at = int(time.time()) + 3600
    host = open_host(
        home, root_pem, consent=Consent(), haptics=Haptics(engine=False),
        keystore=LockedKeystore(), biometrics=Biometrics(False),
        navigation=Navigator(known={"com.globex.b"}, declines=True),
        media=Media(image=None, camera=False), notifications=Notifications(denied=True),
        ui=Ui(choice=None, date="2030-01-01"), identity=Identity(declines=True))
    host.install(fixture_bytes("probe.zip"))
    results = json.loads(arun(host.run(PROBE, script(
        ("haptics.vibrateShort", {"style": "light"}),                 # no engine
        ("secureStorage.set", {"key": "k", "value": "v"}),            # ServiceError.Unavailable
        ("secureStorage.get", {"key": "k"}),                          # any other exception
        ("biometrics.authenticate", {"reason": "Unlock"}),            # not recognised
        ("navigation.openMiniProgram", {"appId": "com.globex.zz"}),   # unknown to the host
        ("navigation.openUrl", {"url": "https://acme.example"}),      # the user declines
        ("media.chooseImage", {"source": "album"}),                   # the user closes the picker
        ("media.scanCode", {}),                                       # no camera
        ("notifications.requestPermission", {}),                      # the system says no
        ("notifications.schedule", {"id": "n1", "title": "t", "body": "", "at": at}),
        ("ui.actionSheet", {"items": ["a", "b"]}),                    # dismissed
        ("ui.pickDate", {"initial": "2024-01-01", "end": "2024-12-31"}),  # outside the range
        ("auth.profile", {}),                                         # the user declines
        ("storage.keys", {}),
    ))))
    assert results == [
        {"err": "UNAVAILABLE"}, {"err": "UNAVAILABLE"}, {"err": "UNAVAILABLE"},
        {"err": "CANCELLED"}, {"err": "NOT_FOUND"}, {"err": "CANCELLED"},
        {"err": "CANCELLED"}, {"err": "UNAVAILABLE"},
        {"ok": False}, {"err": "UNAVAILABLE"},
        {"err": "CANCELLED"}, {"err": "INTERNAL"},
        {"err": "CANCELLED"},
        {"ok": []},
    ], "every failure is a code, and the guest goes on"


def test_an_image_larger_than_asked_is_refused(home, root_pem):
    host = open_host(home, root_pem, consent=Consent(), media=Media(image=PNG * 10))
    host.install(fixture_bytes("probe.zip"))
    results = json.loads(arun(host.run(PROBE, script(
        ("media.chooseImage", {"source": "album", "maxBytes": 100}),))))
    assert results == [{"err": "QUOTA_EXCEEDED"}]


def test_services_a_host_leaves_out_are_unavailable(home, root_pem):
    host = open_host(home, root_pem, consent=Consent())  # consent only: every permission granted
    host.install(fixture_bytes("probe.zip"))
    results = json.loads(arun(host.run(PROBE, script(
        ("haptics.vibrateLong", {}),
        ("navigation.openUrl", {"url": "https://acme.example"}),
        ("settings.openHostSettings", {}),
        ("secureStorage.get", {"key": "k"}),
        ("biometrics.authenticate", {"reason": "Unlock"}),
        ("notifications.requestPermission", {}),
        ("media.scanCode", {}),
        ("ui.actionSheet", {"items": ["a"]}),
        ("auth.profile", {}),
    ))))
    assert results == [{"err": "UNAVAILABLE"}] * 9


def test_a_string_that_is_not_unicode_does_not_cross_the_boundary(home, root_pem):
    # Last in this file on purpose: UniFFI's Python bindings (0.32.2) take a reference to the host
    # before they encode the arguments, and an argument that fails to encode leaks that reference,
    # so this host (and its engine's address-space reservation) is never freed.
    host = open_host(home, root_pem)
    host.install(fixture_bytes("shop.zip"))
    with pytest.raises(UnicodeEncodeError):
        arun(host.dispatch_json("com.acme.shop", "\ud800"))
    answer = json.loads(arun(host.dispatch_json("com.acme.shop", '{"id":1,"method":"storage.keys"}')))
    assert answer == {"id": 1, "result": []}, "the host keeps working"


def test_a_session_receives_lifecycle_events_and_memory_warnings_drop_caches(home, root_pem):
    host = open_host(home, root_pem)
    host.install(fixture_bytes("probe.zip"))

    async def session_flow():
        session = await host.launch(PROBE)
        assert json.loads(await session.on_launch(script())) == []
        await session.deliver_event(miniapp.LifecycleEvent.SHOW())
        await session.deliver_event(miniapp.LifecycleEvent.MEMORY_WARNING(level=miniapp.MemoryLevel.CRITICAL))
        await session.deliver_event(miniapp.LifecycleEvent.UPDATE_READY(version="1.1.0"))
        await session.send_event("back", '{"from":"/cart"}')
        # The probe records each event in storage (tests/programs/guests/probe).
        out = json.loads(await session.on_launch(script(("storage.get", {"key": "probe.events"}))))
        return json.loads(out[0]["ok"])

    events = arun(session_flow())
    assert [(e["name"], e["payload"]) for e in events] == [
        ("show", "{}"),
        ("memoryWarning", '{"level":"critical"}'),
        ("updateReady", '{"version":"1.1.0"}'),
        ("back", '{"from":"/cart"}'),
    ]
    assert events[1]["parsed"] == {"name": "memoryWarning", "payload": {"level": "critical"}}
    assert events[3]["parsed"] is None, "a host's own event is no standard one"
    gc.collect()  # the session's instance goes back to the pool

    dropped = host.memory_warning(miniapp.MemoryLevel.MODERATE)
    assert (dropped.components, dropped.instance_pres, dropped.linkers) == (1, 1, 0)
    assert json.loads(arun(host.run(PROBE, script()))) == [], "a later launch still works"

    # What a WebView host evaluates as window.__miniappBridge._receive(...).
    assert json.loads(miniapp.lifecycle_event_message(
        miniapp.LifecycleEvent.MEMORY_WARNING(level=miniapp.MemoryLevel.MODERATE)
    )) == {"event": "memoryWarning", "data": {"level": "moderate"}}
    assert miniapp.lifecycle_event_message(miniapp.LifecycleEvent.HIDE()) == '{"event":"hide","data":{}}'
