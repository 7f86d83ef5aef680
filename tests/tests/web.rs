//! The web example `examples/shop-web` goes through the same trust chain as a component app:
//! packed from its source dir (what `miniapp pack` does), verified and installed (what
//! `miniapp install` does), then served its bridge by the JSON dispatcher with the grants the
//! signed manifest declares.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use miniapp_package::{AppId, Permission};
use miniapp_runtime::capabilities::consent::ScriptedConsent;
use miniapp_runtime::capabilities::haptics::{HapticEffect, RecordingHaptics};
use miniapp_runtime::capabilities::media::ScriptedMedia;
use miniapp_runtime::{HostServices, json_bridge};
use miniapp_scenarios::{World, keys, partner_record};
use serde_json::{Value, json};

fn shop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop-web")
}

fn pack_shop() -> Vec<u8> {
    let k = keys();
    let partner = partner_record("acme", "com.acme", &k.partner.1, &Permission::ALL);
    miniapp_package::pack_dir(&shop_dir(), &partner, &k.partner.0).unwrap()
}

#[test]
fn shop_web_packs_installs_and_answers_its_bridge() {
    let world = World::new();
    let rt = world.runtime(HostServices::development());
    let outcome = rt.install_package(&pack_shop()).unwrap();
    assert!(outcome.changed);
    assert_eq!(outcome.app.id.as_str(), "com.acme.shop");

    // Every source file was extracted, byte for byte, and nothing was compiled.
    let files = world.home().join("apps/com.acme.shop/0.1.0/files");
    for name in ["index.html", "app.js", "cart.js", "style.css"] {
        assert_eq!(
            std::fs::read(files.join(name)).unwrap(),
            std::fs::read(shop_dir().join(name)).unwrap(),
            "{name}"
        );
    }
    assert!(
        std::fs::read_to_string(files.join("index.html"))
            .unwrap()
            .contains("app.js")
    );

    // The installed app's bridge: storage works, an undeclared permission is denied.
    let id = AppId::parse("com.acme.shop").unwrap();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ctx = tokio.block_on(rt.app_context(&id)).unwrap();
    let ask = |request: Value| tokio.block_on(json_bridge::dispatch(&ctx, &request));
    let cart = json!([{"sku": "tea", "qty": 2}]);
    assert_eq!(
        ask(json!({"id": 1, "method": "storage.set", "params": {"key": "cart", "value": cart}})),
        json!({"id": 1, "result": null})
    );
    assert_eq!(
        ask(json!({"id": 2, "method": "storage.get", "params": {"key": "cart"}})),
        json!({"id": 2, "result": cart})
    );
    let paid = ask(json!({"id": 3, "method": "payment.pay", "params":
        {"orderId": "o-1", "amountMinor": 900, "currency": "EUR", "description": "tea"}}));
    assert_eq!(paid["result"]["amountMinor"], 900, "{paid}");
    let denied = ask(json!({"id": 4, "method": "geolocation.currentPosition", "params": {}}));
    assert_eq!(denied["error"]["code"], "PERMISSION_DENIED");
}

/// The shop's "Scan product" button: `media.scanCode` (camera, asked once) and `haptics.notify`.
fn scan_and_buzz(declined: &[Permission]) -> (Value, Value, Vec<Permission>, usize, usize) {
    let world = World::new();
    let consent = Arc::new(ScriptedConsent::declining(declined));
    let media = Arc::new(ScriptedMedia::default());
    let haptics = Arc::new(RecordingHaptics::default());
    let mut services = HostServices::development();
    services.consent = consent.clone();
    services.media = media.clone();
    services.haptics = haptics.clone();
    let rt = world.runtime(services);
    rt.install_package(&pack_shop()).unwrap();
    let id = AppId::parse("com.acme.shop").unwrap();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ctx = tokio.block_on(rt.app_context(&id)).unwrap();
    let scanned = tokio.block_on(json_bridge::dispatch(
        &ctx,
        &json!({"id": 1, "method": "media.scanCode", "params": {}}),
    ));
    let buzzed = tokio.block_on(json_bridge::dispatch(
        &ctx,
        &json!({"id": 2, "method": "haptics.notify", "params": {"kind": "success"}}),
    ));
    let prompts = consent.prompts().into_iter().map(|(_, p)| p).collect();
    let played = haptics.played();
    assert!(
        played
            .iter()
            .all(|(_, e)| matches!(e, HapticEffect::Notification(_)))
    );
    (scanned, buzzed, prompts, media.shown().len(), played.len())
}

#[test]
fn shop_web_scans_with_camera_consent_and_plays_a_haptic() {
    let (scanned, buzzed, mut prompts, shown, played) = scan_and_buzz(&[]);
    assert_eq!(
        scanned,
        json!({"id": 1, "result": {"text": "https://example.com/miniapp", "format": "qr"}})
    );
    assert_eq!(buzzed, json!({"id": 2, "result": null}));
    // Its sensitive permissions, asked once each; haptics needs no prompt.
    prompts.sort();
    let mut expected = vec![Permission::Payment, Permission::Camera];
    expected.sort();
    assert_eq!(prompts, expected);
    assert_eq!((shown, played), (1, 1));
}

#[test]
fn shop_web_with_the_camera_declined_still_buzzes_and_never_shows_the_scanner() {
    let (scanned, buzzed, _, shown, played) = scan_and_buzz(&[Permission::Camera]);
    assert_eq!(scanned["error"]["code"], "PERMISSION_DENIED", "{scanned}");
    assert_eq!(buzzed, json!({"id": 2, "result": null}));
    assert_eq!((shown, played), (0, 1));
}
