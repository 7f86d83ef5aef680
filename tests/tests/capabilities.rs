//! The bridge's newer capabilities, each from both transports of one installed app: the `probe`
//! component (WIT imports, through the linker) and the web JSON bridge (`json_bridge::dispatch`
//! on the app's context). Both reach the same capability functions through the same
//! `bridge_call`, so a well-formed call answers the same on both; arguments a WIT type cannot
//! carry (an unknown enum name) are bad input on the JSON path only.

use std::sync::{Arc, Mutex};

use miniapp_package::{AppId, Permission};
use miniapp_runtime::BridgeError;
use miniapp_runtime::capabilities::auth::DevIdentity;
use miniapp_runtime::capabilities::biometrics::ScriptedBiometrics;
use miniapp_runtime::capabilities::consent::{ConsentService, ScriptedConsent};
use miniapp_runtime::capabilities::device::{
    BatteryInfo, DevDevice, DeviceInfo, DeviceService, NetworkType, SystemInfo, Theme,
};
use miniapp_runtime::capabilities::haptics::{
    HapticEffect, HapticNotification, ImpactStyle, RecordingHaptics,
};
use miniapp_runtime::capabilities::media::{Image, SAMPLE_SCAN_TEXT, ScannedCode, ScriptedMedia};
use miniapp_runtime::capabilities::navigation::{Navigation, RecordingNavigator};
use miniapp_runtime::capabilities::notifications::RecordingNotifications;
use miniapp_runtime::capabilities::secure_storage::MemoryKeystore;
use miniapp_runtime::capabilities::settings::{RecordingSettings, SettingsService};
use miniapp_runtime::capabilities::ui::{RecordingUi, UiEvent};
use miniapp_runtime::{HostServices, Runtime, RuntimeConfig, json_bridge};
use miniapp_scenarios::{
    ALL_BRIDGE, World, block_on, guests, manifest, package, probe_script, run_app,
};
use serde_json::{Value, json};

const PROBE: &str = "com.acme.probe";

/// A home with the probe installed (it declares every bridge permission); `withheld`: what the
/// host's policy takes away at every launch.
fn installed(services: HostServices, withheld: &[Permission]) -> (World, Runtime) {
    let world = World::new();
    let rt = Runtime::new(
        world.home(),
        RuntimeConfig {
            withheld: withheld.iter().collect(),
            ..RuntimeConfig::new(services)
        },
    )
    .unwrap();
    rt.install_package(&package(
        &manifest(PROBE, "1.0.0", ALL_BRIDGE),
        guests::PROBE,
    ))
    .unwrap();
    (world, rt)
}

/// The calls made by the component, each `{"ok": result}` or `{"err": CODE}`.
fn component(rt: &Runtime, calls: &[(&str, Value)]) -> Vec<Value> {
    let out = run_app(rt, PROBE, &probe_script(calls), None).unwrap();
    serde_json::from_str(&out).unwrap()
}

/// The same calls made by a web page through the JSON bridge, in the probe's answer shape.
fn web(rt: &Runtime, calls: &[(&str, Value)]) -> Vec<Value> {
    block_on(async {
        let ctx = rt.app_context(&AppId::parse(PROBE).unwrap()).await.unwrap();
        let mut out = Vec::new();
        for (i, (method, params)) in calls.iter().enumerate() {
            let request = json!({"id": i + 1, "method": method, "params": params});
            let response = json_bridge::dispatch(&ctx, &request).await;
            assert_eq!(response["id"], i + 1);
            out.push(match response.get("error") {
                Some(e) => json!({"err": e["code"]}),
                None => json!({"ok": response["result"]}),
            });
        }
        out
    })
}

/// Component first, then the web page: both must answer alike.
fn both(rt: &Runtime, calls: &[(&str, Value)]) -> Vec<Value> {
    let from_component = component(rt, calls);
    let from_web = web(rt, calls);
    assert_eq!(from_component, from_web, "the transports disagree");
    from_component
}

fn all(outcomes: &[Value], expected: Value) {
    assert!(outcomes.iter().all(|o| *o == expected), "{outcomes:?}");
}

fn with_haptics(haptics: &Arc<RecordingHaptics>) -> HostServices {
    HostServices {
        haptics: haptics.clone(),
        ..HostServices::development()
    }
}

#[test]
fn haptics_play_from_both_transports_and_refuse_bad_input() {
    let haptics = Arc::new(RecordingHaptics::default());
    let (_world, rt) = installed(with_haptics(&haptics), &[]);
    let calls = [
        ("haptics.vibrateShort", json!({"style": "heavy"})),
        ("haptics.vibrateLong", json!({})),
        ("haptics.notify", json!({"kind": "error"})),
        ("haptics.selectionChanged", json!({})),
    ];
    all(&both(&rt, &calls), json!({"ok": null}));
    let played: Vec<HapticEffect> = haptics.played().into_iter().map(|(_, e)| e).collect();
    let once = [
        HapticEffect::Short(ImpactStyle::Heavy),
        HapticEffect::Long,
        HapticEffect::Notification(HapticNotification::Error),
        HapticEffect::Selection,
    ];
    assert_eq!(played, [once, once].concat(), "component, then web");
    assert!(
        haptics
            .played()
            .iter()
            .all(|(app, _)| app.as_str() == PROBE)
    );

    let bad = web(
        &rt,
        &[
            ("haptics.vibrateShort", json!({"style": "thunder"})),
            ("haptics.notify", json!({})),
            ("haptics.vibrateLong", json!({"millis": 5000})),
        ],
    );
    all(&bad, json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(haptics.played().len(), 8, "bad input played nothing");
}

#[test]
fn haptics_denied_by_the_host_or_without_an_engine() {
    let haptics = Arc::new(RecordingHaptics::default());
    let (world, rt) = installed(with_haptics(&haptics), &[Permission::Haptics]);
    let calls = [
        ("haptics.vibrateShort", json!({"style": "light"})),
        ("haptics.selectionChanged", json!({})),
    ];
    all(&both(&rt, &calls), json!({"err": "PERMISSION_DENIED"}));
    assert!(haptics.played().is_empty(), "the service was never called");
    let denied: Vec<Value> = world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "permission_denied")
        .collect();
    assert_eq!(denied[0]["details"]["method"], "haptics.vibrateShort");

    let none = Arc::new(RecordingHaptics::without_vibrator());
    let (_world, rt) = installed(with_haptics(&none), &[]);
    all(&both(&rt, &calls), json!({"err": "UNAVAILABLE"}));
}

/// A phone on a cellular network whose battery reports `level` and that records keep-screen-on.
struct Phone {
    level: u8,
    kept_on: Mutex<Vec<(String, bool)>>,
}

impl Phone {
    fn new(level: u8) -> Arc<Phone> {
        Arc::new(Phone {
            level,
            kept_on: Mutex::default(),
        })
    }
    fn kept_on(&self) -> Vec<(String, bool)> {
        self.kept_on.lock().unwrap().clone()
    }
}

impl DeviceService for Phone {
    fn info(&self) -> DeviceInfo {
        DevDevice.info()
    }
    fn vibrate(&self, _millis: u32) -> Result<(), BridgeError> {
        Ok(())
    }
    fn network_type(&self) -> NetworkType {
        NetworkType::Cellular
    }
    fn battery(&self) -> Result<BatteryInfo, BridgeError> {
        Ok(BatteryInfo {
            level: self.level,
            charging: false,
        })
    }
    fn set_keep_screen_on(&self, app: &AppId, keep_on: bool) -> Result<(), BridgeError> {
        self.kept_on
            .lock()
            .unwrap()
            .push((app.to_string(), keep_on));
        Ok(())
    }
    fn system_info(&self) -> Result<SystemInfo, BridgeError> {
        Ok(SystemInfo {
            brand: "Acme".into(),
            model: "Phone 1".into(),
            os_version: "14".into(),
            theme: Theme::Dark,
            font_scale: 1.25,
        })
    }
}

fn with_device(phone: &Arc<Phone>) -> HostServices {
    HostServices {
        device: phone.clone(),
        ..HostServices::development()
    }
}

#[test]
fn device_network_battery_screen_and_system_from_both_transports() {
    let phone = Phone::new(42);
    let (_world, rt) = installed(with_device(&phone), &[]);
    let out = both(
        &rt,
        &[
            ("device.networkType", json!({})),
            ("device.battery", json!({})),
            ("device.setKeepScreenOn", json!({"keepOn": true})),
            ("device.systemInfo", json!({})),
        ],
    );
    assert_eq!(out[0], json!({"ok": "cellular"}));
    assert_eq!(out[1], json!({"ok": {"level": 42, "charging": false}}));
    assert_eq!(out[2], json!({"ok": null}));
    assert_eq!(
        out[3],
        json!({"ok": {"brand": "Acme", "model": "Phone 1", "osVersion": "14", "theme": "dark", "fontScale": 1.25}})
    );
    let probe = PROBE.to_string();
    assert_eq!(phone.kept_on(), [(probe.clone(), true), (probe, true)]);

    let bad = web(
        &rt,
        &[
            ("device.setKeepScreenOn", json!({"keepOn": "yes"})),
            ("device.setKeepScreenOn", json!({})),
            ("device.battery", json!({"level": 100})),
        ],
    );
    all(&bad, json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(phone.kept_on().len(), 2, "bad input changed nothing");
}

#[test]
fn device_additions_denied_by_the_host_and_a_host_battery_over_100() {
    let phone = Phone::new(120);
    let (_world, rt) = installed(with_device(&phone), &[]);
    all(
        &both(&rt, &[("device.battery", json!({}))]),
        json!({"err": "INTERNAL"}),
    );

    let (_world, rt) = installed(with_device(&phone), &[Permission::Device]);
    let out = both(
        &rt,
        &[
            ("device.setKeepScreenOn", json!({"keepOn": true})),
            ("device.networkType", json!({})),
        ],
    );
    all(&out, json!({"err": "PERMISSION_DENIED"}));
    assert!(phone.kept_on().is_empty());
}

#[test]
fn ui_sheets_loading_bar_colour_and_dates_from_both_transports() {
    let ui = Arc::new(RecordingUi::default());
    let services = HostServices {
        ui: ui.clone(),
        ..HostServices::development()
    };
    let (_world, rt) = installed(services, &[]);
    let out = both(
        &rt,
        &[
            ("ui.actionSheet", json!({"items": ["Edit", "Delete"]})),
            ("ui.showLoading", json!({"title": "Saving"})),
            ("ui.hideLoading", json!({})),
            (
                "ui.setNavigationBarColor",
                json!({"frontColor": "#ffffff", "backgroundColor": "#0a0B0c"}),
            ),
            (
                "ui.pickDate",
                json!({"initial": "2024-02-29", "start": "2024-01-01", "end": "2024-12-31"}),
            ),
        ],
    );
    assert_eq!(
        out,
        [
            json!({"ok": 0}),
            json!({"ok": null}),
            json!({"ok": null}),
            json!({"ok": null}),
            json!({"ok": "2024-02-29"}),
        ]
    );
    let events: Vec<UiEvent> = ui.events().into_iter().map(|(_, e)| e).collect();
    assert_eq!(events.len(), 10, "component, then web");
    assert_eq!(events[1], UiEvent::Loading(Some("Saving".into())));
    assert_eq!(events[2], UiEvent::Loading(None));

    // Bad input from either transport reaches no UI.
    let bad = [
        ("ui.actionSheet", json!({"items": []})),
        (
            "ui.actionSheet",
            json!({"items": ["1", "2", "3", "4", "5", "6", "7"]}),
        ),
        ("ui.showLoading", json!({"title": ""})),
        (
            "ui.setNavigationBarColor",
            json!({"frontColor": "#ff0000", "backgroundColor": "#000000"}),
        ),
        ("ui.pickDate", json!({"initial": "2023-02-29"})),
        (
            "ui.pickDate",
            json!({"initial": "2024-01-01", "start": "2024-06-01"}),
        ),
    ];
    all(&both(&rt, &bad), json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(ui.events().len(), 10);

    let (_world, rt) = installed(
        HostServices {
            ui: ui.clone(),
            ..HostServices::development()
        },
        &[Permission::Ui],
    );
    let denied = both(&rt, &[("ui.showLoading", json!({"title": "x"}))]);
    all(&denied, json!({"err": "PERMISSION_DENIED"}));
    assert_eq!(ui.events().len(), 10);
}

fn with_navigator(nav: &Arc<RecordingNavigator>) -> HostServices {
    HostServices {
        navigation: nav.clone(),
        ..HostServices::development()
    }
}

#[test]
fn navigation_opens_known_apps_and_urls_from_both_transports() {
    let nav = Arc::new(RecordingNavigator::knowing(&["com.globex.offers"]));
    let (_world, rt) = installed(with_navigator(&nav), &[]);
    let out = both(
        &rt,
        &[
            (
                "navigation.openMiniProgram",
                json!({"appId": "com.globex.offers", "path": "/loan", "extraData": "{\"amount\":5}"}),
            ),
            (
                "navigation.openUrl",
                json!({"url": "https://acme.example/terms"}),
            ),
            ("navigation.exit", json!({})),
            (
                "navigation.openMiniProgram",
                json!({"appId": "com.globex.unknown"}),
            ),
        ],
    );
    assert_eq!(
        out[..3],
        [
            json!({"ok": null}),
            json!({"ok": null}),
            json!({"ok": null})
        ]
    );
    assert_eq!(out[3], json!({"err": "NOT_FOUND"}));
    let done = nav.done();
    assert_eq!(done.len(), 6, "component, then web");
    assert!(done.iter().all(|(app, _)| app.as_str() == PROBE));
    assert_eq!(
        done[0].1,
        Navigation::MiniProgram {
            target: AppId::parse("com.globex.offers").unwrap(),
            path: Some("/loan".into()),
            extra_data: Some("{\"amount\":5}".into()),
        }
    );

    // Bad input, from either transport, opens nothing and leaves nothing.
    let big = "x".repeat(4097);
    let bad = [
        ("navigation.openMiniProgram", json!({"appId": "../../etc"})),
        ("navigation.openMiniProgram", json!({"appId": PROBE})),
        (
            "navigation.openMiniProgram",
            json!({"appId": "com.globex.offers", "path": "loan"}),
        ),
        (
            "navigation.openMiniProgram",
            json!({"appId": "com.globex.offers", "extraData": big}),
        ),
        ("navigation.openUrl", json!({"url": "javascript:alert(1)"})),
        ("navigation.openUrl", json!({"url": "file:///etc/passwd"})),
    ];
    all(&both(&rt, &bad), json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(nav.done().len(), 6);
}

#[test]
fn navigation_declined_by_the_user_or_denied_by_the_host() {
    let declining = Arc::new(RecordingNavigator::knowing(&["com.globex.offers"]).declining());
    let (_world, rt) = installed(with_navigator(&declining), &[]);
    let calls = [
        (
            "navigation.openMiniProgram",
            json!({"appId": "com.globex.offers"}),
        ),
        ("navigation.openUrl", json!({"url": "https://acme.example"})),
    ];
    all(&both(&rt, &calls), json!({"err": "CANCELLED"}));
    assert!(declining.done().is_empty());

    let nav = Arc::new(RecordingNavigator::knowing(&["com.globex.offers"]));
    let (_world, rt) = installed(with_navigator(&nav), &[Permission::Navigation]);
    let denied = both(&rt, &[calls[0].clone(), ("navigation.exit", json!({}))]);
    all(&denied, json!({"err": "PERMISSION_DENIED"}));
    assert!(nav.done().is_empty());
}

/// Answers consent prompts from a script, in order (yes once it runs out), and counts them.
#[derive(Default)]
struct ScriptedAnswers {
    answers: Mutex<std::collections::VecDeque<bool>>,
    asked: Mutex<Vec<Permission>>,
}

impl ScriptedAnswers {
    fn new(answers: &[bool]) -> Arc<Self> {
        Arc::new(ScriptedAnswers {
            answers: Mutex::new(answers.iter().copied().collect()),
            asked: Mutex::default(),
        })
    }
    fn asked(&self) -> Vec<Permission> {
        self.asked.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl ConsentService for ScriptedAnswers {
    async fn ask(&self, _app: &AppId, permission: Permission) -> bool {
        self.asked.lock().unwrap().push(permission);
        self.answers.lock().unwrap().pop_front().unwrap_or(true)
    }
}

fn status(permission: &str, state: &str, active: bool) -> Value {
    json!({"ok": {"permission": permission, "state": state, "active": active}})
}

#[test]
fn settings_report_and_ask_again_from_both_transports_for_the_next_launch() {
    // The launch asks payment, location, clipboard, biometrics, notifications, camera in that
    // order: the user declines location, then agrees when the mini-program asks again.
    let consent = ScriptedAnswers::new(&[true, false, true, true, true, true, true]);
    let page = Arc::new(RecordingSettings::default());
    let services = HostServices {
        consent: consent.clone(),
        settings: page.clone(),
        ..HostServices::development()
    };
    let (_world, rt) = installed(services, &[Permission::Share]);
    let out = component(
        &rt,
        &[
            ("settings.permissions", json!({})),
            ("settings.request", json!({"permission": "location"})),
            ("geolocation.currentPosition", json!({})),
            ("settings.request", json!({"permission": "location"})),
            ("settings.request", json!({"permission": "share"})),
            ("settings.request", json!({"permission": "network"})),
            ("settings.openHostSettings", json!({})),
        ],
    );
    let listed = out[0]["ok"].as_array().unwrap();
    assert_eq!(listed.len(), ALL_BRIDGE.len(), "every declared permission");
    let find = |name: &str| {
        let entry = listed.iter().find(|s| s["permission"] == name).unwrap();
        json!({"ok": entry})
    };
    assert_eq!(find("storage"), status("storage", "granted", true));
    assert_eq!(find("location"), status("location", "denied", false));
    assert_eq!(find("payment"), status("payment", "granted", true));
    assert_eq!(find("share"), status("share", "denied", false));
    // The "yes" is remembered, but this instance's grants were fixed at launch.
    assert_eq!(out[1], status("location", "granted", false));
    assert_eq!(out[2], json!({"err": "PERMISSION_DENIED"}));
    assert_eq!(out[3], status("location", "granted", false));
    // Withheld by the host: reported, nobody asked. Not declared: bad input.
    assert_eq!(out[4], status("share", "denied", false));
    assert_eq!(out[5], json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(out[6], json!({"ok": null}));
    assert_eq!(
        consent.asked(),
        [
            Permission::Payment,
            Permission::Location,
            Permission::Clipboard,
            Permission::Biometrics,
            Permission::Notifications,
            Permission::Camera,
            Permission::Location
        ]
    );

    // The next context (a web page's) has location: nobody is asked again.
    let out = web(
        &rt,
        &[
            ("settings.request", json!({"permission": "location"})),
            ("geolocation.currentPosition", json!({})),
            ("settings.request", json!({"permission": "share"})),
            ("settings.request", json!({"permission": "network"})),
            ("settings.openHostSettings", json!({})),
        ],
    );
    assert_eq!(out[0], status("location", "granted", true));
    assert!(out[1]["ok"]["latitude"].is_number(), "{}", out[1]);
    assert_eq!(out[2], status("share", "denied", false));
    assert_eq!(out[3], json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(out[4], json!({"ok": null}));
    assert_eq!(consent.asked().len(), 7);
    let probe = AppId::parse(PROBE).unwrap();
    assert_eq!(page.opened(), [probe.clone(), probe]);

    // A name no permission has: bad input on the JSON path; the SDK's type cannot carry it.
    for p in [
        json!({"permission": "microphone"}),
        json!({"permission": ""}),
        json!({"permission": 7}),
        json!({}),
    ] {
        let calls = [("settings.request", p)];
        assert_eq!(web(&rt, &calls), [json!({"err": "INVALID_ARGUMENT"})]);
        assert_eq!(component(&rt, &calls), [json!({"err": "BAD_REQUEST"})]);
    }
    assert_eq!(consent.asked().len(), 7);
}

#[test]
fn settings_request_declined_again_and_no_settings_page() {
    struct NoPage;
    #[async_trait::async_trait]
    impl SettingsService for NoPage {
        async fn open_host_settings(&self, _app: &AppId) -> Result<(), BridgeError> {
            Err(BridgeError::Unavailable("no settings page".into()))
        }
    }
    let consent = Arc::new(ScriptedConsent::declining(&[Permission::Location]));
    let services = HostServices {
        consent: consent.clone(),
        settings: Arc::new(NoPage),
        ..HostServices::development()
    };
    let (_world, rt) = installed(services, &[]);
    let calls = [
        ("settings.request", json!({"permission": "location"})),
        ("settings.request", json!({"permission": "location"})),
        ("settings.openHostSettings", json!({})),
    ];
    let out = both(&rt, &calls);
    assert_eq!(out[0], status("location", "denied", false));
    assert_eq!(out[1], status("location", "denied", false));
    assert_eq!(out[2], json!({"err": "UNAVAILABLE"}));
    let location_prompts = consent
        .prompts()
        .iter()
        .filter(|(_, p)| *p == Permission::Location)
        .count();
    // The component's launch asked once and its request once; the web page's context
    // remembered the "no" and its request asked once: never twice in one launch.
    assert_eq!(location_prompts, 3);
}

fn with_keystore(keystore: &Arc<MemoryKeystore>) -> HostServices {
    HostServices {
        keystore: keystore.clone(),
        ..HostServices::development()
    }
}

#[test]
fn secure_storage_keeps_secrets_from_both_transports_and_refuses_bad_input() {
    let keystore = Arc::new(MemoryKeystore::default());
    let (_world, rt) = installed(with_keystore(&keystore), &[]);
    let probe = AppId::parse(PROBE).unwrap();
    let out = both(
        &rt,
        &[
            (
                "secureStorage.set",
                json!({"key": "refresh", "value": "s3cret"}),
            ),
            ("secureStorage.get", json!({"key": "refresh"})),
            ("secureStorage.set", json!({"key": "gone", "value": "x"})),
            ("secureStorage.remove", json!({"key": "gone"})),
            ("secureStorage.remove", json!({"key": "gone"})),
            ("secureStorage.get", json!({"key": "gone"})),
        ],
    );
    assert_eq!(
        out,
        [
            json!({"ok": null}),
            json!({"ok": "s3cret"}),
            json!({"ok": null}),
            json!({"ok": true}),
            json!({"ok": false}),
            json!({"ok": null}),
        ]
    );
    assert_eq!(
        keystore.entries(&probe).into_iter().collect::<Vec<_>>(),
        [("refresh".to_string(), "s3cret".to_string())]
    );

    // Bad input, from either transport: nothing stored, nothing removed.
    let big = "v".repeat(4097);
    let long_key = "k".repeat(129);
    let bad = [
        ("secureStorage.set", json!({"key": "", "value": "v"})),
        ("secureStorage.set", json!({"key": "a\u{0}b", "value": "v"})),
        ("secureStorage.set", json!({"key": long_key, "value": "v"})),
        ("secureStorage.set", json!({"key": "k", "value": big})),
        ("secureStorage.get", json!({"key": ""})),
        ("secureStorage.remove", json!({"key": "re\u{0}fresh"})),
    ];
    all(&both(&rt, &bad), json!({"err": "INVALID_ARGUMENT"}));
    let wrong_type = [("secureStorage.set", json!({"key": "k", "value": 5}))];
    assert_eq!(web(&rt, &wrong_type), [json!({"err": "INVALID_ARGUMENT"})]);
    assert_eq!(component(&rt, &wrong_type), [json!({"err": "BAD_REQUEST"})]);
    assert_eq!(keystore.entries(&probe).len(), 1);

    // Without `storage` (withheld by the host): denied, the keystore untouched.
    let (_world, rt) = installed(with_keystore(&keystore), &[Permission::Storage]);
    let denied = both(
        &rt,
        &[
            ("secureStorage.set", json!({"key": "k", "value": "v"})),
            ("secureStorage.get", json!({"key": "refresh"})),
            ("secureStorage.remove", json!({"key": "refresh"})),
        ],
    );
    all(&denied, json!({"err": "PERMISSION_DENIED"}));
    assert_eq!(keystore.entries(&probe).len(), 1);
}

#[test]
fn files_from_both_transports_stay_in_the_sandbox_and_share_the_quota() {
    let (world, rt) = installed(HostServices::development(), &[]);
    let run = |rt: &Runtime| {
        both(
            rt,
            &[
                (
                    "files.write",
                    json!({"path": "notes/a.txt", "data": "alpha"}),
                ),
                ("files.read", json!({"path": "notes/a.txt"})),
                ("files.write", json!({"path": "top", "data": "t"})),
                ("files.remove", json!({"path": "top"})),
                ("files.remove", json!({"path": "top"})),
                ("files.read", json!({"path": "top"})),
                ("files.stat", json!({"path": "top"})),
            ],
        )
    };
    let out = run(&rt);
    assert_eq!(
        out,
        [
            json!({"ok": null}),
            json!({"ok": "alpha"}),
            json!({"ok": null}),
            json!({"ok": true}),
            json!({"ok": false}),
            json!({"err": "NOT_FOUND"}),
            json!({"err": "NOT_FOUND"}),
        ]
    );
    // list and stat carry a write time: same paths and sizes from both transports.
    let listed = |v: &Value| -> Vec<(String, u64)> {
        v["ok"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_owned(),
                    f["size"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let calls = [
        ("files.list", json!({"dir": "notes"})),
        ("files.list", json!({"dir": ""})),
        ("files.stat", json!({"path": "notes/a.txt"})),
    ];
    let from_component = component(&rt, &calls);
    let from_web = web(&rt, &calls);
    for out in [&from_component, &from_web] {
        assert_eq!(listed(&out[0]), [("notes/a.txt".to_string(), 5)]);
        assert_eq!(listed(&out[1]), [("notes/a.txt".to_string(), 5)]);
        assert_eq!(out[2]["ok"]["size"], 5);
    }
    // The file counts against the storage quota: storage.usage sees it.
    let usage = web(&rt, &[("storage.usage", json!({}))]);
    assert_eq!(usage[0]["ok"]["usedBytes"], 10 + 11 + 5);

    // Bad paths and oversized data, from either transport: nothing written anywhere.
    let big = "x".repeat(1024 * 1024 + 1);
    let mut bad = Vec::new();
    for path in [
        "../escape",
        "/etc/passwd",
        "a/../../etc/passwd",
        "a//b",
        "a\u{0}b",
        "a\\b",
        "",
    ] {
        bad.push(("files.write", json!({"path": path, "data": "x"})));
        bad.push(("files.read", json!({"path": path})));
        bad.push(("files.stat", json!({"path": path})));
        bad.push(("files.remove", json!({"path": path})));
    }
    bad.push(("files.list", json!({"dir": ".."})));
    bad.push(("files.write", json!({"path": "big", "data": big})));
    all(&both(&rt, &bad), json!({"err": "INVALID_ARGUMENT"}));
    let wrong_type = [("files.write", json!({"path": "p", "data": 5}))];
    assert_eq!(web(&rt, &wrong_type), [json!({"err": "INVALID_ARGUMENT"})]);
    assert_eq!(component(&rt, &wrong_type), [json!({"err": "BAD_REQUEST"})]);
    let usage = web(&rt, &[("storage.usage", json!({}))]);
    assert_eq!(
        usage[0]["ok"]["usedBytes"],
        10 + 11 + 5,
        "bad input wrote nothing"
    );
    assert!(!world.home().join("escape").exists());
    assert!(!world.home().join("data").join("escape").exists());

    // Without `storage` (withheld by the host): denied.
    let (_world, rt) = installed(HostServices::development(), &[Permission::Storage]);
    let denied = both(
        &rt,
        &[
            ("files.write", json!({"path": "p", "data": "x"})),
            ("files.read", json!({"path": "p"})),
            ("files.list", json!({"dir": ""})),
            ("files.stat", json!({"path": "p"})),
            ("files.remove", json!({"path": "p"})),
        ],
    );
    all(&denied, json!({"err": "PERMISSION_DENIED"}));
}

#[test]
fn auth_login_codes_are_one_time_and_bound_and_the_profile_needs_consent() {
    use miniapp_runtime::tokens::{LoginCodes, verify_token};
    let (_world, rt) = installed(HostServices::development(), &[]);
    let calls = [
        ("auth.loginCode", json!({})),
        ("auth.loginCode", json!({})),
        ("auth.profile", json!({})),
    ];
    let from_component = component(&rt, &calls);
    let from_web = web(&rt, &calls);
    let pem = rt.home().token_public_key_pem().unwrap();
    let codes = LoginCodes::default();
    let mut seen = Vec::new();
    for out in [&from_component, &from_web] {
        for entry in &out[..2] {
            let code = entry["ok"]["code"].as_str().unwrap().to_owned();
            assert!(entry["ok"]["expiresAt"].as_u64().unwrap() > 0);
            // Not an access token; bound to the probe; redeemable once.
            assert!(verify_token(&code, &pem, PROBE).is_err());
            assert!(codes.redeem(&code, &pem, "com.acme.other").is_err());
            assert_eq!(codes.redeem(&code, &pem, PROBE).unwrap().sub, "dev-user");
            assert!(codes.redeem(&code, &pem, PROBE).is_err());
            seen.push(code);
        }
        assert_eq!(
            out[2],
            json!({"ok": {"nickname": "dev-user", "avatarUrl": null}})
        );
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4, "every code is fresh");
    let extra = [("auth.loginCode", json!({"userId": "someone-else"}))];
    assert_eq!(web(&rt, &extra), [json!({"err": "INVALID_ARGUMENT"})]);
    assert_eq!(component(&rt, &extra), [json!({"err": "BAD_REQUEST"})]);

    // The user declines the profile sheet: CANCELLED; without `auth`: denied.
    let declining = HostServices {
        identity: Arc::new(DevIdentity::new("dev-user").declining_profile()),
        ..HostServices::development()
    };
    let (_world, rt) = installed(declining, &[]);
    all(
        &both(&rt, &[("auth.profile", json!({}))]),
        json!({"err": "CANCELLED"}),
    );
    let (_world, rt) = installed(HostServices::development(), &[Permission::Auth]);
    all(&both(&rt, &calls), json!({"err": "PERMISSION_DENIED"}));
}

#[test]
fn biometrics_prompts_after_consent_from_both_transports() {
    // Recognised, then cancelled, from each transport.
    let bio = Arc::new(ScriptedBiometrics::answering(&[true, false, true, false]));
    let consent = Arc::new(ScriptedConsent::allow_all());
    let services = HostServices {
        biometrics: bio.clone(),
        consent: consent.clone(),
        ..HostServices::development()
    };
    let (_world, rt) = installed(services, &[]);
    let ok = (
        "biometrics.authenticate",
        json!({"reason": "Confirm the transfer"}),
    );
    let out = both(&rt, &[ok.clone(), ok.clone()]);
    assert_eq!(out, [json!({"ok": null}), json!({"err": "CANCELLED"})]);
    assert_eq!(bio.prompts().len(), 4);
    assert!(
        bio.prompts()
            .iter()
            .all(|(app, reason)| app.as_str() == PROBE && reason == "Confirm the transfer")
    );
    // Sensitive: the user was asked for consent (once: the answer is remembered).
    let asked = consent
        .prompts()
        .iter()
        .filter(|(_, p)| *p == Permission::Biometrics)
        .count();
    assert_eq!(asked, 1);

    let bad = [
        ("biometrics.authenticate", json!({"reason": ""})),
        ("biometrics.authenticate", json!({"reason": "   "})),
        (
            "biometrics.authenticate",
            json!({"reason": "x".repeat(201)}),
        ),
        ("biometrics.authenticate", json!({"reason": "a\u{0}b"})),
    ];
    all(&both(&rt, &bad), json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(bio.prompts().len(), 4, "bad input showed no prompt");

    // The user declines consent: denied, no prompt; the host withholds it: denied too.
    let declining = HostServices {
        biometrics: bio.clone(),
        consent: Arc::new(ScriptedConsent::declining(&[Permission::Biometrics])),
        ..HostServices::development()
    };
    let (_world, rt) = installed(declining, &[]);
    all(
        &both(&rt, std::slice::from_ref(&ok)),
        json!({"err": "PERMISSION_DENIED"}),
    );
    let (_world, rt) = installed(
        HostServices {
            biometrics: bio.clone(),
            ..HostServices::development()
        },
        &[Permission::Biometrics],
    );
    all(&both(&rt, &[ok]), json!({"err": "PERMISSION_DENIED"}));
    assert_eq!(bio.prompts().len(), 4);
}

#[test]
fn notifications_schedule_subscribe_from_both_transports_after_consent() {
    let rec = Arc::new(RecordingNotifications::default());
    let services = HostServices {
        notifications: rec.clone(),
        ..HostServices::development()
    };
    let (_world, rt) = installed(services, &[]);
    let later = miniapp_runtime::tokens::now_unix() + 3600;
    let out = both(
        &rt,
        &[
            ("notifications.requestPermission", json!({})),
            (
                "notifications.schedule",
                json!({"id": "due-1", "title": "Payment due", "body": "Tomorrow", "at": later}),
            ),
            ("notifications.subscribe", json!({"topic": "offers"})),
        ],
    );
    assert_eq!(
        out,
        [
            json!({"ok": true}),
            json!({"ok": null}),
            json!({"ok": null})
        ]
    );
    assert_eq!(
        rec.scheduled().len(),
        1,
        "the same id from both transports: replaced"
    );
    assert_eq!(rec.scheduled()[0].0.as_str(), PROBE);
    assert_eq!(rec.topics().len(), 1);

    let bad = [
        (
            "notifications.schedule",
            json!({"id": "past", "title": "t", "body": "", "at": 1_000_000}),
        ),
        (
            "notifications.schedule",
            json!({"id": "Bad Id", "title": "t", "body": "", "at": later}),
        ),
        (
            "notifications.schedule",
            json!({"id": "x", "title": "", "body": "", "at": later}),
        ),
        (
            "notifications.schedule",
            json!({"id": "x", "title": "t", "body": "b".repeat(257), "at": later}),
        ),
        ("notifications.subscribe", json!({"topic": "../x"})),
    ];
    all(&both(&rt, &bad), json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(rec.scheduled().len(), 1);

    let declining = HostServices {
        notifications: rec.clone(),
        consent: Arc::new(ScriptedConsent::declining(&[Permission::Notifications])),
        ..HostServices::development()
    };
    let (_world, rt) = installed(declining, &[]);
    all(
        &both(
            &rt,
            &[("notifications.subscribe", json!({"topic": "news"}))],
        ),
        json!({"err": "PERMISSION_DENIED"}),
    );
    assert_eq!(rec.topics().len(), 1);
}

/// The 1×1 PNG of development hosts, as the JSON bridge carries it (base64).
const SAMPLE_PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP438DwHwAGgAJ/zxIJ8QAAAABJRU5ErkJggg==";

#[test]
fn media_picks_images_and_scans_codes_after_consent_from_both_transports() {
    let jpeg = Image {
        mime_type: "image/jpeg".into(),
        data: vec![9; 3000],
        width: 64,
        height: 48,
    };
    let code = ScannedCode {
        text: "4006381333931".into(),
        format: "ean-13".into(),
    };
    // Per transport: cancelled, too large for maxBytes, the sample PNG; a code, cancelled.
    let per_transport = [None, Some(jpeg.clone()), Some(Image::sample_png())];
    let media = Arc::new(
        ScriptedMedia::default()
            .picking(per_transport.clone().into_iter().chain(per_transport))
            .scanning([Some(code.clone()), None, Some(code), None]),
    );
    let consent = Arc::new(ScriptedConsent::allow_all());
    let services = HostServices {
        media: media.clone(),
        consent: consent.clone(),
        ..HostServices::development()
    };
    let (_world, rt) = installed(services, &[]);
    let calls = [
        ("media.chooseImage", json!({})),
        (
            "media.chooseImage",
            json!({"source": "camera", "maxBytes": 1000}),
        ),
        (
            "media.chooseImage",
            json!({"source": "album", "maxBytes": 4096}),
        ),
        ("media.scanCode", json!({})),
        ("media.scanCode", json!({})),
    ];
    let out = both(&rt, &calls);
    assert_eq!(
        out,
        [
            json!({"err": "CANCELLED"}),
            json!({"err": "QUOTA_EXCEEDED"}),
            json!({"ok": {"mimeType": "image/png", "data": SAMPLE_PNG_BASE64, "width": 1, "height": 1}}),
            json!({"ok": {"text": "4006381333931", "format": "ean-13"}}),
            json!({"err": "CANCELLED"}),
        ]
    );
    let shown: Vec<&str> = media.shown().iter().map(|s| s.1).collect();
    assert_eq!(
        shown,
        [
            "album", "camera", "album", "scanner", "scanner", "album", "camera", "album",
            "scanner", "scanner"
        ]
    );
    assert!(media.shown().iter().all(|(app, _)| app.as_str() == PROBE));
    // Sensitive: the user was asked for consent once (the answer is remembered).
    let asked = consent
        .prompts()
        .iter()
        .filter(|(_, p)| *p == Permission::Camera)
        .count();
    assert_eq!(asked, 1);
    // Past the script: the development picker's PNG and scanner's QR code.
    let out = both(&rt, &[("media.scanCode", json!({}))]);
    assert_eq!(
        out,
        [json!({"ok": {"text": SAMPLE_SCAN_TEXT, "format": "qr"}})]
    );

    // A bad bound: no picker shown.
    let bad = [
        ("media.chooseImage", json!({"maxBytes": 0})),
        (
            "media.chooseImage",
            json!({"maxBytes": 4 * 1024 * 1024 + 1}),
        ),
    ];
    all(&both(&rt, &bad), json!({"err": "INVALID_ARGUMENT"}));
    assert_eq!(media.shown().len(), 12, "bad input showed no picker");

    // The user declines consent: denied, nothing shown; the host withholds it: denied too.
    let declining = HostServices {
        media: media.clone(),
        consent: Arc::new(ScriptedConsent::declining(&[Permission::Camera])),
        ..HostServices::development()
    };
    let (_world, rt) = installed(declining, &[]);
    let both_methods = [
        ("media.chooseImage", json!({})),
        ("media.scanCode", json!({})),
    ];
    all(
        &both(&rt, &both_methods),
        json!({"err": "PERMISSION_DENIED"}),
    );
    let (_world, rt) = installed(
        HostServices {
            media: media.clone(),
            ..HostServices::development()
        },
        &[Permission::Camera],
    );
    all(
        &both(&rt, &both_methods),
        json!({"err": "PERMISSION_DENIED"}),
    );
    assert_eq!(media.shown().len(), 12);

    // No camera: UNAVAILABLE for the scanner and the camera; the album still works.
    let (_world, rt) = installed(
        HostServices {
            media: Arc::new(ScriptedMedia::without_camera()),
            ..HostServices::development()
        },
        &[],
    );
    let out = both(
        &rt,
        &[
            ("media.scanCode", json!({})),
            ("media.chooseImage", json!({"source": "camera"})),
            ("media.chooseImage", json!({"source": "album"})),
        ],
    );
    assert_eq!(out[0], json!({"err": "UNAVAILABLE"}));
    assert_eq!(out[1], json!({"err": "UNAVAILABLE"}));
    assert_eq!(out[2]["ok"]["data"], SAMPLE_PNG_BASE64);
}

/// `performance.metrics` from the component (its launch, measured by the host, and its calls)
/// and from a web page (no launch or guest figures: the WebView measures those).
#[test]
fn performance_reports_the_launch_and_this_instances_calls_from_both_transports() {
    let (_world, rt) = installed(HostServices::development(), &[]);
    let calls = [
        ("storage.keys", json!({})),
        ("performance.metrics", json!({})),
        ("performance.metrics", json!({"all": true})),
    ];
    let out = component(&rt, &calls);
    let m = &out[1]["ok"];
    assert_eq!(m["bridgeCalls"], 2, "{m}");
    let launch = &m["launch"];
    assert!(launch["instantiateMs"].as_f64().unwrap() > 0.0, "{m}");
    assert!(launch["loadMs"].as_f64().is_some() && launch["linkMs"].as_f64().is_some());
    assert_eq!(
        launch["onLaunchMs"],
        Value::Null,
        "asked from inside on-launch"
    );
    assert!(m["guestMs"].as_f64().is_some() && m["bridgeHostMs"].as_f64().is_some());
    // Bad params are caught by the SDK in the guest; the JSON path answers INVALID_ARGUMENT.
    assert_eq!(out[2], json!({"err": "BAD_REQUEST"}));

    let out = web(&rt, &calls);
    let m = &out[1]["ok"];
    assert_eq!(m["bridgeCalls"], 2, "{m}");
    assert_eq!((&m["launch"], &m["guestMs"]), (&Value::Null, &Value::Null));
    assert_eq!(out[2], json!({"err": "INVALID_ARGUMENT"}));

    // A second launch counts from zero, and comes from the cache (nothing to load or link).
    let out = component(&rt, &[("performance.metrics", json!({}))]);
    let m = &out[0]["ok"];
    assert_eq!(m["bridgeCalls"], 1);
    assert_eq!(
        (
            m["launch"]["loadMs"].as_f64(),
            m["launch"]["linkMs"].as_f64()
        ),
        (Some(0.0), Some(0.0))
    );
}

/// One well-formed call of every method (`(method, params)`), in an order where each succeeds on
/// the development services: the table the next test checks against the contract's.
fn every_method_once() -> Vec<(&'static str, Value)> {
    vec![
        ("storage.set", json!({"key": "k", "value": "v"})),
        ("storage.get", json!({"key": "k"})),
        ("storage.keys", json!({})),
        ("storage.usage", json!({})),
        ("storage.remove", json!({"key": "k"})),
        ("storage.clear", json!({})),
        ("auth.getToken", json!({"scopes": ["profile"]})),
        ("auth.loginCode", json!({})),
        ("auth.profile", json!({})),
        (
            "payment.pay",
            json!({"orderId": "o-1", "amountMinor": 100, "currency": "EUR", "description": "d"}),
        ),
        ("payment.query", json!({"orderId": "o-1"})),
        ("geolocation.currentPosition", json!({})),
        ("ui.toast", json!({"message": "hi"})),
        (
            "ui.modal",
            json!({"title": "t", "message": "m", "buttons": ["OK"]}),
        ),
        ("ui.navigate", json!({"route": "/x"})),
        ("ui.setTitle", json!({"title": "T"})),
        ("ui.actionSheet", json!({"items": ["a"]})),
        ("ui.showLoading", json!({"title": "wait"})),
        ("ui.hideLoading", json!({})),
        (
            "ui.setNavigationBarColor",
            json!({"frontColor": "#000000", "backgroundColor": "#ffffff"}),
        ),
        ("ui.pickDate", json!({"initial": "2024-01-01"})),
        ("device.info", json!({})),
        ("device.vibrate", json!({"millis": 10})),
        ("device.networkType", json!({})),
        ("device.battery", json!({})),
        ("device.setKeepScreenOn", json!({"keepOn": true})),
        ("device.systemInfo", json!({})),
        ("clipboard.writeText", json!({"text": "x"})),
        ("clipboard.readText", json!({})),
        ("share.share", json!({"text": "x"})),
        ("haptics.vibrateShort", json!({"style": "light"})),
        ("haptics.vibrateLong", json!({})),
        ("haptics.notify", json!({"kind": "warning"})),
        ("haptics.selectionChanged", json!({})),
        ("navigation.openMiniProgram", json!({"appId": PROBE})),
        ("navigation.openUrl", json!({"url": "https://acme.example"})),
        ("settings.permissions", json!({})),
        ("settings.request", json!({"permission": "location"})),
        ("settings.openHostSettings", json!({})),
        ("secureStorage.set", json!({"key": "k", "value": "v"})),
        ("secureStorage.get", json!({"key": "k"})),
        ("secureStorage.remove", json!({"key": "k"})),
        ("files.write", json!({"path": "a.txt", "data": "x"})),
        ("files.read", json!({"path": "a.txt"})),
        ("files.list", json!({"dir": ""})),
        ("files.stat", json!({"path": "a.txt"})),
        ("files.remove", json!({"path": "a.txt"})),
        ("biometrics.authenticate", json!({"reason": "Confirm"})),
        ("notifications.requestPermission", json!({})),
        (
            "notifications.schedule",
            json!({"id": "due", "title": "Due", "body": "", "at": 4_000_000_000u64}),
        ),
        ("notifications.subscribe", json!({"topic": "offers"})),
        (
            "media.chooseImage",
            json!({"source": "album", "maxBytes": 1000}),
        ),
        ("media.scanCode", json!({})),
        ("updates.status", json!({})),
        ("updates.check", json!({})),
        ("performance.metrics", json!({})),
        ("log.log", json!({"level": "info", "message": "hi"})),
        ("navigation.exit", json!({})),
    ]
}

/// The done-when of the bridge's breadth: every method of the contract is reachable from a
/// component and from the JSON bridge, answers alike on both, and is refused on both when its
/// permission is not granted (without reaching any service: the permissionless ones answer).
#[test]
fn every_method_answers_from_both_transports_and_is_denied_on_both_without_its_permission() {
    let calls = every_method_once();
    let mut names: Vec<&str> = calls.iter().map(|c| c.0).collect();
    names.sort();
    let mut contract: Vec<&str> = miniapp_runtime::bridge::Method::ALL
        .iter()
        .map(|m| m.name())
        .collect();
    contract.sort();
    assert_eq!(names, contract, "one call per method of the contract");
    assert!(contract.len() >= 55, "{} methods", contract.len());

    // A phone (the development device is a desktop: no vibrator, no battery).
    let (_world, rt) = installed(with_device(&Phone::new(80)), &[]);
    // Results differ where the host mints something new (tokens, codes, timings): compare how
    // each call ended, which must be the same.
    let outcome = |v: &Value| match v.get("err") {
        Some(code) => code.as_str().unwrap().to_owned(),
        None => "ok".to_owned(),
    };
    let from_component: Vec<String> = component(&rt, &calls).iter().map(outcome).collect();
    let from_web: Vec<String> = web(&rt, &calls).iter().map(outcome).collect();
    assert_eq!(from_component, from_web, "the transports disagree");
    let failed: Vec<(&str, &String)> = calls
        .iter()
        .map(|c| c.0)
        .zip(&from_component)
        .filter(|(_, o)| *o != "ok")
        .collect();
    // The development host has no marketplace; a mini-program may not open itself.
    assert_eq!(
        failed,
        [
            ("navigation.openMiniProgram", &"INVALID_ARGUMENT".to_owned()),
            ("updates.check", &"UNAVAILABLE".to_owned()),
        ]
    );

    // The host withholds every permission: only the methods no permission guards answer.
    let (_world, rt) = installed(HostServices::development(), ALL_BRIDGE);
    for outcomes in [component(&rt, &calls), web(&rt, &calls)] {
        for ((method, _), o) in calls.iter().zip(&outcomes) {
            let m = miniapp_runtime::bridge::Method::from_name(method).unwrap();
            if m.permission().is_some() {
                assert_eq!(o, &json!({"err": "PERMISSION_DENIED"}), "{method}");
            } else {
                assert_ne!(o.get("err"), Some(&json!("PERMISSION_DENIED")), "{method}");
            }
        }
    }
}
