//! The bridge's newer capabilities, each from both transports of one installed app: the `probe`
//! component (WIT imports, through the linker) and the web JSON bridge (`json_bridge::dispatch`
//! on the app's context). Both reach the same capability functions through the same
//! `bridge_call`, so a well-formed call answers the same on both; arguments a WIT type cannot
//! carry (an unknown enum name) are bad input on the JSON path only.

use std::sync::Arc;

use miniapp_package::{AppId, Permission};
use miniapp_runtime::capabilities::haptics::{
    HapticEffect, HapticNotification, ImpactStyle, RecordingHaptics,
};
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
