"""The mock bridge applies the host's rules, records, and replays (as the Rust SDK's mock)."""

import json

import pytest

from miniapp import (
    BatteryInfo,
    BridgeError,
    Position,
    SystemInfo,
    auth,
    clipboard,
    device,
    geolocation,
    haptics,
    log,
    navigation,
    payment,
    share,
    storage,
    ui,
)
from miniapp.testing import MockBridge, ReplayMismatch


def code(call, *args, **kwargs) -> str:
    with pytest.raises(BridgeError) as e:
        call(*args, **kwargs)
    return e.value.code


def test_ungranted_calls_are_denied_recorded_and_change_nothing(bridge):
    bridge.grant("ui")
    assert code(storage.set, "k", b"v") == "PERMISSION_DENIED"
    assert code(payment.pay, "o", 100, "EUR") == "PERMISSION_DENIED"
    assert code(auth.token, ["profile"]) == "PERMISSION_DENIED"
    assert code(geolocation.current_position) == "PERMISSION_DENIED"
    assert code(device.vibrate, 10) == "PERMISSION_DENIED"
    assert code(clipboard.write_text, "x") == "PERMISSION_DENIED"
    assert code(share.share, "x") == "PERMISSION_DENIED"
    # Denial comes before validation, as on the host.
    assert code(storage.set, "", b"v") == "PERMISSION_DENIED"
    log.info("log needs no permission")
    ui.toast("ui is granted")

    assert bridge.storage == {} and bridge.payments == [] and bridge.tokens == []
    assert bridge.clipboard is None and bridge.shares == [] and bridge.vibrations == []
    assert bridge.toasts == ["ui is granted"]
    assert bridge.logs == [("info", "log needs no permission")]
    assert len(bridge.calls) == 10
    assert bridge.calls[0] == {
        "method": "storage.set",
        "params": {"key": "k", "value": "v"},
        "error": {"code": "PERMISSION_DENIED", "message": BridgeError("PERMISSION_DENIED").message},
    }
    assert bridge.calls[9] == {"method": "ui.toast", "params": {"message": "ui is granted"}, "result": None}


def test_bridge_error_carries_the_code_message_and_method(bridge):
    bridge.grant("storage")
    with pytest.raises(BridgeError) as e:
        storage.get("")
    assert e.value.code == "INVALID_ARGUMENT"
    assert "key must be 1 to 1024 bytes" in e.value.message
    assert e.value.method == "storage.get"
    assert str(e.value).startswith("INVALID_ARGUMENT: ")


def test_storage_limits_quota_usage_and_sorted_keys(bridge):
    bridge.grant("storage").with_quota(100)
    assert code(storage.set, "", b"v") == "INVALID_ARGUMENT"
    assert code(storage.set, "k" * 1025, b"v") == "INVALID_ARGUMENT"
    assert code(storage.get, "k" * 1025) == "INVALID_ARGUMENT"
    assert code(storage.set, "big", bytes(1024 * 1024 + 1)) == "INVALID_ARGUMENT"
    # Each entry counts as on the host: a 10-byte header, the key and the value.
    storage.set("b", bytes(39))  # 50
    storage.set("a", bytes(29))  # 40
    assert code(storage.set, "c", bytes(10)) == "QUOTA_EXCEEDED"  # would be 111
    storage.set("b", bytes(48))  # replacing counts the difference: 99
    usage = storage.usage()
    assert (usage.used_bytes, usage.quota_bytes) == (99, 100)
    assert storage.keys() == ["a", "b"]
    assert storage.get("a") == bytes(29)
    assert storage.get("zzz") is None
    assert storage.remove("a") is True
    assert storage.remove("a") is False
    storage.clear()
    assert bridge.storage == {} and storage.usage().used_bytes == 0


def test_keys_sort_by_utf8_bytes_like_the_host(bridge):
    bridge.grant("storage")
    for k in ["é", "z", "\U0001F600", "\uFFFD"]:
        storage.set(k, "x")
    assert storage.keys() == ["z", "é", "\uFFFD", "\U0001F600"]


def test_json_and_text_helpers(bridge):
    bridge.grant("storage").with_stored("broken", b"{not json")
    storage.set_json("draft", {"step": 2, "name": "Åsa"})
    assert bridge.storage["draft"] == '{"step":2,"name":"Åsa"}'.encode()
    assert storage.get_json("draft") == {"step": 2, "name": "Åsa"}
    assert storage.get_json("absent") is None
    assert storage.get_json("absent", default=[]) == []
    assert storage.get_text("draft").startswith('{"step"')
    assert code(storage.get_json, "broken") == "JSON"
    assert code(storage.set_json, "x", {1, 2}) == "JSON"
    assert code(storage.set_json, "x", float("nan")) == "JSON"


def test_tokens_are_narrowed_to_the_allowed_scopes(bridge):
    bridge.grant("auth").allow_scopes("profile", "email").at(1000)
    token = auth.token(["payments:write", "profile", "profile"])
    assert token.scopes == ["profile"]
    assert token.expires_at == 1000 + 900
    assert len(token.value.split(".")) == 3
    assert code(auth.token, ["payments:write"]) == "INVALID_ARGUMENT"
    assert code(auth.token, []) == "INVALID_ARGUMENT"
    with pytest.raises(TypeError):
        auth.token("profile")
    bridge.signed_out()
    assert code(auth.token, ["profile"]) == "UNAVAILABLE"


def test_payments_validate_and_are_idempotent_on_the_order_id(bridge):
    bridge.grant("payment")
    for args in [("", 1, "EUR"), ("o" * 129, 1, "EUR"), ("o", 0, "EUR"), ("o", 1, "eur"), ("o", 1, "EURO")]:
        assert code(payment.pay, *args) == "INVALID_ARGUMENT", args
    assert code(payment.query, "o-1") == "NOT_FOUND"
    first = payment.pay("o-1", 1500, "EUR", "fee")
    assert payment.pay("o-1", 9999, "EUR", "fee") == first
    assert payment.query("o-1") == first
    second = payment.pay("o-2", 1500, "EUR", "fee")
    assert first.transaction_id != second.transaction_id
    assert [r["orderId"] for r in bridge.payments] == ["o-1", "o-2"]


def test_cancelled_or_unavailable_payments_charge_nothing(bridge):
    bridge.grant("payment").with_payment_outcome("cancelled")
    assert code(payment.pay, "o", 1, "EUR") == "CANCELLED"
    bridge.with_payment_outcome("unavailable")
    assert code(payment.pay, "o", 1, "EUR") == "UNAVAILABLE"
    assert bridge.payments == []
    with pytest.raises(ValueError):
        bridge.with_payment_outcome("maybe")


def test_position_ui_device_clipboard_share(bridge):
    bridge.grant("location", "ui", "device", "clipboard", "share").with_modal_answers(1)
    assert code(geolocation.current_position) == "UNAVAILABLE"
    bridge.with_position(1.5, -2.5, 3.0)
    assert geolocation.current_position() == Position(1.5, -2.5, 3.0)
    assert code(ui.toast, "") == "INVALID_ARGUMENT"
    assert code(ui.modal, "t", "m", []) == "INVALID_ARGUMENT"
    assert ui.modal("t", "m", ["no", "yes"]) == 1
    assert code(ui.modal, "t", "m", ["ok"]) == "CANCELLED"
    assert code(ui.navigate, "apply") == "INVALID_ARGUMENT"
    ui.navigate("/apply/step-2")
    assert code(ui.set_title, "t" * 101) == "INVALID_ARGUMENT"
    ui.set_title("Loans")
    assert (bridge.navigations, bridge.titles, len(bridge.modals)) == (["/apply/step-2"], ["Loans"], 2)
    assert device.info().screen.width == 390
    assert code(device.vibrate, 1001) == "INVALID_ARGUMENT"
    device.vibrate(1000)
    bridge.without_vibrator()
    assert code(device.vibrate, 10) == "UNAVAILABLE"
    assert bridge.vibrations == [1000]
    assert clipboard.read_text() is None
    clipboard.write_text("after")
    assert clipboard.read_text() == "after"
    assert code(share.share, "hi", "ftp://x") == "INVALID_ARGUMENT"
    share.share("hi", "https://acme.example/loan")
    bridge.share_cancelled()
    assert code(share.share, "hi") == "CANCELLED"
    assert bridge.shares == [{"text": "hi", "url": "https://acme.example/loan"}]


def test_new_capabilities_need_their_permissions(bridge):
    bridge.grant("ui", "device")  # not haptics, not navigation
    assert code(haptics.vibrate_short, "light") == "PERMISSION_DENIED"
    assert code(haptics.vibrate_long) == "PERMISSION_DENIED"
    assert code(haptics.notify, "success") == "PERMISSION_DENIED"
    assert code(haptics.selection_changed) == "PERMISSION_DENIED"
    bridge.with_known_apps("com.acme.loans")
    assert code(navigation.open_mini_program, "com.acme.loans") == "PERMISSION_DENIED"
    assert code(navigation.open_url, "https://acme.example") == "PERMISSION_DENIED"
    assert code(navigation.exit) == "PERMISSION_DENIED"
    # Denial comes before validation, as on the host.
    assert code(haptics.notify, "loud") == "PERMISSION_DENIED"
    assert code(navigation.open_url, "ftp://x") == "PERMISSION_DENIED"
    assert bridge.haptics == [] and bridge.opened == []

    # The new ui and device methods need ui and device, which the others still lack.
    bridge.revoke("ui", "device")
    assert code(ui.action_sheet, ["a"]) == "PERMISSION_DENIED"
    assert code(ui.show_loading, "wait") == "PERMISSION_DENIED"
    assert code(ui.hide_loading) == "PERMISSION_DENIED"
    assert code(ui.set_navigation_bar_color, "#ffffff", "#112233") == "PERMISSION_DENIED"
    assert code(ui.pick_date, "2024-02-29") == "PERMISSION_DENIED"
    assert code(device.network_type) == "PERMISSION_DENIED"
    assert code(device.battery) == "PERMISSION_DENIED"
    assert code(device.set_keep_screen_on, True) == "PERMISSION_DENIED"
    assert code(device.system_info) == "PERMISSION_DENIED"
    assert bridge.action_sheets == [] and bridge.loading is None and bridge.bar_colors == []
    assert bridge.keep_screen_on is False
    assert bridge.calls[-1] == {
        "method": "device.systemInfo",
        "params": {},
        "error": {"code": "PERMISSION_DENIED", "message": BridgeError("PERMISSION_DENIED").message},
    }


def test_haptics_validate_and_need_a_vibrator(bridge):
    bridge.grant("haptics")
    assert code(haptics.vibrate_short, "loud") == "INVALID_ARGUMENT"
    assert code(haptics.notify, "info") == "INVALID_ARGUMENT"
    haptics.vibrate_short("heavy")
    haptics.vibrate_short()
    haptics.vibrate_long()
    haptics.notify("error")
    haptics.selection_changed()
    assert bridge.haptics == [
        {"effect": "short", "style": "heavy"},
        {"effect": "short", "style": "medium"},
        {"effect": "long"},
        {"effect": "notification", "kind": "error"},
        {"effect": "selection"},
    ]
    bridge.without_vibrator()
    assert code(haptics.selection_changed) == "UNAVAILABLE"
    assert code(haptics.vibrate_long) == "UNAVAILABLE"
    assert len(bridge.haptics) == 5
    assert bridge.calls[0]["params"] == {"style": "loud"}
    assert bridge.calls[2] == {"method": "haptics.vibrateShort", "params": {"style": "heavy"}, "result": None}


def test_new_device_methods_answer_the_configured_device(bridge):
    bridge.grant("device")
    assert device.network_type() == "wifi"
    assert device.battery() == BatteryInfo(100, False)
    assert device.system_info() == SystemInfo("mock", "mock phone", "1.0", "light", 1.0)
    bridge.with_network_type("none").with_battery(7, charging=True).with_system_info(theme="dark", font_scale=1.3)
    assert device.network_type() == "none"
    assert device.battery() == BatteryInfo(7, True)
    info = device.system_info()
    assert (info.brand, info.theme, info.font_scale) == ("mock", "dark", 1.3)
    bridge.without_battery()
    assert code(device.battery) == "UNAVAILABLE"
    assert code(device.set_keep_screen_on, "yes") == "INVALID_ARGUMENT"
    assert bridge.keep_screen_on is False
    device.set_keep_screen_on(True)
    assert bridge.keep_screen_on is True
    device.set_keep_screen_on(False)
    assert bridge.keep_screen_on is False
    assert bridge.calls[4] == {
        "method": "device.battery",
        "params": {},
        "result": {"level": 7, "charging": True},
    }
    with pytest.raises(ValueError):
        bridge.with_network_type("5g")
    with pytest.raises(ValueError):
        bridge.with_battery(101)


def test_new_ui_methods_validate_with_the_contracts_limits(bridge):
    bridge.grant("ui").with_modal_answers(2).with_date_answers("2024-03-01")
    assert code(ui.action_sheet, []) == "INVALID_ARGUMENT"
    assert code(ui.action_sheet, ["a"] * 7) == "INVALID_ARGUMENT"
    assert code(ui.action_sheet, ["a", ""]) == "INVALID_ARGUMENT"
    assert code(ui.action_sheet, ["é" * 21]) == "INVALID_ARGUMENT"  # 42 bytes
    assert ui.action_sheet(["a"] * 5 + ["é" * 20]) == 2
    assert code(ui.action_sheet, ["a", "b"]) == "CANCELLED", "answers ran out: dismissed"
    assert bridge.action_sheets == [["a"] * 5 + ["é" * 20], ["a", "b"]]

    assert code(ui.show_loading, "") == "INVALID_ARGUMENT"
    assert code(ui.show_loading, "t" * 101) == "INVALID_ARGUMENT"
    ui.show_loading("Saving")
    assert bridge.loading == "Saving"
    ui.hide_loading()
    ui.hide_loading()
    assert bridge.loading is None

    assert code(ui.set_navigation_bar_color, "#fff", "#112233") == "INVALID_ARGUMENT"
    assert code(ui.set_navigation_bar_color, "#ffffff", "#11223") == "INVALID_ARGUMENT"
    assert code(ui.set_navigation_bar_color, "#000000", "#11223g") == "INVALID_ARGUMENT"
    ui.set_navigation_bar_color("#000000", "#AbCdEf")
    assert bridge.bar_colors == [("#000000", "#AbCdEf")]

    assert code(ui.pick_date, "2023-02-29") == "INVALID_ARGUMENT", "not a leap year"
    assert code(ui.pick_date, "2024-1-01") == "INVALID_ARGUMENT"
    assert code(ui.pick_date, "2024-02-10", start="2024-13-01") == "INVALID_ARGUMENT"
    assert code(ui.pick_date, "2024-02-10", start="2024-02-11") == "INVALID_ARGUMENT"
    assert code(ui.pick_date, "2024-02-10", end="2024-02-09") == "INVALID_ARGUMENT"
    assert ui.pick_date("2024-02-29", "2024-01-01", "2024-12-31") == "2024-03-01"
    assert code(ui.pick_date, "2024-02-29") == "CANCELLED"
    assert bridge.calls[-2]["params"] == {"initial": "2024-02-29", "start": "2024-01-01", "end": "2024-12-31"}
    assert bridge.date_pickers[-1] == {"initial": "2024-02-29", "start": None, "end": None}
    bridge.with_date_answers("2025-01-01")
    with pytest.raises(ValueError, match="outside"):
        ui.pick_date("2024-06-01", end="2024-12-31")
    with pytest.raises(ValueError):
        bridge.with_date_answers("tomorrow")


def test_navigation_opens_known_mini_programs_and_web_urls_once_the_user_agrees(bridge):
    bridge.grant("navigation").with_known_apps("com.acme.loans")
    for bad in ("acme.loans", "com.Acme.loans", "com..loans", "com.acme.loans!"):
        assert code(navigation.open_mini_program, bad) == "INVALID_ARGUMENT", bad
    assert code(navigation.open_mini_program, "com.example.mock") == "INVALID_ARGUMENT", "its own id"
    assert code(navigation.open_mini_program, "com.acme.loans", "apply") == "INVALID_ARGUMENT"
    assert code(navigation.open_mini_program, "com.acme.loans", "/" + "p" * 1000) == "INVALID_ARGUMENT"
    assert code(navigation.open_mini_program, "com.acme.loans", None, "x" * 4097) == "INVALID_ARGUMENT"
    assert code(navigation.open_mini_program, "com.acme.cards") == "NOT_FOUND"
    navigation.open_mini_program("com.acme.loans", "/apply", "x" * 4096)
    navigation.open_mini_program("com.acme.loans")

    for bad in ("ftp://acme.example", "https://", "https:///path", "https://acme.example/a b",
                "https://acme.example/\x07", "https://a.example/" + "p" * 2031):
        assert code(navigation.open_url, bad) == "INVALID_ARGUMENT", bad
    navigation.open_url("http://acme.example/rates?x=1")
    navigation.open_url("https://a.example/" + "p" * 2030)  # 2048 bytes

    bridge.navigation_declined()
    assert code(navigation.open_url, "https://acme.example") == "CANCELLED"
    assert code(navigation.open_mini_program, "com.acme.loans") == "CANCELLED"
    assert code(navigation.open_mini_program, "com.acme.other") == "NOT_FOUND", "unknown before asking"
    navigation.exit()
    assert bridge.opened == [
        {"appId": "com.acme.loans", "path": "/apply", "extraData": "x" * 4096},
        {"appId": "com.acme.loans", "path": None, "extraData": None},
        {"url": "http://acme.example/rates?x=1"},
        {"url": "https://a.example/" + "p" * 2030},
        {"exit": True},
    ]
    assert bridge.methods()[-1] == "navigation.exit"
    opened = [c for c in bridge.calls if "result" in c and c["method"] == "navigation.openMiniProgram"]
    assert opened[1]["params"] == {"appId": "com.acme.loans", "path": None, "extraData": None}


def test_new_methods_record_and_replay(bridge):
    bridge.grant("device", "ui", "haptics").with_modal_answers(1)
    battery = device.battery()
    system = device.system_info()
    choice = ui.action_sheet(["Edit", "Delete"])
    haptics.notify("success")
    recording = bridge.recording_json()
    with MockBridge().replay(recording) as replayed:
        assert device.battery() == battery
        assert device.system_info() == system
        assert ui.action_sheet(["Edit", "Delete"]) == choice == 1
        haptics.notify("success")
    assert replayed.replay_remaining == 0 and replayed.haptics == []


def test_logs_are_truncated_on_a_char_boundary(bridge):
    log.warn("é" * 3000)  # 6000 bytes
    log.error("short")
    assert len(bridge.logs[0][1].encode()) == 4096
    assert bridge.logs[1] == ("error", "short")
    with pytest.raises(ValueError):
        log.log("loud", "x")


def test_a_recording_replays_to_the_same_answers(bridge):
    bridge.grant("storage", "payment")
    storage.set("text", b"hi")
    storage.set("bin", b"\xff\x00")
    binary = storage.get("bin")
    receipt = payment.pay("o", 1500, "EUR", "fee")
    with pytest.raises(BridgeError):
        geolocation.current_position()
    recording = bridge.recording_json()
    parsed = json.loads(recording)
    assert parsed[0]["params"] == {"key": "text", "value": "hi"}
    assert parsed[2]["result"] == [255, 0]
    assert parsed[4]["error"]["code"] == "PERMISSION_DENIED"

    # Replay grants nothing: every answer comes from the recording.
    with MockBridge().replay(recording) as replayed:
        storage.set("text", b"hi")
        storage.set("bin", b"\xff\x00")
        assert storage.get("bin") == binary
        assert payment.pay("o", 1500, "EUR", "fee") == receipt
        assert code(geolocation.current_position) == "PERMISSION_DENIED"
    assert replayed.replay_remaining == 0
    assert replayed.storage == {}, "replay simulates nothing"
    assert replayed.recording_json() == recording


def test_hand_written_fixtures_may_omit_params(bridge):
    bridge.replay(
        [
            {"method": "auth.getToken", "result": {"value": "a.b.c", "expiresAt": 5, "scopes": ["profile"]}},
            {"method": "ui.toast", "params": {"message": "hi"}, "error": {"code": "CANCELLED", "message": ""}},
            {"method": "storage.get", "params": {"key": "k"}, "result": None},
            {"method": "device.info", "result": {"platform": 1}},
        ]
    )
    assert auth.token(["anything"]).expires_at == 5
    assert code(ui.toast, "hi") == "CANCELLED"
    assert storage.get("k") is None
    assert code(device.info) == "JSON"
    assert bridge.replay_remaining == 0


def test_replay_refuses_a_different_call_or_one_past_the_end(bridge):
    bridge.replay('[{"method": "ui.toast", "params": {"message": "hi"}, "result": null}]')
    with pytest.raises(ReplayMismatch, match="the recording expects ui.toast"):
        ui.navigate("/x")
    with pytest.raises(ReplayMismatch, match="expects ui.toast"):
        ui.toast("other")
    ui.toast("hi")
    with pytest.raises(ReplayMismatch, match="no entry left"):
        ui.toast("hi")


def test_malformed_recordings_are_refused():
    with pytest.raises(ValueError):
        MockBridge().replay("{}")
    both = [{"method": "ui.toast", "result": None, "error": {"code": "CANCELLED", "message": ""}}]
    with pytest.raises(ValueError, match="both"):
        MockBridge().replay(both)


def test_the_fixture_uninstalls_the_mock_afterwards():
    from miniapp import _backend

    assert _backend._current is None, "no mock left installed by an earlier test"
    with MockBridge().grant("storage") as mock:
        storage.set("k", "v")
    assert _backend._current is None
    assert mock.storage == {"k": b"v"}


def test_settings_report_and_ask_again_once_for_the_next_launch(bridge):
    from miniapp import PermissionStatus, settings

    bridge.grant("storage").with_declined("location", "ui").with_not_asked("clipboard")
    assert settings.permissions() == [
        PermissionStatus("storage", "granted", True),
        PermissionStatus("location", "denied", False),
        PermissionStatus("ui", "denied", False),
        PermissionStatus("clipboard", "notAsked", False),
    ]
    assert settings.request("location") == PermissionStatus("location", "granted", False)
    assert code(geolocation.current_position) == "PERMISSION_DENIED"
    # `ui` needs no consent: withheld by the host, nobody is asked.
    assert settings.request("ui") == PermissionStatus("ui", "denied", False)
    for bad in ("payment", "microphone", "", 7):
        assert code(settings.request, bad) == "INVALID_ARGUMENT"
    assert bridge.consent_requests == ["location"]
    settings.open_host_settings()
    assert bridge.settings_opened == 1


def test_settings_declined_again_and_without_a_settings_page():
    from miniapp import settings

    with MockBridge().with_declined("location").requests_declined().without_settings_page() as bridge:
        assert settings.request("location").state == "denied"
        assert settings.request("location").state == "denied"
        assert bridge.consent_requests == ["location"]
        assert code(settings.open_host_settings) == "UNAVAILABLE"


def test_secure_storage_keeps_small_secrets_and_refuses_bad_input(bridge):
    from miniapp import secure_storage

    bridge.grant("storage")
    secure_storage.set("refresh", "s3cret")
    assert secure_storage.get("refresh") == "s3cret"
    assert secure_storage.get("none") is None
    for key, value in (("", "v"), ("a\x00b", "v"), ("k" * 129, "v"), ("k", "v" * 4097)):
        assert code(secure_storage.set, key, value) == "INVALID_ARGUMENT"
    for i in range(1, 64):
        secure_storage.set(f"k{i}", "v")
    assert code(secure_storage.set, "more", "v") == "QUOTA_EXCEEDED"
    assert secure_storage.remove("refresh") is True
    assert secure_storage.remove("refresh") is False
    assert len(bridge.secrets) == 63
    bridge.revoke("storage")
    assert code(secure_storage.get, "k1") == "PERMISSION_DENIED"


def test_secure_storage_without_a_keystore():
    from miniapp import secure_storage

    with MockBridge().grant("storage").without_keystore():
        assert code(secure_storage.get, "k") == "UNAVAILABLE"


def test_files_stay_in_the_sandbox_and_share_the_storage_quota(bridge):
    from miniapp import FileInfo, files

    bridge.grant("storage").with_quota(100).at(1_700_000_000)
    files.write("notes/a.txt", "alpha")
    files.write("top", "t")
    assert files.read("notes/a.txt") == "alpha"
    assert files.list("notes") == [FileInfo("notes/a.txt", 5, 1_700_000_000)]
    assert len(files.list()) == 2
    assert files.stat("top").size == 1
    assert code(files.read, "none") == "NOT_FOUND"
    for bad in ("../x", "/etc/passwd", "a/../../b", "a//b", "a\x00b", "a\\b", ""):
        assert code(files.write, bad, "x") == "INVALID_ARGUMENT", bad
    assert code(files.write, "big", "x" * 90) == "QUOTA_EXCEEDED"
    assert code(storage.set, "k", b"x" * 70) == "QUOTA_EXCEEDED"
    assert files.remove("top") is True
    assert files.remove("top") is False
    bridge.revoke("storage")
    assert code(files.list) == "PERMISSION_DENIED"


def test_login_codes_and_the_profile_after_consent(bridge):
    from miniapp.types import LoginCode, UserProfile

    bridge.grant("auth").at(1_700_000_000)
    assert auth.login_code() == LoginCode("mock-login-code-1", 1_700_000_300)
    assert auth.login_code().code == "mock-login-code-2"
    assert auth.profile() == UserProfile("mock-user", None)
    bridge.profile_declines()
    assert code(auth.profile) == "CANCELLED"
    bridge.signed_out()
    assert code(auth.login_code) == "UNAVAILABLE"
    bridge.revoke("auth")
    assert code(auth.profile) == "PERMISSION_DENIED"


def test_biometrics_prompt_needs_a_reason_and_the_permission(bridge):
    from miniapp import biometrics

    bridge.grant("biometrics").with_biometric_answers("recognised", "cancel", "unavailable")
    biometrics.authenticate("Confirm the transfer")
    assert code(biometrics.authenticate, "Again") == "CANCELLED"
    assert code(biometrics.authenticate, "Once more") == "UNAVAILABLE"
    for bad in ("", "   ", "x" * 201, "a\x00b"):
        assert code(biometrics.authenticate, bad) == "INVALID_ARGUMENT"
    assert bridge.biometric_prompts == ["Confirm the transfer", "Again"]
    bridge.revoke("biometrics")
    assert code(biometrics.authenticate, "x") == "PERMISSION_DENIED"


def test_notifications_in_the_future_and_topics(bridge):
    from miniapp import notifications

    bridge.grant("notifications").at(1_700_000_000)
    assert notifications.request_permission() is True
    notifications.schedule("due", "Payment due", 1_700_003_600, body="Tomorrow")
    assert code(notifications.schedule, "late", "Late", 1_699_999_999) == "INVALID_ARGUMENT"
    assert code(notifications.schedule, "Bad Id", "t", 1_800_000_000) == "INVALID_ARGUMENT"
    assert code(notifications.schedule, "x", "", 1_800_000_000) == "INVALID_ARGUMENT"
    notifications.subscribe("offers")
    assert code(notifications.subscribe, "../x") == "INVALID_ARGUMENT"
    assert list(bridge.notifications) == ["due"] and bridge.topics == ["offers"]
    bridge.with_notifications_off()
    assert notifications.request_permission() is False
    assert code(notifications.schedule, "y", "t", 1_800_000_000) == "UNAVAILABLE"
    bridge.revoke("notifications")
    assert code(notifications.subscribe, "offers") == "PERMISSION_DENIED"


def test_media_pick_bounded_cancel_scan_no_camera_and_consent(bridge):
    from miniapp import media
    from miniapp.testing import SAMPLE_IMAGE, SAMPLE_SCAN

    jpeg = media.Image("image/jpeg", b"\xff\xd8" + b"x" * 2998, 64, 48)
    ean = media.ScannedCode("4006381333931", "ean-13")
    bridge.grant("camera").with_images("cancel", jpeg, jpeg).with_scans(ean, "cancel")
    assert code(media.choose_image) == "CANCELLED"
    assert code(media.choose_image, "camera", max_bytes=2999) == "QUOTA_EXCEEDED"
    assert media.choose_image(max_bytes=3000) == jpeg
    png = media.choose_image("camera")
    assert png == SAMPLE_IMAGE and png.data[1:4] == b"PNG"
    for bad in ({"max_bytes": 0}, {"max_bytes": 4 * 1024 * 1024 + 1}, {"source": "screen"}):
        assert code(media.choose_image, **bad) == "INVALID_ARGUMENT"
    assert media.scan_code() == ean
    assert code(media.scan_code) == "CANCELLED"
    assert media.scan_code() == SAMPLE_SCAN
    assert bridge.media_shown == ["album", "camera", "album", "camera", "scanner", "scanner", "scanner"]
    # Recorded as the JSON bridge carries it: the bytes in base64.
    recorded = [c for c in bridge.calls if c["method"] == "media.chooseImage" and "result" in c][-1]
    assert recorded["result"]["data"].startswith("iVBORw0KGgo")
    bridge.without_camera()
    assert code(media.scan_code) == "UNAVAILABLE"
    assert code(media.choose_image, "camera") == "UNAVAILABLE"
    assert media.choose_image("album") == SAMPLE_IMAGE
    bridge.revoke("camera")
    assert code(media.scan_code) == "PERMISSION_DENIED"


def test_updates_report_the_version_and_a_check_stages_the_offer(bridge):
    from miniapp import updates

    # No permission needed: the fixture's bridge grants nothing here.
    bridge.with_version("1.2.0")
    assert updates.status() == updates.UpdateStatus("1.2.0", None)
    assert updates.check().pending is None, "nothing newer"
    bridge.with_update("1.3.0")
    assert updates.check() == updates.UpdateStatus("1.2.0", "1.3.0")
    assert updates.status().pending == "1.3.0"
    assert bridge.update_checks == 2
    bridge.with_update("unavailable")
    assert code(updates.check) == "UNAVAILABLE"


def test_performance_counts_this_instances_calls(bridge):
    from miniapp import performance, storage

    bridge.grant("storage")
    assert performance.metrics().bridge_calls == 1
    storage.keys()
    m = performance.metrics()
    assert m.bridge_calls == 3
    assert m.launch is not None and m.launch.on_launch_ms is None and m.guest_ms == 0.0
