//! Test guest `probe`: runs a script of bridge calls through the SDK and reports each outcome.
//!
//! Launch params: `{"calls":[{"method":"storage.set","params":{"key":"k","value":"hi"}}, ...]}`
//! with JSON-bridge method names and params (`value` of `storage.set` is a UTF-8 string).
//! The answer is a JSON array with one entry per call: `{"ok": <result as JSON>}` or
//! `{"err": "<CODE>"}` — a bridge error code (`PERMISSION_DENIED`, ...), `BAD_REQUEST` for
//! params that do not fit the method, `METHOD_NOT_FOUND` for an unknown method.
//! Because it can call every bridge function, its component imports every bridge interface.
//! Host events (`on-event`) are appended to storage key `probe.events` (see `on_event`).
#![forbid(unsafe_code)]

use miniapp_sdk::{
    Error, MiniProgram, PaymentRequest, auth, biometrics, clipboard, device, files, geolocation,
    haptics, lifecycle, log, media, navigation, notifications, payment, performance,
    secure_storage, settings, share, storage, ui, updates,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    calls: Vec<ScriptCall>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptCall {
    method: String,
    #[serde(default)]
    params: Value,
}

mod params {
    use miniapp_sdk::Level;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct None {}

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Key {
        pub key: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct KeyValue {
        pub key: String,
        pub value: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Scopes {
        pub scopes: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct OrderId {
        pub order_id: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Message {
        pub message: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Modal {
        pub title: String,
        pub message: String,
        pub buttons: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Route {
        pub route: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Title {
        pub title: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Millis {
        pub millis: u32,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Schedule {
        pub id: String,
        pub title: String,
        pub body: String,
        pub at: u64,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Topic {
        pub topic: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Reason {
        pub reason: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct ChooseImage {
        #[serde(default)]
        pub source: miniapp_sdk::media::ImageSource,
        pub max_bytes: Option<u32>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PathData {
        pub path: String,
        pub data: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Path {
        pub path: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Dir {
        pub dir: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PermissionName {
        pub permission: miniapp_sdk::Permission,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Text {
        pub text: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Share {
        pub text: String,
        #[serde(default)]
        pub url: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct OpenMiniProgram {
        pub app_id: String,
        #[serde(default)]
        pub path: Option<String>,
        #[serde(default)]
        pub extra_data: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Url {
        pub url: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Items {
        pub items: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct BarColor {
        pub front_color: String,
        pub background_color: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DateRange {
        pub initial: String,
        #[serde(default)]
        pub start: Option<String>,
        #[serde(default)]
        pub end: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct KeepOn {
        pub keep_on: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Style {
        pub style: miniapp_sdk::haptics::ImpactStyle,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Kind {
        pub kind: miniapp_sdk::haptics::HapticNotification,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Log {
        pub level: Level,
        pub message: String,
    }
}

/// Params of a call; absent or `null` params are `{}`.
fn args<T: DeserializeOwned>(params: Value) -> Result<T, String> {
    let params = if params.is_null() { json!({}) } else { params };
    serde_json::from_value(params).map_err(|_| "BAD_REQUEST".to_string())
}

fn answer<T: Serialize>(result: Result<T, Error>) -> Result<Value, String> {
    match result {
        Ok(v) => serde_json::to_value(v).map_err(|_| "INTERNAL".to_string()),
        Err(e) => Err(e.code().to_string()),
    }
}

fn dispatch(method: &str, p: Value) -> Result<Value, String> {
    use params as a;
    match method {
        "storage.set" => {
            let a: a::KeyValue = args(p)?;
            answer(storage::set(&a.key, a.value.as_bytes()))
        }
        "storage.get" => {
            let a: a::Key = args(p)?;
            answer(
                storage::get(&a.key)
                    .map(|v| v.map(|bytes| String::from_utf8_lossy(&bytes).into_owned())),
            )
        }
        "storage.remove" => answer(storage::remove(&args::<a::Key>(p)?.key)),
        "storage.keys" => args::<a::None>(p).and_then(|_| answer(storage::keys())),
        "storage.clear" => args::<a::None>(p).and_then(|_| answer(storage::clear())),
        "storage.usage" => args::<a::None>(p).and_then(|_| answer(storage::usage())),
        "auth.getToken" => answer(auth::token(&args::<a::Scopes>(p)?.scopes)),
        "payment.pay" => answer(payment::pay(args::<PaymentRequest>(p)?)),
        "payment.query" => answer(payment::query(&args::<a::OrderId>(p)?.order_id)),
        "geolocation.currentPosition" => {
            args::<a::None>(p).and_then(|_| answer(geolocation::current_position()))
        }
        "ui.toast" => answer(ui::toast(&args::<a::Message>(p)?.message)),
        "ui.modal" => {
            let a: a::Modal = args(p)?;
            answer(ui::modal(&a.title, &a.message, &a.buttons))
        }
        "ui.navigate" => answer(ui::navigate(&args::<a::Route>(p)?.route)),
        "ui.setTitle" => answer(ui::set_title(&args::<a::Title>(p)?.title)),
        "ui.actionSheet" => answer(ui::action_sheet(&args::<a::Items>(p)?.items)),
        "ui.showLoading" => answer(ui::show_loading(&args::<a::Title>(p)?.title)),
        "ui.hideLoading" => args::<a::None>(p).and_then(|_| answer(ui::hide_loading())),
        "ui.setNavigationBarColor" => {
            let a: a::BarColor = args(p)?;
            answer(ui::set_navigation_bar_color(
                &a.front_color,
                &a.background_color,
            ))
        }
        "ui.pickDate" => {
            let a: a::DateRange = args(p)?;
            answer(ui::pick_date(
                &a.initial,
                a.start.as_deref(),
                a.end.as_deref(),
            ))
        }
        "device.info" => args::<a::None>(p).and_then(|_| answer(device::info())),
        "device.vibrate" => answer(device::vibrate(args::<a::Millis>(p)?.millis)),
        "device.networkType" => args::<a::None>(p).and_then(|_| answer(device::network_type())),
        "device.battery" => args::<a::None>(p).and_then(|_| answer(device::battery())),
        "device.setKeepScreenOn" => {
            answer(device::set_keep_screen_on(args::<a::KeepOn>(p)?.keep_on))
        }
        "device.systemInfo" => args::<a::None>(p).and_then(|_| answer(device::system_info())),
        "clipboard.readText" => args::<a::None>(p).and_then(|_| answer(clipboard::read_text())),
        "clipboard.writeText" => answer(clipboard::write_text(&args::<a::Text>(p)?.text)),
        "share.share" => {
            let a: a::Share = args(p)?;
            answer(share::share(&a.text, a.url.as_deref()))
        }
        "haptics.vibrateShort" => answer(haptics::vibrate_short(args::<a::Style>(p)?.style)),
        "haptics.vibrateLong" => args::<a::None>(p).and_then(|_| answer(haptics::vibrate_long())),
        "haptics.notify" => answer(haptics::notify(args::<a::Kind>(p)?.kind)),
        "haptics.selectionChanged" => {
            args::<a::None>(p).and_then(|_| answer(haptics::selection_changed()))
        }
        "navigation.openMiniProgram" => {
            let a: a::OpenMiniProgram = args(p)?;
            answer(navigation::open_mini_program(
                &a.app_id,
                a.path.as_deref(),
                a.extra_data.as_deref(),
            ))
        }
        "navigation.openUrl" => answer(navigation::open_url(&args::<a::Url>(p)?.url)),
        "navigation.exit" => args::<a::None>(p).and_then(|_| answer(navigation::exit())),
        "settings.permissions" => args::<a::None>(p).and_then(|_| answer(settings::permissions())),
        "settings.request" => answer(settings::request(args::<a::PermissionName>(p)?.permission)),
        "settings.openHostSettings" => {
            args::<a::None>(p).and_then(|_| answer(settings::open_host_settings()))
        }
        "secureStorage.set" => {
            let a: a::KeyValue = args(p)?;
            answer(secure_storage::set(&a.key, &a.value))
        }
        "secureStorage.get" => answer(secure_storage::get(&args::<a::Key>(p)?.key)),
        "secureStorage.remove" => answer(secure_storage::remove(&args::<a::Key>(p)?.key)),
        "auth.loginCode" => args::<a::None>(p).and_then(|_| answer(auth::login_code())),
        "auth.profile" => args::<a::None>(p).and_then(|_| answer(auth::profile())),
        "notifications.requestPermission" => {
            args::<a::None>(p).and_then(|_| answer(notifications::request_permission()))
        }
        "notifications.schedule" => {
            let a: a::Schedule = args(p)?;
            answer(notifications::schedule(&a.id, &a.title, &a.body, a.at))
        }
        "notifications.subscribe" => answer(notifications::subscribe(&args::<a::Topic>(p)?.topic)),
        "media.chooseImage" => {
            let a: a::ChooseImage = args(p)?;
            let max = a.max_bytes.unwrap_or(media::IMAGE_BYTES as u32);
            answer(media::choose_image(a.source, max))
        }
        "media.scanCode" => args::<a::None>(p).and_then(|_| answer(media::scan_code())),
        "updates.status" => args::<a::None>(p).and_then(|_| answer(updates::status())),
        "updates.check" => args::<a::None>(p).and_then(|_| answer(updates::check())),
        "performance.metrics" => {
            args::<a::None>(p).and_then(|_| answer(Ok(performance::metrics())))
        }
        "biometrics.authenticate" => {
            answer(biometrics::authenticate(&args::<a::Reason>(p)?.reason))
        }
        "files.write" => {
            let a: a::PathData = args(p)?;
            answer(files::write(&a.path, &a.data))
        }
        "files.read" => answer(files::read(&args::<a::Path>(p)?.path)),
        "files.list" => answer(files::list(&args::<a::Dir>(p)?.dir)),
        "files.stat" => answer(files::stat(&args::<a::Path>(p)?.path)),
        "files.remove" => answer(files::remove(&args::<a::Path>(p)?.path)),
        "log.log" => {
            let a: a::Log = args(p)?;
            log::log(a.level, &a.message);
            Ok(Value::Null)
        }
        _ => Err("METHOD_NOT_FOUND".to_string()),
    }
}

struct Probe;

impl MiniProgram for Probe {
    fn on_launch(params: String) -> Result<String, String> {
        let script: Script =
            serde_json::from_str(&params).map_err(|e| format!("BAD_REQUEST: {e}"))?;
        let outcomes: Vec<Value> = script
            .calls
            .into_iter()
            .map(|call| match dispatch(&call.method, call.params) {
                Ok(v) => json!({ "ok": v }),
                Err(code) => json!({ "err": code }),
            })
            .collect();
        Ok(Value::Array(outcomes).to_string())
    }

    /// Appends `{"name", "payload", "parsed"}` to the JSON array under storage key
    /// `probe.events`: `parsed` is the typed event's name and payload as the SDK parsed them,
    /// `null` for a name that is no standard event, or `{"error": ...}`.
    fn on_event(name: String, payload: String) {
        let parsed = match lifecycle::Event::parse(&name, &payload) {
            Ok(Some(e)) => json!({ "name": e.name(), "payload": e.payload() }),
            Ok(None) => Value::Null,
            Err(e) => json!({ "error": e.to_string() }),
        };
        let mut events: Vec<Value> = storage::get_json(EVENTS_KEY)
            .ok()
            .flatten()
            .unwrap_or_default();
        events.push(json!({ "name": name, "payload": payload, "parsed": parsed }));
        if let Err(e) = storage::set_json(EVENTS_KEY, &events) {
            log::warn(&format!("probe: events not stored: {e}"));
        }
    }
}

/// Where `on_event` records the events it received.
const EVENTS_KEY: &str = "probe.events";

miniapp_sdk::export_mini_program!(Probe);

#[cfg(test)]
mod tests {
    use miniapp_sdk::Permission;
    use miniapp_sdk::mock::MockBridge;

    use super::*;

    /// One call of every bridge method, in the order of the runtime's method list.
    fn every_method() -> Value {
        json!({ "calls": [
            { "method": "storage.set", "params": { "key": "k", "value": "hi" } },
            { "method": "storage.get", "params": { "key": "k" } },
            { "method": "storage.remove", "params": { "key": "k" } },
            { "method": "storage.keys" },
            { "method": "storage.clear", "params": {} },
            { "method": "storage.usage" },
            { "method": "auth.getToken", "params": { "scopes": ["profile", "payments:write"] } },
            { "method": "payment.pay", "params": {
                "orderId": "o-1", "amountMinor": 1500, "currency": "EUR", "description": "fee" } },
            { "method": "payment.query", "params": { "orderId": "o-1" } },
            { "method": "geolocation.currentPosition" },
            { "method": "ui.toast", "params": { "message": "hi" } },
            { "method": "ui.modal", "params": { "title": "t", "message": "m", "buttons": ["no", "yes"] } },
            { "method": "ui.navigate", "params": { "route": "/next" } },
            { "method": "ui.setTitle", "params": { "title": "Probe" } },
            { "method": "device.info" },
            { "method": "device.vibrate", "params": { "millis": 50 } },
            { "method": "device.networkType" },
            { "method": "device.battery" },
            { "method": "device.setKeepScreenOn", "params": { "keepOn": true } },
            { "method": "device.systemInfo" },
            { "method": "clipboard.readText" },
            { "method": "clipboard.writeText", "params": { "text": "copied" } },
            { "method": "share.share", "params": { "text": "look", "url": "https://acme.example" } },
            { "method": "haptics.vibrateShort", "params": { "style": "medium" } },
            { "method": "haptics.vibrateLong" },
            { "method": "haptics.notify", "params": { "kind": "success" } },
            { "method": "haptics.selectionChanged" },
            { "method": "ui.actionSheet", "params": { "items": ["a", "b"] } },
            { "method": "ui.showLoading", "params": { "title": "wait" } },
            { "method": "ui.hideLoading" },
            { "method": "ui.setNavigationBarColor",
              "params": { "frontColor": "#000000", "backgroundColor": "#ffeedd" } },
            { "method": "ui.pickDate", "params": { "initial": "2024-01-01", "end": "2024-12-31" } },
            { "method": "navigation.openMiniProgram", "params": { "appId": "com.globex.b" } },
            { "method": "navigation.openUrl", "params": { "url": "https://acme.example" } },
            { "method": "navigation.exit" },
            { "method": "log.log", "params": { "level": "warn", "message": "careful" } },
        ]})
    }

    fn run(script: &Value) -> Vec<Value> {
        let answer = Probe::on_launch(script.to_string()).unwrap();
        serde_json::from_str(&answer).unwrap()
    }

    #[test]
    fn every_method_reaches_the_bridge_when_granted() {
        let bridge = MockBridge::new()
            .grant_all()
            .allowed_scopes(&["profile"])
            .position(miniapp_sdk::Position {
                latitude: 1.0,
                longitude: 2.0,
                accuracy_m: 3.0,
            })
            .modal_answers([1, 0])
            .date_answers(&["2024-01-02"])
            .known_apps(&["com.globex.b"])
            .install();

        let out = run(&every_method());

        let expected = [
            json!({ "ok": null }),
            json!({ "ok": "hi" }),
            json!({ "ok": true }),
            json!({ "ok": [] }),
            json!({ "ok": null }),
            json!({ "ok": { "usedBytes": 0, "quotaBytes": 10 * 1024 * 1024 } }),
        ];
        assert_eq!(out[..6], expected);
        assert_eq!(out[6]["ok"]["scopes"], json!(["profile"]));
        assert_eq!(out[7]["ok"]["orderId"], "o-1");
        assert_eq!(out[8], out[7]);
        assert_eq!(
            out[9],
            json!({ "ok": { "latitude": 1.0, "longitude": 2.0, "accuracyM": 3.0 } })
        );
        assert_eq!(out[11], json!({ "ok": 1 }));
        assert_eq!(out[14]["ok"]["platform"], "linux");
        assert_eq!(out[20], json!({ "ok": null }));
        assert!(out[10..].iter().all(|o| o.get("ok").is_some()), "{out:?}");
        let methods: Vec<String> = bridge.calls().into_iter().map(|c| c.method).collect();
        let script = every_method();
        let asked: Vec<&str> = script["calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["method"].as_str().unwrap())
            .collect();
        assert_eq!(methods, asked);
        assert_eq!(bridge.clipboard().as_deref(), Some("copied"));
        assert_eq!(bridge.haptics().len(), 4);
        assert_eq!(out[16], json!({ "ok": "wifi" }));
        assert!(bridge.keep_screen_on());
        assert_eq!(out[31], json!({ "ok": "2024-01-02" }));
        assert_eq!(bridge.bar_colors().len(), 1);
        assert_eq!(bridge.opened().len(), 3);
    }

    #[test]
    fn without_grants_everything_but_log_is_denied() {
        MockBridge::new().install();
        let out = run(&every_method());
        let (log, rest) = out.split_last().unwrap();
        assert_eq!(*log, json!({ "ok": null }));
        assert_eq!(rest.len(), 35);
        assert!(
            rest.iter()
                .all(|o| *o == json!({ "err": "PERMISSION_DENIED" })),
            "{out:?}"
        );
    }

    #[test]
    fn bad_scripts_and_calls_are_reported() {
        let bridge = MockBridge::new().grant(&[Permission::Storage]).install();
        assert!(
            Probe::on_launch("not json".into())
                .unwrap_err()
                .starts_with("BAD_REQUEST")
        );
        let out = run(&json!({ "calls": [
            { "method": "storage.set", "params": { "key": "k" } },
            { "method": "storage.keys", "params": { "extra": 1 } },
            { "method": "storage.drop" },
            { "method": "storage.set", "params": { "key": "", "value": "v" } },
        ]}));
        assert_eq!(
            out,
            [
                json!({ "err": "BAD_REQUEST" }),
                json!({ "err": "BAD_REQUEST" }),
                json!({ "err": "METHOD_NOT_FOUND" }),
                json!({ "err": "INVALID_ARGUMENT" }),
            ]
        );
        assert_eq!(
            bridge.calls().len(),
            1,
            "only the well-formed call reached the bridge"
        );
    }
}
