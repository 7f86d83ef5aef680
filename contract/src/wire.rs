//! The JSON wire types: the request/response envelope of the web bridge and the values bridge
//! methods take and return (field names as on the wire, camelCase). Each type's TypeScript
//! declaration sits beside it in [`TS_TYPES`]; a test checks the two agree.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ErrorBody;

/// `{"id": 7, "method": "storage.set", "params": {...}}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub method: String,
    #[serde(default)]
    pub params: Value,
}

/// `{"id": 7, "result": ...}` or `{"id": 7, "error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Response {
    Ok { id: u64, result: Value },
    Err { id: u64, error: ErrorBody },
}

/// A host-signed JWT and what it grants (`auth.getToken`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// The compact JWT (`header.claims.signature`); send it to your backend as a bearer token.
    pub value: String,
    /// Expiry, seconds since the Unix epoch (15 minutes after minting).
    pub expires_at: u64,
    /// Scopes actually granted: the requested ones that the host allows this mini-program.
    pub scopes: Vec<String>,
}

/// A one-time login code (`auth.loginCode`): the mini-program sends it to its backend, which
/// redeems it once with the host's backend for the user's identity, within 5 minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginCode {
    pub code: String,
    /// Expiry, seconds since the Unix epoch.
    pub expires_at: u64,
}

/// What the user agreed to share with this mini-program (`auth.profile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    pub nickname: String,
    pub avatar_url: Option<String>,
}

/// What to charge (`payment.pay`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentRequest {
    /// Your own order id, 1 to 128 bytes; the idempotency key.
    pub order_id: String,
    /// Amount in minor units (cents); must be positive.
    pub amount_minor: u64,
    /// ISO 4217 code, three upper-case letters.
    pub currency: String,
    /// Shown to the user on the payment sheet.
    pub description: String,
}

impl PaymentRequest {
    pub fn new(
        order_id: impl Into<String>,
        amount_minor: u64,
        currency: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        PaymentRequest {
            order_id: order_id.into(),
            amount_minor,
            currency: currency.into(),
            description: description.into(),
        }
    }
}

/// Proof of a completed payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub order_id: String,
    /// The processor's transaction id.
    pub transaction_id: String,
    pub amount_minor: u64,
    pub currency: String,
    /// Seconds since the Unix epoch.
    pub paid_at: u64,
}

/// A position (`geolocation.currentPosition`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
    /// Radius of uncertainty in meters.
    pub accuracy_m: f64,
}

/// The screen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Screen {
    pub width: u32,
    pub height: u32,
    /// Device pixels per CSS pixel.
    pub scale: f32,
}

/// Facts about the device and the host app (`device.info`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    /// `android`, `ios`, `linux`, ...
    pub platform: String,
    /// The host app's version (semver).
    pub host_version: String,
    /// BCP 47 tag, for example `en-US`.
    pub locale: String,
    pub screen: Screen,
}

/// How the device reaches the network (`device.networkType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkType {
    Wifi,
    Cellular,
    Ethernet,
    None,
    Unknown,
}

/// The battery (`device.battery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatteryInfo {
    /// 0 to 100 percent.
    pub level: u8,
    pub charging: bool,
}

/// The user's colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
}

/// Maker, model, OS and display preferences (`device.systemInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    pub brand: String,
    pub model: String,
    pub os_version: String,
    pub theme: Theme,
    /// The user's text size relative to the default (1.0).
    pub font_scale: f32,
}

/// Bytes this mini-program's storage uses and may use (`storage.usage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageUsage {
    pub used_bytes: u64,
    pub quota_bytes: u64,
}

/// Strength of a short haptic tap (`haptics.vibrateShort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImpactStyle {
    Light,
    Medium,
    Heavy,
}

/// What a haptic notification pattern tells the user (`haptics.notify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HapticNotification {
    Success,
    Warning,
    Error,
}

/// Where one of the app's declared permissions stands (`settings.permissions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PermissionState {
    /// Granted: not sensitive, or the user said yes.
    Granted,
    /// The user said no, or the host's policy withholds it.
    Denied,
    /// Sensitive and the user was not asked yet (the host forgot the last answer).
    NotAsked,
}

/// One declared permission and where it stands (`settings.permissions`, `settings.request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionStatus {
    pub permission: crate::Permission,
    pub state: PermissionState,
    /// Whether this running instance may use it now. Grants are fixed at launch, so a
    /// permission granted by `settings.request` is active from the next launch.
    pub active: bool,
}

/// One file of the app's sandbox (`files.stat`, `files.list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    pub path: String,
    /// Bytes of content.
    pub size: u64,
    /// Last write, seconds since the Unix epoch.
    pub modified_at: u64,
}

/// Where `media.chooseImage` takes the image from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageSource {
    /// A new photo from the camera.
    Camera,
    /// A picture from the user's photo library (the default).
    #[default]
    Album,
}

/// The image the user chose (`media.chooseImage`). On the JSON bridge `data` is the encoded
/// image (PNG, JPEG, ...) in standard base64 with padding (RFC 4648 §4); the WIT interface
/// carries the bytes themselves (`list<u8>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChosenImage {
    /// `image/png`, `image/jpeg`, ...
    pub mime_type: String,
    /// The encoded image, base64.
    pub data: String,
    /// Pixels.
    pub width: u32,
    pub height: u32,
}

/// A scanned QR or bar code (`media.scanCode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScannedCode {
    /// The decoded content.
    pub text: String,
    /// `qr`, `ean-13`, `code-128`, ...: the symbology, lower-case.
    pub format: String,
}

/// The app's own version and the one staged for its next launch (`updates.status`,
/// `updates.check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStatus {
    /// The version this instance runs.
    pub current: String,
    /// A newer version downloaded, verified and staged: it runs from the next launch.
    pub pending: Option<String>,
}

/// How long the launch of this instance took (`performance.metrics`), in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchMetrics {
    /// Loading (or compiling) the component; 0 when this process had it in memory.
    pub load_ms: f64,
    /// Linking it to the granted bridge; 0 when cached.
    pub link_ms: f64,
    /// Creating the instance.
    pub instantiate_ms: f64,
    /// The app's own `on-launch`; `null` while it is still running.
    pub on_launch_ms: Option<f64>,
}

/// The app's own figures for this instance (`performance.metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerformanceMetrics {
    /// `null` for a web page (the WebView measures its own load: `window.performance`).
    pub launch: Option<LaunchMetrics>,
    /// Bridge calls this instance made, this one included.
    pub bridge_calls: u64,
    /// Milliseconds the host spent serving them (waiting for the user or the network included).
    pub bridge_host_ms: f64,
    /// Milliseconds spent running the app's code in calls that returned; `null` for a web page.
    pub guest_ms: Option<f64>,
}

/// A 1×1 PNG (one red pixel): what development hosts and the mocks' pickers return
/// (base64 `iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP438DwHwAGgAJ/zxIJ8QAAAABJRU5ErkJggg==`).
pub const SAMPLE_PNG: [u8; 70] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xdf, 0xc0, 0xf0,
    0x1f, 0x00, 0x06, 0x80, 0x02, 0x7f, 0xcf, 0x12, 0x09, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// What development hosts' and the mocks' code scanners read (format `qr`).
pub const SAMPLE_SCAN_TEXT: &str = "https://example.com/miniapp";

/// Severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// A TypeScript interface declaration of a wire type: its name, doc and fields (wire name, TS
/// type, doc; a `?` after the name marks an optional field).
pub struct TsType {
    pub name: &'static str,
    pub fields: &'static [(&'static str, &'static str, &'static str)],
}

/// TypeScript aliases of the wire enums, emitted into `protocol.d.ts`: (name, union).
pub const TS_ALIASES: &[(&str, &str)] = &[
    (
        "NetworkType",
        "'wifi' | 'cellular' | 'ethernet' | 'none' | 'unknown'",
    ),
    ("Theme", "'light' | 'dark'"),
    ("PermissionState", "'granted' | 'denied' | 'notAsked'"),
    ("ImageSource", "'camera' | 'album'"),
];

/// The TypeScript declarations of the value types, emitted into `protocol.d.ts`.
pub const TS_TYPES: &[TsType] = &[
    TsType {
        name: "StorageUsage",
        fields: &[("usedBytes", "number", ""), ("quotaBytes", "number", "")],
    },
    TsType {
        name: "Token",
        fields: &[
            (
                "value",
                "string",
                "Compact JWT, `header.claims.signature`; send it to your backend as a bearer token.",
            ),
            ("expiresAt", "number", "Seconds since the Unix epoch."),
            (
                "scopes",
                "string[]",
                "Scopes granted: the requested ones the host allows this mini-program.",
            ),
        ],
    },
    TsType {
        name: "LoginCode",
        fields: &[
            (
                "code",
                "string",
                "Send it to your backend, which redeems it once with the host's backend.",
            ),
            (
                "expiresAt",
                "number",
                "Seconds since the Unix epoch (5 minutes after minting).",
            ),
        ],
    },
    TsType {
        name: "UserProfile",
        fields: &[
            ("nickname", "string", ""),
            ("avatarUrl", "string | null", ""),
        ],
    },
    TsType {
        name: "PaymentRequest",
        fields: &[
            (
                "orderId",
                "string",
                "Your order id, 1 to 128 UTF-8 bytes; the idempotency key.",
            ),
            (
                "amountMinor",
                "number",
                "Positive integer, in minor units (cents).",
            ),
            ("currency", "string", "ISO 4217, three upper-case letters."),
            (
                "description",
                "string",
                "Shown on the host's payment sheet.",
            ),
        ],
    },
    TsType {
        name: "Receipt",
        fields: &[
            ("orderId", "string", ""),
            ("transactionId", "string", ""),
            ("amountMinor", "number", ""),
            ("currency", "string", ""),
            ("paidAt", "number", "Seconds since the Unix epoch."),
        ],
    },
    TsType {
        name: "Position",
        fields: &[
            ("latitude", "number", ""),
            ("longitude", "number", ""),
            ("accuracyM", "number", "Radius of uncertainty in meters."),
        ],
    },
    TsType {
        name: "Screen",
        fields: &[
            ("width", "number", ""),
            ("height", "number", ""),
            ("scale", "number", "Device pixels per CSS pixel."),
        ],
    },
    TsType {
        name: "DeviceInfo",
        fields: &[
            ("platform", "string", "`android`, `ios`, `linux`, ..."),
            ("hostVersion", "string", "The host app's version (semver)."),
            ("locale", "string", "BCP 47 tag, e.g. `en-US`."),
            ("screen", "Screen", ""),
        ],
    },
    TsType {
        name: "BatteryInfo",
        fields: &[
            ("level", "number", "0 to 100 percent."),
            ("charging", "boolean", ""),
        ],
    },
    TsType {
        name: "SystemInfo",
        fields: &[
            ("brand", "string", "Maker, e.g. `Google`."),
            ("model", "string", "Model, e.g. `Pixel 8`."),
            ("osVersion", "string", ""),
            ("theme", "Theme", ""),
            (
                "fontScale",
                "number",
                "The user's text size relative to the default (1.0).",
            ),
        ],
    },
    TsType {
        name: "FileInfo",
        fields: &[
            ("path", "string", ""),
            ("size", "number", "Bytes of content."),
            (
                "modifiedAt",
                "number",
                "Last write, seconds since the Unix epoch.",
            ),
        ],
    },
    TsType {
        name: "PermissionStatus",
        fields: &[
            ("permission", "Permission", ""),
            ("state", "PermissionState", ""),
            (
                "active",
                "boolean",
                "Usable by this instance now; grants are fixed at launch, so a permission granted by `settings.request` is active from the next launch.",
            ),
        ],
    },
    TsType {
        name: "ChosenImage",
        fields: &[
            ("mimeType", "string", "`image/png`, `image/jpeg`, ..."),
            (
                "data",
                "string",
                "The encoded image, standard base64 with padding.",
            ),
            ("width", "number", "Pixels."),
            ("height", "number", "Pixels."),
        ],
    },
    TsType {
        name: "ScannedCode",
        fields: &[
            ("text", "string", "The decoded content."),
            (
                "format",
                "string",
                "The symbology, lower-case: `qr`, `ean-13`, `code-128`, ...",
            ),
        ],
    },
    TsType {
        name: "UpdateStatus",
        fields: &[
            ("current", "string", "The version this instance runs."),
            (
                "pending",
                "string | null",
                "A newer version downloaded, verified and staged: it runs from the next launch.",
            ),
        ],
    },
    TsType {
        name: "LaunchMetrics",
        fields: &[
            (
                "loadMs",
                "number",
                "Loading (or compiling) the component; 0 when the host had it in memory.",
            ),
            (
                "linkMs",
                "number",
                "Linking it to the granted bridge; 0 when cached.",
            ),
            ("instantiateMs", "number", "Creating the instance."),
            (
                "onLaunchMs",
                "number | null",
                "The app's own `on-launch`; `null` while it is still running.",
            ),
        ],
    },
    TsType {
        name: "PerformanceMetrics",
        fields: &[
            (
                "launch",
                "LaunchMetrics | null",
                "`null` for a web page (the WebView measures its own load: `window.performance`).",
            ),
            (
                "bridgeCalls",
                "number",
                "Bridge calls this instance made, this one included.",
            ),
            (
                "bridgeHostMs",
                "number",
                "Milliseconds the host spent serving them (waiting for the user or the network included).",
            ),
            (
                "guestMs",
                "number | null",
                "Milliseconds spent running the app's code in calls that returned; `null` for a web page.",
            ),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The JSON keys of a sample of each Rust type equal the fields of its TS declaration.
    #[test]
    fn typescript_declarations_match_the_rust_types() {
        let screen = Screen {
            width: 1,
            height: 2,
            scale: 1.0,
        };
        let samples = [
            json!(StorageUsage {
                used_bytes: 0,
                quota_bytes: 1
            }),
            json!(Token {
                value: "v".into(),
                expires_at: 1,
                scopes: vec![]
            }),
            json!(LoginCode {
                code: "c".into(),
                expires_at: 1
            }),
            json!(UserProfile {
                nickname: "n".into(),
                avatar_url: None
            }),
            json!(PaymentRequest::new("o", 1, "EUR", "d")),
            json!(Receipt {
                order_id: "o".into(),
                transaction_id: "t".into(),
                amount_minor: 1,
                currency: "EUR".into(),
                paid_at: 1
            }),
            json!(Position {
                latitude: 0.0,
                longitude: 0.0,
                accuracy_m: 1.0
            }),
            json!(screen),
            json!(DeviceInfo {
                platform: "p".into(),
                host_version: "1.0.0".into(),
                locale: "en".into(),
                screen
            }),
            json!(BatteryInfo {
                level: 50,
                charging: true
            }),
            json!(SystemInfo {
                brand: "b".into(),
                model: "m".into(),
                os_version: "1".into(),
                theme: Theme::Dark,
                font_scale: 1.0
            }),
            json!(FileInfo {
                path: "p".into(),
                size: 1,
                modified_at: 2
            }),
            json!(PermissionStatus {
                permission: crate::Permission::Location,
                state: PermissionState::NotAsked,
                active: false
            }),
            json!(ChosenImage {
                mime_type: "image/png".into(),
                data: "AA==".into(),
                width: 1,
                height: 1
            }),
            json!(ScannedCode {
                text: "t".into(),
                format: "qr".into()
            }),
            json!(UpdateStatus {
                current: "1.0.0".into(),
                pending: None
            }),
            json!(LaunchMetrics {
                load_ms: 0.0,
                link_ms: 0.0,
                instantiate_ms: 1.0,
                on_launch_ms: None
            }),
            json!(PerformanceMetrics {
                launch: None,
                bridge_calls: 1,
                bridge_host_ms: 0.0,
                guest_ms: None
            }),
        ];
        assert_eq!(samples.len(), TS_TYPES.len());
        for (sample, ts) in samples.iter().zip(TS_TYPES) {
            let mut keys: Vec<&str> = sample
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.as_str())
                .collect();
            let mut fields: Vec<&str> = ts
                .fields
                .iter()
                .map(|f| f.0.trim_end_matches('?'))
                .collect();
            keys.sort();
            fields.sort();
            assert_eq!(keys, fields, "{}", ts.name);
        }
    }

    /// Each enum's TypeScript alias names exactly its serde names.
    #[test]
    fn enum_aliases_match_the_rust_enums() {
        let union = |names: Vec<Value>| -> String {
            names
                .iter()
                .map(|n| format!("'{}'", n.as_str().unwrap()))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let alias = |name: &str| TS_ALIASES.iter().find(|a| a.0 == name).unwrap().1;
        use NetworkType as N;
        let networks = [N::Wifi, N::Cellular, N::Ethernet, N::None, N::Unknown];
        assert_eq!(
            alias("NetworkType"),
            union(networks.iter().map(|n| json!(n)).collect())
        );
        let themes = [Theme::Light, Theme::Dark];
        assert_eq!(
            alias("Theme"),
            union(themes.iter().map(|t| json!(t)).collect())
        );
        use PermissionState as P;
        let states = [P::Granted, P::Denied, P::NotAsked];
        assert_eq!(
            alias("PermissionState"),
            union(states.iter().map(|s| json!(s)).collect())
        );
        let sources = [ImageSource::Camera, ImageSource::Album];
        assert_eq!(
            alias("ImageSource"),
            union(sources.iter().map(|s| json!(s)).collect())
        );
    }

    /// The TypeScript unions in the method table name exactly the serde names of the enums.
    #[test]
    fn haptic_enums_match_their_typescript_unions() {
        use crate::Method;
        let names = |v: Vec<Value>| -> Vec<String> {
            v.into_iter()
                .map(|n| format!("'{}'", n.as_str().unwrap()))
                .collect()
        };
        let styles = names(
            [ImpactStyle::Light, ImpactStyle::Medium, ImpactStyle::Heavy]
                .iter()
                .map(|s| json!(s))
                .collect(),
        );
        assert_eq!(
            Method::HapticsVibrateShort.params_ts(),
            format!("{{ style: {} }}", styles.join(" | "))
        );
        let kinds = names(
            [
                HapticNotification::Success,
                HapticNotification::Warning,
                HapticNotification::Error,
            ]
            .iter()
            .map(|k| json!(k))
            .collect(),
        );
        assert_eq!(
            Method::HapticsNotify.params_ts(),
            format!("{{ kind: {} }}", kinds.join(" | "))
        );
    }

    #[test]
    fn envelopes_parse_both_answers() {
        let ok: Response = serde_json::from_str(r#"{"id":1,"result":null}"#).unwrap();
        assert_eq!(
            ok,
            Response::Ok {
                id: 1,
                result: Value::Null
            }
        );
        let err: Response =
            serde_json::from_str(r#"{"id":2,"error":{"code":"NOT_FOUND","message":"x"}}"#).unwrap();
        assert!(matches!(err, Response::Err { id: 2, .. }));
        let req: Request = serde_json::from_str(r#"{"id":3,"method":"storage.keys"}"#).unwrap();
        assert_eq!(req.params, Value::Null);
    }
}
