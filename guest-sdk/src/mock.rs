//! An in-memory bridge for native unit tests (feature `mock`).
//!
//! With the feature enabled every SDK function talks to the [`MockBridge`] installed on the
//! current thread instead of the host. The mock applies the host's rules: a call to an
//! interface that was not granted returns [`Error::PermissionDenied`] and changes nothing;
//! arguments are validated with the host's limits (storage key 1..=1024 bytes, value ≤ 1 MiB,
//! quota 10 MiB by default, payment amount > 0 and currency of three upper-case letters, order
//! ids idempotent, toast 1..=500 bytes, modal 1..=4 buttons, routes starting with `/`, title ≤
//! 100 bytes, vibrate ≤ 1000 ms, haptics need a vibrator, clipboard ≤ 64 KiB, share urls http(s), token requests narrowed
//! to the allowed scopes). Everything that happened can be inspected afterwards.
//!
//! The bridge is thread-local, so tests running in parallel do not see each other.
//!
//! ```
//! use miniapp_sdk::mock::{MockBridge, PaymentOutcome};
//! use miniapp_sdk::{Error, PaymentRequest, Permission, payment, storage, ui};
//!
//! let bridge = MockBridge::new()
//!     .grant(&[Permission::Storage, Permission::Payment])
//!     .payment_outcome(PaymentOutcome::Paid)
//!     .install();
//!
//! storage::set("k", b"v").unwrap();
//! let receipt = payment::pay(PaymentRequest::new("o-1", 100, "EUR", "tea")).unwrap();
//! // The same order id again: the first receipt, charged once.
//! assert_eq!(payment::pay(PaymentRequest::new("o-1", 100, "EUR", "tea")).unwrap(), receipt);
//! // `ui` was not granted.
//! assert_eq!(ui::toast("hi"), Err(Error::PermissionDenied));
//!
//! assert_eq!(bridge.payments().len(), 1);
//! assert!(bridge.toasts().is_empty());
//! assert_eq!(bridge.storage_snapshot()["k"], b"v");
//! assert_eq!(bridge.calls().len(), 4);
//! ```
//!
//! # Recordings and replay
//!
//! [`MockBridge::recording_json`] writes the calls made so far as a JSON array of
//! `{"method", "params", "result"}` or `{"method", "params", "error": {"code", "message"}}`
//! (method and field names as on the JSON bridge: `"storage.set"`, `"orderId"`; storage values
//! as strings when they are UTF-8, otherwise as arrays of bytes). [`MockBridge::replay`] loads
//! such an array: each call then must match the next fixture (method, and params when the
//! fixture has them) and gets the fixture's answer; grants are not checked in this mode since
//! the recording already holds the host's answers.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};

use crate::device::{BatteryInfo, NetworkType, SystemInfo, Theme};
use crate::haptics::{HapticNotification, ImpactStyle};
use crate::settings::{PermissionState, PermissionStatus};
use crate::{
    DeviceInfo, Error, ErrorBody, Level, PaymentRequest, Permission, Position, Receipt, Screen,
    Token, Usage,
};

/// Host limits the mock enforces: the host's own (`miniapp-contract`).
pub use miniapp_contract::limits;

/// How the mock's payment sheet answers a new order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The user pays: a receipt is issued and recorded.
    Paid,
    /// The user closes the payment sheet: [`Error::Cancelled`], nothing charged.
    Cancelled,
    /// The processor cannot be reached: [`Error::Unavailable`] with this reason.
    Unavailable(String),
}

/// One dialog the mini-program showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Modal {
    pub title: String,
    pub message: String,
    pub buttons: Vec<String>,
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    pub level: Level,
    pub message: String,
}

/// One completed share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shared {
    pub text: String,
    pub url: Option<String>,
}

/// One haptic effect the mini-program played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Haptic {
    Short(ImpactStyle),
    Long,
    Notification(HapticNotification),
    Selection,
}

/// Where the mini-program went (`navigation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Opened {
    MiniProgram {
        app_id: String,
        path: Option<String>,
        extra_data: Option<String>,
    },
    Url(String),
    Exit,
}

/// One bridge call as the mock saw it; serializes to the recording format.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// JSON-bridge method name, for example `"payment.pay"`.
    pub method: String,
    /// The arguments, with JSON-bridge field names.
    pub params: Value,
    /// The answer: the result as JSON, or the error.
    pub outcome: Result<Value, Error>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallRepr {
    method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    params: Option<Value>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<ErrorBody>,
}

/// A field that is present is `Some`, even when it is `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl Serialize for Call {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (result, error) = match &self.outcome {
            Ok(v) => (Some(v.clone()), None),
            Err(e) => (None, Some(e.to_body())),
        };
        CallRepr {
            method: self.method.clone(),
            params: Some(self.params.clone()),
            result,
            error,
        }
        .serialize(s)
    }
}

/// A fixture of a replay: `params` of `None` matches any arguments.
#[derive(Debug, Clone)]
struct Fixture {
    method: String,
    params: Option<Value>,
    outcome: Result<Value, Error>,
}

impl TryFrom<CallRepr> for Fixture {
    type Error = String;

    fn try_from(repr: CallRepr) -> Result<Self, String> {
        let outcome = match (repr.result, repr.error) {
            (Some(v), None) => Ok(v),
            (None, Some(e)) => Err(Error::from(e)),
            (None, None) => Ok(Value::Null),
            (Some(_), Some(_)) => {
                return Err(format!(
                    "fixture for {} has both a result and an error",
                    repr.method
                ));
            }
        };
        Ok(Fixture {
            method: repr.method,
            params: repr.params,
            outcome,
        })
    }
}

/// Bytes in recordings: a string when they are UTF-8, otherwise an array of numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => self.0.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            Raw(Vec<u8>),
        }
        Ok(Bytes(match Repr::deserialize(d)? {
            Repr::Text(t) => t.into_bytes(),
            Repr::Raw(b) => b,
        }))
    }
}

#[derive(Debug, Clone)]
struct Config {
    grants: BTreeSet<Permission>,
    allowed_scopes: Vec<String>,
    position: Option<Position>,
    payment_outcome: PaymentOutcome,
    quota_bytes: u64,
    signed_in: bool,
    now: u64,
    device: DeviceInfo,
    vibrator: bool,
    network: NetworkType,
    battery: Option<BatteryInfo>,
    system: SystemInfo,
    share_cancels: bool,
    /// Declared but not granted at this launch: the user said no (or, for a permission that
    /// needs no consent, the host withholds it).
    declined: BTreeSet<Permission>,
    /// Declared, sensitive, and the user was not asked yet.
    not_asked: BTreeSet<Permission>,
    /// What the user answers when `settings::request` asks again.
    request_answer: bool,
    /// The host has a settings page for mini-programs.
    settings_page: bool,
    /// The host has a keystore (`secure_storage`).
    keystore: bool,
    /// The user declines to share their profile (`auth::profile`).
    profile_declined: bool,
    /// The device has a biometric sensor.
    biometric_sensor: bool,
    /// The user turned notifications off for the host app.
    notifications_off: bool,
    /// The device has a camera (`media`).
    camera: bool,
    /// Mini-programs `navigation::open_mini_program` may open; others are `NotFound`.
    known_apps: BTreeSet<String>,
    /// The user declines opening another mini-program or a web page.
    navigation_declined: bool,
    app_id: String,
    /// The running version (`updates`).
    version: String,
    /// What the marketplace offers `updates::check` (`None`: nothing newer); `Err`: no
    /// marketplace (`Unavailable`).
    marketplace: Result<Option<String>, String>,
}

#[derive(Debug, Default)]
struct World {
    storage: BTreeMap<String, Vec<u8>>,
    /// Buttons the user will press in the next dialogs.
    modal_answers: VecDeque<u32>,
    /// Charged payments in order; `receipt_index` finds them by order id.
    payments: Vec<Receipt>,
    receipt_index: BTreeMap<String, usize>,
    tokens: Vec<Token>,
    toasts: Vec<String>,
    modals: Vec<Modal>,
    navigations: Vec<String>,
    titles: Vec<String>,
    action_sheets: Vec<Vec<String>>,
    /// Whether the loading indicator shows, and with which title.
    loading: Option<String>,
    bar_colors: Vec<(String, String)>,
    /// Dates the user will pick in the next date pickers.
    date_answers: VecDeque<String>,
    vibrations: Vec<u32>,
    keep_screen_on: bool,
    clipboard: Option<String>,
    shares: Vec<Shared>,
    haptics: Vec<Haptic>,
    opened: Vec<Opened>,
    /// Answers given to `settings::request` (active from the next launch).
    answers: BTreeMap<Permission, bool>,
    /// Permissions `settings::request` asked the user about, in order.
    asked_again: Vec<Permission>,
    settings_opened: u32,
    /// Reasons shown on biometric prompts (`biometrics`), in order.
    biometric_prompts: Vec<String>,
    /// How the next biometric prompts end (`false`: cancelled); recognised once empty.
    biometric_answers: VecDeque<bool>,
    /// Local notifications scheduled: id -> (title, body, at).
    notifications: BTreeMap<String, (String, String, u64)>,
    /// What `media` showed, in order: `camera`, `album` or `scanner`.
    media_shown: Vec<String>,
    /// Images the next pickers return (`None`: the user cancels); the sample PNG once empty.
    image_answers: VecDeque<Option<crate::media::Image>>,
    /// Codes the next scanners read (`None`: the user cancels); the sample QR code once empty.
    scan_answers: VecDeque<Option<crate::media::ScannedCode>>,
    /// Push topics subscribed to.
    topics: Vec<String>,
    /// Login codes minted (`auth::login_code`).
    login_codes: u32,
    /// The keystore's content (`secure_storage`).
    secrets: BTreeMap<String, String>,
    /// `updates::check` calls, and the version staged by one.
    update_checks: u32,
    staged: Option<String>,
    /// The app's files (`files`): path -> (content, last write).
    files: BTreeMap<String, (String, u64)>,
    logs: Vec<LogLine>,
}

#[derive(Debug)]
struct State {
    config: Config,
    world: World,
    calls: Vec<Call>,
    replay: Option<VecDeque<Fixture>>,
}

/// The in-memory bridge: build it, [`install`](MockBridge::install) it on the test's thread,
/// run the code under test, then inspect it. Cloning gives another handle to the same bridge.
#[derive(Debug, Clone)]
pub struct MockBridge {
    state: Rc<RefCell<State>>,
}

thread_local! {
    static CURRENT: RefCell<Option<MockBridge>> = const { RefCell::new(None) };
}

impl Default for MockBridge {
    fn default() -> Self {
        MockBridge::new()
    }
}

impl MockBridge {
    /// A bridge that grants nothing but `log`, allows no token scope, has no position fix,
    /// answers no dialog (they are dismissed), approves payments, has an empty storage with a
    /// 10 MiB quota, a signed-in user, and a clock fixed at 1 700 000 000 (Unix seconds).
    pub fn new() -> Self {
        let config = Config {
            grants: BTreeSet::new(),
            allowed_scopes: Vec::new(),
            position: None,
            payment_outcome: PaymentOutcome::Paid,
            quota_bytes: limits::DEFAULT_QUOTA_BYTES,
            signed_in: true,
            now: 1_700_000_000,
            device: DeviceInfo {
                platform: "linux".into(),
                host_version: "1.0.0".into(),
                locale: "en-US".into(),
                screen: Screen {
                    width: 390,
                    height: 844,
                    scale: 3.0,
                },
            },
            vibrator: true,
            network: NetworkType::Wifi,
            battery: Some(BatteryInfo {
                level: 100,
                charging: false,
            }),
            system: SystemInfo {
                brand: "mock".into(),
                model: "mock phone".into(),
                os_version: "1.0".into(),
                theme: Theme::Light,
                font_scale: 1.0,
            },
            share_cancels: false,
            declined: BTreeSet::new(),
            not_asked: BTreeSet::new(),
            request_answer: true,
            settings_page: true,
            keystore: true,
            profile_declined: false,
            biometric_sensor: true,
            notifications_off: false,
            camera: true,
            known_apps: BTreeSet::new(),
            navigation_declined: false,
            app_id: "com.example.mock".into(),
            version: "1.0.0".into(),
            marketplace: Ok(None),
        };
        MockBridge {
            state: Rc::new(RefCell::new(State {
                config,
                world: World::default(),
                calls: Vec::new(),
                replay: None,
            })),
        }
    }

    fn configure(self, f: impl FnOnce(&mut State)) -> Self {
        f(&mut self.state.borrow_mut());
        self
    }

    /// Grants these permissions (in addition to any granted before).
    pub fn grant(self, permissions: &[Permission]) -> Self {
        self.configure(|s| s.config.grants.extend(permissions.iter().copied()))
    }

    /// Grants every permission.
    pub fn grant_all(self) -> Self {
        self.grant(&Permission::ALL)
    }

    /// The token scopes the host allows this mini-program; requests are narrowed to them.
    pub fn allowed_scopes<S: AsRef<str>>(self, scopes: &[S]) -> Self {
        let scopes = scopes.iter().map(|s| s.as_ref().to_owned()).collect();
        self.configure(|s| s.config.allowed_scopes = scopes)
    }

    /// The position fix; without one, a granted `current_position` returns `Unavailable`.
    pub fn position(self, position: Position) -> Self {
        self.configure(|s| s.config.position = Some(position))
    }

    /// The buttons the user will press in the next dialogs, in order; once they run out,
    /// dialogs are dismissed (`Cancelled`).
    pub fn modal_answers(self, answers: impl IntoIterator<Item = u32>) -> Self {
        let answers: Vec<u32> = answers.into_iter().collect();
        self.configure(|s| s.world.modal_answers.extend(answers))
    }

    /// The dates the user will pick in the next date pickers, in order; once they run out,
    /// pickers are dismissed (`Cancelled`).
    pub fn date_answers<S: AsRef<str>>(self, dates: &[S]) -> Self {
        let dates: Vec<String> = dates.iter().map(|d| d.as_ref().to_owned()).collect();
        self.configure(|s| s.world.date_answers.extend(dates))
    }

    /// How new payments end (default [`PaymentOutcome::Paid`]).
    pub fn payment_outcome(self, outcome: PaymentOutcome) -> Self {
        self.configure(|s| s.config.payment_outcome = outcome)
    }

    /// The storage quota in bytes; usage counts as the host counts it
    /// ([`limits::storage_entry_bytes`]: a 10-byte header, the key and the value per entry).
    pub fn quota_bytes(self, quota: u64) -> Self {
        self.configure(|s| s.config.quota_bytes = quota)
    }

    /// Puts `value` under `key` before the test starts (no permission or quota check).
    pub fn stored(self, key: &str, value: &[u8]) -> Self {
        let (key, value) = (key.to_owned(), value.to_vec());
        self.configure(|s| {
            s.world.storage.insert(key, value);
        })
    }

    /// No user is signed in: `auth::token` returns `Unavailable`.
    pub fn signed_out(self) -> Self {
        self.configure(|s| s.config.signed_in = false)
    }

    /// The mock's clock, seconds since the Unix epoch (token expiry, receipt time).
    pub fn now(self, unix_seconds: u64) -> Self {
        self.configure(|s| s.config.now = unix_seconds)
    }

    /// What `device::info` answers.
    pub fn device_info(self, info: DeviceInfo) -> Self {
        self.configure(|s| s.config.device = info)
    }

    /// What `device::network_type` answers (default Wi-Fi).
    pub fn network_type(self, network: NetworkType) -> Self {
        self.configure(|s| s.config.network = network)
    }

    /// What `device::battery` answers (default full, not charging); `None`: `Unavailable`.
    pub fn battery(self, battery: Option<BatteryInfo>) -> Self {
        self.configure(|s| s.config.battery = battery)
    }

    /// What `device::system_info` answers.
    pub fn system_info(self, system: SystemInfo) -> Self {
        self.configure(|s| s.config.system = system)
    }

    /// The device has no vibrator: `device::vibrate` and every `haptics` call return
    /// `Unavailable`.
    pub fn no_vibrator(self) -> Self {
        self.configure(|s| s.config.vibrator = false)
    }

    /// The clipboard's text at the start.
    pub fn clipboard_text(self, text: &str) -> Self {
        let text = text.to_owned();
        self.configure(|s| s.world.clipboard = Some(text))
    }

    /// Mini-programs the host knows: `navigation::open_mini_program` opens them, and answers
    /// `NotFound` for any other id.
    pub fn known_apps<S: AsRef<str>>(self, apps: &[S]) -> Self {
        let apps: Vec<String> = apps.iter().map(|a| a.as_ref().to_owned()).collect();
        self.configure(|s| s.config.known_apps.extend(apps))
    }

    /// The user declines opening other mini-programs and web pages (`Cancelled`).
    pub fn navigation_declined(self) -> Self {
        self.configure(|s| s.config.navigation_declined = true)
    }

    /// Declared but not granted at this launch: the user said no to these (a permission that
    /// needs no consent here means the host's policy withholds it). `settings::permissions`
    /// reports them `Denied`.
    pub fn declined(self, permissions: &[Permission]) -> Self {
        self.configure(|s| s.config.declined.extend(permissions.iter().copied()))
    }

    /// Declared sensitive permissions the user was not asked about yet (`NotAsked`).
    pub fn not_asked(self, permissions: &[Permission]) -> Self {
        self.configure(|s| s.config.not_asked.extend(permissions.iter().copied()))
    }

    /// The user says no when `settings::request` asks again (default yes).
    pub fn declines_requests(self) -> Self {
        self.configure(|s| s.config.request_answer = false)
    }

    /// How the next biometric prompts end (`false`: the user cancels), in order.
    pub fn biometric_answers(self, answers: &[bool]) -> Self {
        let answers = answers.to_vec();
        self.configure(|s| s.world.biometric_answers.extend(answers))
    }

    /// The user turned notifications off: `request_permission` answers `false`, `schedule` is
    /// `Unavailable`.
    pub fn notifications_off(self) -> Self {
        self.configure(|s| s.config.notifications_off = true)
    }

    /// Local notifications scheduled: id -> (title, body, at).
    pub fn notifications(&self) -> BTreeMap<String, (String, String, u64)> {
        self.state.borrow().world.notifications.clone()
    }

    /// Push topics subscribed to, in order.
    pub fn topics(&self) -> Vec<String> {
        self.state.borrow().world.topics.clone()
    }

    /// No camera: `media::scan_code` and `media::choose_image(Camera, ..)` are `Unavailable`.
    pub fn no_camera(self) -> Self {
        self.configure(|s| s.config.camera = false)
    }

    /// What the next image pickers return (`None`: the user cancels), in order; then a 1×1 PNG
    /// ([`miniapp_contract::wire::SAMPLE_PNG`]).
    pub fn images(self, answers: impl IntoIterator<Item = Option<crate::media::Image>>) -> Self {
        let answers: Vec<_> = answers.into_iter().collect();
        self.configure(|s| s.world.image_answers.extend(answers))
    }

    /// What the next code scanners read (`None`: the user cancels), in order; then a QR code of
    /// [`miniapp_contract::wire::SAMPLE_SCAN_TEXT`].
    pub fn scans(
        self,
        answers: impl IntoIterator<Item = Option<crate::media::ScannedCode>>,
    ) -> Self {
        let answers: Vec<_> = answers.into_iter().collect();
        self.configure(|s| s.world.scan_answers.extend(answers))
    }

    /// What `media` showed, in order: `"camera"`, `"album"` or `"scanner"`.
    pub fn media_shown(&self) -> Vec<String> {
        self.state.borrow().world.media_shown.clone()
    }

    /// No biometric sensor: `biometrics::authenticate` is `Unavailable`.
    pub fn no_biometric_sensor(self) -> Self {
        self.configure(|s| s.config.biometric_sensor = false)
    }

    /// Reasons shown on biometric prompts, in order.
    pub fn biometric_prompts(&self) -> Vec<String> {
        self.state.borrow().world.biometric_prompts.clone()
    }

    /// The user declines to share their profile: `auth::profile` is `Cancelled`.
    pub fn profile_declined(self) -> Self {
        self.configure(|s| s.config.profile_declined = true)
    }

    /// The host has no keystore: every `secure_storage` call is `Unavailable`.
    pub fn no_keystore(self) -> Self {
        self.configure(|s| s.config.keystore = false)
    }

    /// The running version (default `1.0.0`, what `updates::status` reports as `current`).
    pub fn version(self, version: &str) -> Self {
        let version = version.to_owned();
        self.configure(|s| s.config.version = version)
    }

    /// The marketplace offers `version`: the next `updates::check` stages it.
    pub fn update_available(self, version: &str) -> Self {
        let version = version.to_owned();
        self.configure(|s| s.config.marketplace = Ok(Some(version)))
    }

    /// The host has no marketplace (or is offline): `updates::check` is `Unavailable`.
    pub fn no_marketplace(self) -> Self {
        self.configure(|s| s.config.marketplace = Err("no marketplace".into()))
    }

    /// The host has no settings page: `settings::open_host_settings` is `Unavailable`.
    pub fn no_settings_page(self) -> Self {
        self.configure(|s| s.config.settings_page = false)
    }

    /// This mini-program's id (default `com.example.mock`): it may not open itself.
    pub fn app_id(self, id: &str) -> Self {
        let id = id.to_owned();
        self.configure(|s| s.config.app_id = id)
    }

    /// The user closes the share sheet: `share::share` returns `Cancelled`.
    pub fn share_cancelled(self) -> Self {
        self.configure(|s| s.config.share_cancels = true)
    }

    /// Answers calls from a recording (see the module docs) instead of simulating the host.
    ///
    /// Errors: [`Error::Json`] if `recording` is not an array of fixtures.
    pub fn replay(self, recording: &str) -> Result<Self, Error> {
        let reprs: Vec<CallRepr> = serde_json::from_str(recording)?;
        let fixtures = reprs
            .into_iter()
            .map(Fixture::try_from)
            .collect::<Result<VecDeque<_>, _>>()
            .map_err(Error::Json)?;
        Ok(self.configure(|s| s.replay = Some(fixtures)))
    }

    /// Makes this the bridge of the current thread (replacing any other) and returns it.
    pub fn install(self) -> Self {
        CURRENT.with(|c| *c.borrow_mut() = Some(self.clone()));
        self
    }

    /// The bridge installed on this thread.
    ///
    /// # Panics
    /// If none is installed: bridge calls in a test need `MockBridge::new()...install()` first.
    pub fn current() -> MockBridge {
        CURRENT.with(|c| c.borrow().clone()).expect(
            "no MockBridge installed on this thread: call MockBridge::new()...install() first",
        )
    }

    /// Removes the bridge of this thread, if any.
    pub fn uninstall() {
        CURRENT.with(|c| *c.borrow_mut() = None);
    }

    /// Every bridge call so far, denied ones included, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.state.borrow().calls.clone()
    }

    /// [`calls`](MockBridge::calls) as a JSON recording that [`replay`](MockBridge::replay) loads.
    pub fn recording_json(&self) -> String {
        serde_json::to_string_pretty(&self.state.borrow().calls)
            .expect("recorded calls are plain JSON values")
    }

    /// Fixtures of a replay not consumed yet (0 when not replaying).
    pub fn replay_remaining(&self) -> usize {
        self.state.borrow().replay.as_ref().map_or(0, VecDeque::len)
    }

    /// Receipts of the payments charged, in order (each order id once).
    pub fn payments(&self) -> Vec<Receipt> {
        self.state.borrow().world.payments.clone()
    }

    /// Tokens minted, in order.
    pub fn tokens(&self) -> Vec<Token> {
        self.state.borrow().world.tokens.clone()
    }

    /// Toasts shown, in order.
    pub fn toasts(&self) -> Vec<String> {
        self.state.borrow().world.toasts.clone()
    }

    /// Dialogs shown, in order (answered or dismissed).
    pub fn modals(&self) -> Vec<Modal> {
        self.state.borrow().world.modals.clone()
    }

    /// Routes navigated to, in order.
    pub fn navigations(&self) -> Vec<String> {
        self.state.borrow().world.navigations.clone()
    }

    /// Titles set, in order.
    pub fn titles(&self) -> Vec<String> {
        self.state.borrow().world.titles.clone()
    }

    /// Whether the mini-program asked to keep the screen on (its last `set_keep_screen_on`).
    pub fn keep_screen_on(&self) -> bool {
        self.state.borrow().world.keep_screen_on
    }

    /// Action sheets shown (their items), in order; each is answered like a modal, from
    /// [`modal_answers`](MockBridge::modal_answers).
    pub fn action_sheets(&self) -> Vec<Vec<String>> {
        self.state.borrow().world.action_sheets.clone()
    }

    /// The loading indicator's title while it shows.
    pub fn loading(&self) -> Option<String> {
        self.state.borrow().world.loading.clone()
    }

    /// Navigation bar colours set, `(front, background)`, in order.
    pub fn bar_colors(&self) -> Vec<(String, String)> {
        self.state.borrow().world.bar_colors.clone()
    }

    /// Vibrations, in milliseconds.
    pub fn vibrations(&self) -> Vec<u32> {
        self.state.borrow().world.vibrations.clone()
    }

    /// Permissions `settings::request` asked the user about, in order.
    pub fn consent_requests(&self) -> Vec<Permission> {
        self.state.borrow().world.asked_again.clone()
    }

    /// The app's files now (`files`): path -> content.
    pub fn files(&self) -> BTreeMap<String, String> {
        let state = self.state.borrow();
        state
            .world
            .files
            .iter()
            .map(|(p, (d, _))| (p.clone(), d.clone()))
            .collect()
    }

    /// The keystore's content now (`secure_storage`).
    pub fn secrets(&self) -> BTreeMap<String, String> {
        self.state.borrow().world.secrets.clone()
    }

    /// How many times `updates::check` asked the host.
    pub fn update_checks(&self) -> u32 {
        self.state.borrow().world.update_checks
    }

    /// How many times the host's settings page was opened.
    pub fn settings_opened(&self) -> u32 {
        self.state.borrow().world.settings_opened
    }

    /// Mini-programs, web pages and exits, in order.
    pub fn opened(&self) -> Vec<Opened> {
        self.state.borrow().world.opened.clone()
    }

    /// Haptic effects played, in order.
    pub fn haptics(&self) -> Vec<Haptic> {
        self.state.borrow().world.haptics.clone()
    }

    /// The clipboard's current text.
    pub fn clipboard(&self) -> Option<String> {
        self.state.borrow().world.clipboard.clone()
    }

    /// Completed shares, in order.
    pub fn shares(&self) -> Vec<Shared> {
        self.state.borrow().world.shares.clone()
    }

    /// Log lines, in order (truncated to 4 KiB like the host does).
    pub fn logs(&self) -> Vec<LogLine> {
        self.state.borrow().world.logs.clone()
    }

    /// The storage's content now.
    pub fn storage_snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.state.borrow().world.storage.clone()
    }
}

fn permission_of(method: &str) -> Option<Permission> {
    miniapp_contract::Method::from_name(method)
        .expect("every mock method is in the contract's table")
        .permission()
}

/// Runs one call: replays it, or checks the grant and simulates it; records it either way.
fn call<T: Serialize + DeserializeOwned>(
    method: &'static str,
    params: Value,
    simulate: impl FnOnce(&Config, &mut World) -> Result<T, Error>,
) -> Result<T, Error> {
    let bridge = MockBridge::current();
    let mut state = bridge.state.borrow_mut();
    let state = &mut *state;
    let outcome: Result<T, Error> = if let Some(fixtures) = &mut state.replay {
        let n = state.calls.len();
        let fixture = fixtures.pop_front().unwrap_or_else(|| {
            panic!("replay: call #{n} {method} {params} has no fixture left in the recording")
        });
        if fixture.method != method || fixture.params.as_ref().is_some_and(|p| *p != params) {
            panic!(
                "replay: call #{n} was {method} {params}, the recording expects {} {}",
                fixture.method,
                fixture.params.unwrap_or(Value::Null)
            );
        }
        fixture.outcome.and_then(|v| {
            serde_json::from_value(v)
                .map_err(|e| Error::Json(format!("replay: result of {method}: {e}")))
        })
    } else if permission_of(method).is_some_and(|p| !state.config.grants.contains(&p)) {
        Err(Error::PermissionDenied)
    } else {
        simulate(&state.config, &mut state.world)
    };
    let recorded = match &outcome {
        Ok(v) => Ok(serde_json::to_value(v).expect("bridge results are plain JSON values")),
        Err(e) => Err(e.clone()),
    };
    state.calls.push(Call {
        method: method.to_owned(),
        params,
        outcome: recorded,
    });
    outcome
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidArgument(message.into())
}

fn check_key(key: &str) -> Result<(), Error> {
    if key.is_empty() || key.len() > limits::STORAGE_KEY_BYTES {
        return Err(invalid(format!(
            "key must be 1 to {} bytes, got {}",
            limits::STORAGE_KEY_BYTES,
            key.len()
        )));
    }
    Ok(())
}

/// What storage entries and files count against the quota, as the host counts them.
fn used_bytes(world: &World) -> u64 {
    let keys: u64 = world
        .storage
        .iter()
        .map(|(k, v)| limits::storage_entry_bytes(k.len(), v.len()))
        .sum();
    let files: u64 = world
        .files
        .iter()
        .map(|(p, (d, _))| limits::storage_entry_bytes(p.len(), d.len()))
        .sum();
    keys + files
}

/// Base64url without padding, for the mock token's parts.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn truncate_to(text: &str, max: usize) -> &str {
    &text[..text.floor_char_boundary(max)]
}

/// The functions the SDK modules call when the `mock` feature is on; same signatures as the
/// WIT backend.
pub(crate) mod backend {
    use super::*;

    pub(crate) fn storage_set(key: &str, value: &[u8]) -> Result<(), Error> {
        let params = json!({ "key": key, "value": Bytes(value.to_vec()) });
        call("storage.set", params, |config, world| {
            check_key(key)?;
            if value.len() > limits::STORAGE_VALUE_BYTES {
                return Err(invalid(format!(
                    "value must be at most {} bytes, got {}",
                    limits::STORAGE_VALUE_BYTES,
                    value.len()
                )));
            }
            let old = world
                .storage
                .get(key)
                .map_or(0, |v| limits::storage_entry_bytes(key.len(), v.len()));
            let new_used =
                used_bytes(world) - old + limits::storage_entry_bytes(key.len(), value.len());
            if new_used > config.quota_bytes {
                return Err(Error::QuotaExceeded);
            }
            world.storage.insert(key.to_owned(), value.to_vec());
            Ok(())
        })
    }

    pub(crate) fn storage_get(key: &str) -> Result<Option<Vec<u8>>, Error> {
        call("storage.get", json!({ "key": key }), |_, world| {
            check_key(key)?;
            Ok(world.storage.get(key).cloned().map(Bytes))
        })
        .map(|v: Option<Bytes>| v.map(|b| b.0))
    }

    pub(crate) fn storage_remove(key: &str) -> Result<bool, Error> {
        call("storage.remove", json!({ "key": key }), |_, world| {
            check_key(key)?;
            Ok(world.storage.remove(key).is_some())
        })
    }

    pub(crate) fn storage_keys() -> Result<Vec<String>, Error> {
        call("storage.keys", json!({}), |_, world| {
            Ok(world.storage.keys().cloned().collect())
        })
    }

    pub(crate) fn storage_clear() -> Result<(), Error> {
        call("storage.clear", json!({}), |_, world| {
            world.storage.clear();
            Ok(())
        })
    }

    pub(crate) fn storage_usage() -> Result<Usage, Error> {
        call("storage.usage", json!({}), |config, world| {
            Ok(Usage {
                used_bytes: used_bytes(world),
                quota_bytes: config.quota_bytes,
            })
        })
    }

    pub(crate) fn notifications_request_permission() -> Result<bool, Error> {
        call("notifications.requestPermission", json!({}), |config, _| {
            Ok(!config.notifications_off)
        })
    }

    pub(crate) fn notifications_schedule(
        id: &str,
        title: &str,
        body: &str,
        at: u64,
    ) -> Result<(), Error> {
        let params = json!({ "id": id, "title": title, "body": body, "at": at });
        call("notifications.schedule", params, |config, world| {
            if !limits::is_notification_name(id) {
                return Err(invalid(
                    "id must be 1 to 64 bytes of a-z, 0-9, `.`, `_`, `-`",
                ));
            }
            if title.trim().is_empty() || title.len() > limits::NOTIFICATION_TITLE_BYTES {
                return Err(invalid("title must be 1 to 64 bytes"));
            }
            if body.len() > limits::NOTIFICATION_BODY_BYTES {
                return Err(invalid("body must be at most 256 bytes"));
            }
            if at <= config.now {
                return Err(invalid("at must be in the future (Unix seconds)"));
            }
            if config.notifications_off {
                return Err(Error::Unavailable("notifications are off".into()));
            }
            world
                .notifications
                .insert(id.to_owned(), (title.to_owned(), body.to_owned(), at));
            Ok(())
        })
    }

    pub(crate) fn notifications_subscribe(topic: &str) -> Result<(), Error> {
        call(
            "notifications.subscribe",
            json!({ "topic": topic }),
            |_, world| {
                if !limits::is_notification_name(topic) {
                    return Err(invalid(
                        "topic must be 1 to 64 bytes of a-z, 0-9, `.`, `_`, `-`",
                    ));
                }
                if !world.topics.iter().any(|t| t == topic) {
                    world.topics.push(topic.to_owned());
                }
                Ok(())
            },
        )
    }

    pub(crate) fn media_choose_image(
        source: crate::media::ImageSource,
        max_bytes: u32,
    ) -> Result<crate::media::Image, Error> {
        use crate::media::ImageSource;
        let params = json!({ "source": source, "maxBytes": max_bytes });
        call("media.chooseImage", params, |config, world| {
            if max_bytes == 0 || max_bytes as usize > limits::IMAGE_BYTES {
                return Err(invalid(format!(
                    "maxBytes must be 1 to {}",
                    limits::IMAGE_BYTES
                )));
            }
            if source == ImageSource::Camera && !config.camera {
                return Err(Error::Unavailable("no camera".into()));
            }
            world.media_shown.push(
                match source {
                    ImageSource::Camera => "camera",
                    ImageSource::Album => "album",
                }
                .into(),
            );
            let image = match world.image_answers.pop_front() {
                Some(Some(image)) => image,
                Some(None) => return Err(Error::Cancelled),
                None => crate::media::Image {
                    mime_type: "image/png".into(),
                    data: miniapp_contract::wire::SAMPLE_PNG.to_vec(),
                    width: 1,
                    height: 1,
                },
            };
            if image.data.len() > max_bytes as usize {
                return Err(Error::QuotaExceeded);
            }
            Ok(image)
        })
    }

    pub(crate) fn media_scan_code() -> Result<crate::media::ScannedCode, Error> {
        call("media.scanCode", json!({}), |config, world| {
            if !config.camera {
                return Err(Error::Unavailable("no camera".into()));
            }
            world.media_shown.push("scanner".into());
            match world.scan_answers.pop_front() {
                Some(Some(code)) => Ok(code),
                Some(None) => Err(Error::Cancelled),
                None => Ok(crate::media::ScannedCode {
                    text: miniapp_contract::wire::SAMPLE_SCAN_TEXT.into(),
                    format: "qr".into(),
                }),
            }
        })
    }

    pub(crate) fn biometrics_authenticate(reason: &str) -> Result<(), Error> {
        let params = json!({ "reason": reason });
        call("biometrics.authenticate", params, |config, world| {
            if reason.trim().is_empty()
                || reason.len() > limits::BIOMETRIC_REASON_BYTES
                || reason.chars().any(char::is_control)
            {
                return Err(invalid(format!(
                    "reason must be 1 to {} bytes of visible text",
                    limits::BIOMETRIC_REASON_BYTES
                )));
            }
            if !config.biometric_sensor {
                return Err(Error::Unavailable("no biometric sensor".into()));
            }
            world.biometric_prompts.push(reason.to_owned());
            if world.biometric_answers.pop_front().unwrap_or(true) {
                Ok(())
            } else {
                Err(Error::Cancelled)
            }
        })
    }

    pub(crate) fn auth_login_code() -> Result<crate::auth::LoginCode, Error> {
        call("auth.loginCode", json!({}), |config, world| {
            if !config.signed_in {
                return Err(Error::Unavailable("no signed-in user".into()));
            }
            world.login_codes += 1;
            Ok(crate::auth::LoginCode {
                code: format!("mock-login-code-{}", world.login_codes),
                expires_at: config.now + 5 * 60,
            })
        })
    }

    pub(crate) fn auth_profile() -> Result<crate::auth::UserProfile, Error> {
        call("auth.profile", json!({}), |config, _| {
            if !config.signed_in {
                return Err(Error::Unavailable("no signed-in user".into()));
            }
            if config.profile_declined {
                return Err(Error::Cancelled);
            }
            Ok(crate::auth::UserProfile {
                nickname: "mock-user".into(),
                avatar_url: None,
            })
        })
    }

    pub(crate) fn auth_get_token(scopes: &[String]) -> Result<Token, Error> {
        call(
            "auth.getToken",
            json!({ "scopes": scopes }),
            |config, world| {
                if scopes.is_empty() {
                    return Err(invalid("scopes: at least one scope is required"));
                }
                let mut granted: Vec<String> = Vec::new();
                for scope in scopes {
                    if config.allowed_scopes.contains(scope) && !granted.contains(scope) {
                        granted.push(scope.clone());
                    }
                }
                if granted.is_empty() {
                    return Err(invalid(format!(
                        "scopes: none of {scopes:?} is allowed to this mini-program"
                    )));
                }
                if !config.signed_in {
                    return Err(Error::Unavailable("no signed-in user".into()));
                }
                let expires_at = config.now + limits::TOKEN_LIFETIME_SECONDS;
                let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
                let claims = json!({
                    "iss": "miniapp-mock",
                    "sub": "mock-user",
                    "exp": expires_at,
                    "scope": granted.join(" "),
                });
                let token = Token {
                    value: format!("{header}.{}.", base64url(claims.to_string().as_bytes())),
                    expires_at,
                    scopes: granted,
                };
                world.tokens.push(token.clone());
                Ok(token)
            },
        )
    }

    pub(crate) fn payment_pay(request: &PaymentRequest) -> Result<Receipt, Error> {
        let params = serde_json::to_value(request).expect("a payment request is plain JSON");
        call("payment.pay", params, |config, world| {
            let order_id = &request.order_id;
            if order_id.is_empty() || order_id.len() > limits::ORDER_ID_BYTES {
                return Err(invalid(format!(
                    "orderId must be 1 to {} bytes",
                    limits::ORDER_ID_BYTES
                )));
            }
            if request.amount_minor == 0 {
                return Err(invalid("amountMinor must be positive"));
            }
            let currency = &request.currency;
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(invalid(format!(
                    "currency must be three upper-case letters (ISO 4217), got {currency:?}"
                )));
            }
            if let Some(&i) = world.receipt_index.get(order_id) {
                return Ok(world.payments[i].clone());
            }
            match &config.payment_outcome {
                PaymentOutcome::Cancelled => Err(Error::Cancelled),
                PaymentOutcome::Unavailable(why) => Err(Error::Unavailable(why.clone())),
                PaymentOutcome::Paid => {
                    let receipt = Receipt {
                        order_id: order_id.clone(),
                        transaction_id: format!("mock-tx-{}", world.payments.len() + 1),
                        amount_minor: request.amount_minor,
                        currency: currency.clone(),
                        paid_at: config.now,
                    };
                    world
                        .receipt_index
                        .insert(order_id.clone(), world.payments.len());
                    world.payments.push(receipt.clone());
                    Ok(receipt)
                }
            }
        })
    }

    pub(crate) fn payment_query(order_id: &str) -> Result<Receipt, Error> {
        call(
            "payment.query",
            json!({ "orderId": order_id }),
            |_, world| {
                world
                    .receipt_index
                    .get(order_id)
                    .map(|&i| world.payments[i].clone())
                    .ok_or(Error::NotFound)
            },
        )
    }

    pub(crate) fn geolocation_current_position() -> Result<Position, Error> {
        call("geolocation.currentPosition", json!({}), |config, _| {
            config
                .position
                .ok_or_else(|| Error::Unavailable("no position fix".into()))
        })
    }

    pub(crate) fn ui_toast(message: &str) -> Result<(), Error> {
        call("ui.toast", json!({ "message": message }), |_, world| {
            if message.is_empty() || message.len() > limits::TOAST_BYTES {
                return Err(invalid(format!(
                    "message must be 1 to {} bytes",
                    limits::TOAST_BYTES
                )));
            }
            world.toasts.push(message.to_owned());
            Ok(())
        })
    }

    pub(crate) fn ui_modal(title: &str, message: &str, buttons: &[String]) -> Result<u32, Error> {
        let params = json!({ "title": title, "message": message, "buttons": buttons });
        call("ui.modal", params, |_, world| {
            if buttons.is_empty() || buttons.len() > limits::MODAL_BUTTONS_MAX {
                return Err(invalid(format!(
                    "buttons: 1 to {} required, got {}",
                    limits::MODAL_BUTTONS_MAX,
                    buttons.len()
                )));
            }
            world.modals.push(Modal {
                title: title.to_owned(),
                message: message.to_owned(),
                buttons: buttons.to_vec(),
            });
            match world.modal_answers.pop_front() {
                Some(i) if (i as usize) < buttons.len() => Ok(i),
                Some(i) => panic!(
                    "MockBridge::modal_answers: answer {i} for a dialog with {} buttons",
                    buttons.len()
                ),
                None => Err(Error::Cancelled),
            }
        })
    }

    pub(crate) fn ui_navigate(route: &str) -> Result<(), Error> {
        call("ui.navigate", json!({ "route": route }), |_, world| {
            if !route.starts_with('/') {
                return Err(invalid("route must start with '/'"));
            }
            world.navigations.push(route.to_owned());
            Ok(())
        })
    }

    pub(crate) fn ui_set_title(title: &str) -> Result<(), Error> {
        call("ui.setTitle", json!({ "title": title }), |_, world| {
            if title.len() > limits::TITLE_BYTES {
                return Err(invalid(format!(
                    "title must be at most {} bytes",
                    limits::TITLE_BYTES
                )));
            }
            world.titles.push(title.to_owned());
            Ok(())
        })
    }

    pub(crate) fn ui_action_sheet(items: &[String]) -> Result<u32, Error> {
        call("ui.actionSheet", json!({ "items": items }), |_, world| {
            if items.is_empty() || items.len() > limits::ACTION_SHEET_ITEMS_MAX {
                return Err(invalid(format!(
                    "items: 1 to {} required, got {}",
                    limits::ACTION_SHEET_ITEMS_MAX,
                    items.len()
                )));
            }
            if items
                .iter()
                .any(|i| i.is_empty() || i.len() > limits::LABEL_BYTES)
            {
                return Err(invalid(format!(
                    "each item must be 1 to {} bytes",
                    limits::LABEL_BYTES
                )));
            }
            world.action_sheets.push(items.to_vec());
            match world.modal_answers.pop_front() {
                Some(i) if (i as usize) < items.len() => Ok(i),
                Some(i) => panic!(
                    "MockBridge::modal_answers: answer {i} for an action sheet with {} items",
                    items.len()
                ),
                None => Err(Error::Cancelled),
            }
        })
    }

    pub(crate) fn ui_show_loading(title: &str) -> Result<(), Error> {
        call("ui.showLoading", json!({ "title": title }), |_, world| {
            if title.is_empty() || title.len() > limits::TITLE_BYTES {
                return Err(invalid(format!(
                    "title must be 1 to {} bytes",
                    limits::TITLE_BYTES
                )));
            }
            world.loading = Some(title.to_owned());
            Ok(())
        })
    }

    pub(crate) fn ui_hide_loading() -> Result<(), Error> {
        call("ui.hideLoading", json!({}), |_, world| {
            world.loading = None;
            Ok(())
        })
    }

    pub(crate) fn ui_set_navigation_bar_color(front: &str, background: &str) -> Result<(), Error> {
        let params = json!({ "frontColor": front, "backgroundColor": background });
        call("ui.setNavigationBarColor", params, |_, world| {
            if front != "#ffffff" && front != "#000000" {
                return Err(invalid("frontColor must be #ffffff or #000000"));
            }
            if !limits::is_hex_color(background) {
                return Err(invalid("backgroundColor must be #rrggbb"));
            }
            world
                .bar_colors
                .push((front.to_owned(), background.to_owned()));
            Ok(())
        })
    }

    pub(crate) fn ui_pick_date(
        initial: &str,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Result<String, Error> {
        let params = json!({ "initial": initial, "start": start, "end": end });
        call("ui.pickDate", params, |_, world| {
            for (what, date) in [("initial", Some(initial)), ("start", start), ("end", end)] {
                if date.is_some_and(|d| !limits::is_calendar_date(d)) {
                    return Err(invalid(format!(
                        "{what} must be a calendar date YYYY-MM-DD"
                    )));
                }
            }
            let within = |d: &str| start.is_none_or(|s| s <= d) && end.is_none_or(|e| d <= e);
            if !within(initial) {
                return Err(invalid("initial must lie within start..end"));
            }
            match world.date_answers.pop_front() {
                Some(d) if limits::is_calendar_date(&d) && within(&d) => Ok(d),
                Some(d) => panic!("MockBridge::date_answers: {d:?} is outside the picker's range"),
                None => Err(Error::Cancelled),
            }
        })
    }

    pub(crate) fn device_info() -> Result<DeviceInfo, Error> {
        call("device.info", json!({}), |config, _| {
            Ok(config.device.clone())
        })
    }

    pub(crate) fn device_vibrate(millis: u32) -> Result<(), Error> {
        call(
            "device.vibrate",
            json!({ "millis": millis }),
            |config, world| {
                if millis > limits::VIBRATE_MILLIS_MAX {
                    return Err(invalid(format!(
                        "millis must be at most {}",
                        limits::VIBRATE_MILLIS_MAX
                    )));
                }
                if !config.vibrator {
                    return Err(Error::Unavailable("no vibrator".into()));
                }
                world.vibrations.push(millis);
                Ok(())
            },
        )
    }

    fn play(method: &'static str, params: Value, effect: Haptic) -> Result<(), Error> {
        call(method, params, |config, world| {
            if !config.vibrator {
                return Err(Error::Unavailable("no haptic engine".into()));
            }
            world.haptics.push(effect);
            Ok(())
        })
    }

    pub(crate) fn haptics_vibrate_short(style: ImpactStyle) -> Result<(), Error> {
        let params = json!({ "style": style });
        play("haptics.vibrateShort", params, Haptic::Short(style))
    }

    pub(crate) fn haptics_vibrate_long() -> Result<(), Error> {
        play("haptics.vibrateLong", json!({}), Haptic::Long)
    }

    pub(crate) fn haptics_notify(kind: HapticNotification) -> Result<(), Error> {
        let params = json!({ "kind": kind });
        play("haptics.notify", params, Haptic::Notification(kind))
    }

    pub(crate) fn haptics_selection_changed() -> Result<(), Error> {
        play("haptics.selectionChanged", json!({}), Haptic::Selection)
    }

    pub(crate) fn device_network_type() -> Result<NetworkType, Error> {
        call("device.networkType", json!({}), |config, _| {
            Ok(config.network)
        })
    }

    pub(crate) fn device_battery() -> Result<BatteryInfo, Error> {
        call("device.battery", json!({}), |config, _| {
            config
                .battery
                .ok_or_else(|| Error::Unavailable("no battery".into()))
        })
    }

    pub(crate) fn device_set_keep_screen_on(keep_on: bool) -> Result<(), Error> {
        let params = json!({ "keepOn": keep_on });
        call("device.setKeepScreenOn", params, |_, world| {
            world.keep_screen_on = keep_on;
            Ok(())
        })
    }

    pub(crate) fn device_system_info() -> Result<SystemInfo, Error> {
        call("device.systemInfo", json!({}), |config, _| {
            Ok(config.system.clone())
        })
    }

    pub(crate) fn navigation_open_mini_program(
        app_id: &str,
        path: Option<&str>,
        extra_data: Option<&str>,
    ) -> Result<(), Error> {
        let params = json!({ "appId": app_id, "path": path, "extraData": extra_data });
        call("navigation.openMiniProgram", params, |config, world| {
            let segments: Vec<&str> = app_id.split('.').collect();
            let segment_ok = |s: &&str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            };
            if segments.len() < 3 || !segments.iter().all(segment_ok) {
                return Err(invalid("appId must look like com.acme.loans"));
            }
            if app_id == config.app_id {
                return Err(invalid("appId is this mini-program's own id"));
            }
            if path.is_some_and(|p| !p.starts_with('/') || p.len() > 1000) {
                return Err(invalid(
                    "path must start with `/` and be at most 1000 bytes",
                ));
            }
            if extra_data.is_some_and(|d| d.len() > limits::EXTRA_DATA_BYTES) {
                return Err(invalid(format!(
                    "extraData must be at most {} bytes",
                    limits::EXTRA_DATA_BYTES
                )));
            }
            if !config.known_apps.contains(app_id) {
                return Err(Error::NotFound);
            }
            if config.navigation_declined {
                return Err(Error::Cancelled);
            }
            world.opened.push(Opened::MiniProgram {
                app_id: app_id.to_owned(),
                path: path.map(str::to_owned),
                extra_data: extra_data.map(str::to_owned),
            });
            Ok(())
        })
    }

    pub(crate) fn navigation_open_url(url: &str) -> Result<(), Error> {
        call(
            "navigation.openUrl",
            json!({ "url": url }),
            |config, world| {
                if !limits::is_web_url(url) {
                    return Err(invalid(
                        "url must be http(s) with a host, at most 2048 bytes",
                    ));
                }
                if config.navigation_declined {
                    return Err(Error::Cancelled);
                }
                world.opened.push(Opened::Url(url.to_owned()));
                Ok(())
            },
        )
    }

    fn check_secure_key(config: &Config, key: &str) -> Result<(), Error> {
        if let Some(problem) = limits::secure_key_problem(key) {
            return Err(invalid(problem));
        }
        if !config.keystore {
            return Err(Error::Unavailable("no keystore".into()));
        }
        Ok(())
    }

    pub(crate) fn secure_storage_set(key: &str, value: &str) -> Result<(), Error> {
        // Recorded like the host records it: never the value.
        let params = json!({ "key": key, "value": "redacted" });
        call("secureStorage.set", params, |config, world| {
            if let Some(problem) = limits::secure_key_problem(key) {
                return Err(invalid(problem));
            }
            if value.len() > limits::SECURE_VALUE_BYTES {
                return Err(invalid(format!(
                    "value must be at most {} bytes",
                    limits::SECURE_VALUE_BYTES
                )));
            }
            check_secure_key(config, key)?;
            if !world.secrets.contains_key(key) && world.secrets.len() >= limits::SECURE_ENTRIES_MAX
            {
                return Err(Error::QuotaExceeded);
            }
            world.secrets.insert(key.to_owned(), value.to_owned());
            Ok(())
        })
    }

    pub(crate) fn secure_storage_get(key: &str) -> Result<Option<String>, Error> {
        call(
            "secureStorage.get",
            json!({ "key": key }),
            |config, world| {
                check_secure_key(config, key)?;
                Ok(world.secrets.get(key).cloned())
            },
        )
    }

    pub(crate) fn secure_storage_remove(key: &str) -> Result<bool, Error> {
        call(
            "secureStorage.remove",
            json!({ "key": key }),
            |config, world| {
                check_secure_key(config, key)?;
                Ok(world.secrets.remove(key).is_some())
            },
        )
    }

    fn check_path(path: &str) -> Result<(), Error> {
        match limits::file_path_problem(path) {
            Some(problem) => Err(invalid(problem)),
            None => Ok(()),
        }
    }

    fn file_info(path: &str, data: &str, modified_at: u64) -> crate::files::FileInfo {
        crate::files::FileInfo {
            path: path.to_owned(),
            size: data.len() as u64,
            modified_at,
        }
    }

    pub(crate) fn files_write(path: &str, data: &str) -> Result<(), Error> {
        let params = json!({ "path": path, "data": data });
        call("files.write", params, |config, world| {
            check_path(path)?;
            if data.len() > limits::FILE_BYTES {
                return Err(invalid(format!(
                    "data must be at most {} bytes",
                    limits::FILE_BYTES
                )));
            }
            let old = world
                .files
                .get(path)
                .map_or(0, |(d, _)| limits::storage_entry_bytes(path.len(), d.len()));
            let new_used =
                used_bytes(world) - old + limits::storage_entry_bytes(path.len(), data.len());
            if new_used > config.quota_bytes {
                return Err(Error::QuotaExceeded);
            }
            world
                .files
                .insert(path.to_owned(), (data.to_owned(), config.now));
            Ok(())
        })
    }

    pub(crate) fn files_read(path: &str) -> Result<String, Error> {
        call("files.read", json!({ "path": path }), |_, world| {
            check_path(path)?;
            world
                .files
                .get(path)
                .map(|(d, _)| d.clone())
                .ok_or(Error::NotFound)
        })
    }

    pub(crate) fn files_list(dir: &str) -> Result<Vec<crate::files::FileInfo>, Error> {
        call("files.list", json!({ "dir": dir }), |_, world| {
            if !dir.is_empty() {
                check_path(dir)?;
            }
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            Ok(world
                .files
                .iter()
                .filter(|(p, _)| p.starts_with(&prefix))
                .map(|(p, (d, t))| file_info(p, d, *t))
                .collect())
        })
    }

    pub(crate) fn files_stat(path: &str) -> Result<crate::files::FileInfo, Error> {
        call("files.stat", json!({ "path": path }), |_, world| {
            check_path(path)?;
            world
                .files
                .get(path)
                .map(|(d, t)| file_info(path, d, *t))
                .ok_or(Error::NotFound)
        })
    }

    pub(crate) fn files_remove(path: &str) -> Result<bool, Error> {
        call("files.remove", json!({ "path": path }), |_, world| {
            check_path(path)?;
            Ok(world.files.remove(path).is_some())
        })
    }

    fn declared(config: &Config, p: Permission) -> bool {
        config.grants.contains(&p) || config.declined.contains(&p) || config.not_asked.contains(&p)
    }

    /// Where a declared permission stands, as the host reports it.
    fn permission_status(config: &Config, world: &World, p: Permission) -> PermissionStatus {
        let state = match world.answers.get(&p) {
            Some(true) => PermissionState::Granted,
            Some(false) => PermissionState::Denied,
            None if config.grants.contains(&p) => PermissionState::Granted,
            None if config.not_asked.contains(&p) => PermissionState::NotAsked,
            None => PermissionState::Denied,
        };
        PermissionStatus {
            permission: p,
            state,
            active: config.grants.contains(&p),
        }
    }

    pub(crate) fn settings_permissions() -> Result<Vec<PermissionStatus>, Error> {
        call("settings.permissions", json!({}), |config, world| {
            Ok(Permission::ALL
                .into_iter()
                .filter(|p| declared(config, *p))
                .map(|p| permission_status(config, world, p))
                .collect())
        })
    }

    pub(crate) fn settings_request(permission: &str) -> Result<PermissionStatus, Error> {
        let params = json!({ "permission": permission });
        call("settings.request", params, |config, world| {
            let p = Permission::from_name(permission)
                .filter(|p| declared(config, *p))
                .ok_or_else(|| invalid(format!("`{permission}` is not a declared permission")))?;
            let current = permission_status(config, world, p);
            let no_prompt = !p.is_sensitive() || world.asked_again.contains(&p);
            if current.state == PermissionState::Granted || no_prompt {
                return Ok(current);
            }
            world.asked_again.push(p);
            world.answers.insert(p, config.request_answer);
            Ok(permission_status(config, world, p))
        })
    }

    pub(crate) fn settings_open_host_settings() -> Result<(), Error> {
        call("settings.openHostSettings", json!({}), |config, world| {
            if !config.settings_page {
                return Err(Error::Unavailable("no settings page".into()));
            }
            world.settings_opened += 1;
            Ok(())
        })
    }

    fn update_status(config: &Config, world: &World) -> crate::updates::UpdateStatus {
        crate::updates::UpdateStatus {
            current: config.version.clone(),
            pending: world.staged.clone(),
        }
    }

    pub(crate) fn updates_status() -> Result<crate::updates::UpdateStatus, Error> {
        call("updates.status", json!({}), |config, world| {
            Ok(update_status(config, world))
        })
    }

    pub(crate) fn updates_check() -> Result<crate::updates::UpdateStatus, Error> {
        call("updates.check", json!({}), |config, world| {
            world.update_checks += 1;
            match &config.marketplace {
                Err(why) => return Err(Error::Unavailable(why.clone())),
                Ok(offered) => {
                    if let Some(v) = offered {
                        world.staged = Some(v.clone());
                    }
                }
            }
            Ok(update_status(config, world))
        })
    }

    /// A mock has no launch to measure: zeros, and this instance's call count.
    pub(crate) fn performance_metrics() -> crate::performance::PerformanceMetrics {
        let calls = MockBridge::current().state.borrow().calls.len() as u64;
        call("performance.metrics", json!({}), |_, _| {
            Ok(crate::performance::PerformanceMetrics {
                launch: Some(crate::performance::LaunchMetrics {
                    load_ms: 0.0,
                    link_ms: 0.0,
                    instantiate_ms: 0.0,
                    on_launch_ms: None,
                }),
                bridge_calls: calls + 1,
                bridge_host_ms: 0.0,
                guest_ms: Some(0.0),
            })
        })
        .unwrap_or_else(|e| panic!("performance.metrics never fails, the mock said {e}"))
    }

    pub(crate) fn navigation_exit() -> Result<(), Error> {
        call("navigation.exit", json!({}), |_, world| {
            world.opened.push(Opened::Exit);
            Ok(())
        })
    }

    pub(crate) fn clipboard_read_text() -> Result<Option<String>, Error> {
        call("clipboard.readText", json!({}), |_, world| {
            Ok(world.clipboard.clone())
        })
    }

    pub(crate) fn clipboard_write_text(text: &str) -> Result<(), Error> {
        call(
            "clipboard.writeText",
            json!({ "text": text }),
            |_, world| {
                if text.len() > limits::CLIPBOARD_TEXT_BYTES {
                    return Err(invalid(format!(
                        "text must be at most {} bytes",
                        limits::CLIPBOARD_TEXT_BYTES
                    )));
                }
                world.clipboard = Some(text.to_owned());
                Ok(())
            },
        )
    }

    pub(crate) fn share_share(text: &str, url: Option<&str>) -> Result<(), Error> {
        let params = match url {
            Some(url) => json!({ "text": text, "url": url }),
            None => json!({ "text": text }),
        };
        call("share.share", params, |config, world| {
            if text.is_empty() {
                return Err(invalid("text must not be empty"));
            }
            if let Some(url) = url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                return Err(invalid("url must be http(s)"));
            }
            if config.share_cancels {
                return Err(Error::Cancelled);
            }
            world.shares.push(Shared {
                text: text.to_owned(),
                url: url.map(str::to_owned),
            });
            Ok(())
        })
    }

    pub(crate) fn log_log(level: Level, message: &str) {
        let params = json!({ "level": level, "message": message });
        // `log` cannot fail on the host; a replayed error is ignored the same way.
        let _ = call("log.log", params, |_, world| {
            world.logs.push(LogLine {
                level,
                message: truncate_to(message, limits::LOG_MESSAGE_BYTES).to_owned(),
            });
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{auth, clipboard, device, geolocation, log, payment, share, storage, ui};

    fn fee(order: &str) -> PaymentRequest {
        PaymentRequest::new(order, 1500, "EUR", "fee")
    }

    #[test]
    fn ungranted_calls_are_denied_recorded_and_change_nothing() {
        let bridge = MockBridge::new().grant(&[Permission::Ui]).install();
        assert_eq!(storage::set("k", b"v"), Err(Error::PermissionDenied));
        assert_eq!(payment::pay(fee("o")), Err(Error::PermissionDenied));
        assert_eq!(auth::token(&["profile"]), Err(Error::PermissionDenied));
        assert_eq!(
            geolocation::current_position(),
            Err(Error::PermissionDenied)
        );
        assert_eq!(device::vibrate(10), Err(Error::PermissionDenied));
        assert_eq!(clipboard::write_text("x"), Err(Error::PermissionDenied));
        assert_eq!(share::share("x", None), Err(Error::PermissionDenied));
        // Denial comes before validation, as on the host.
        assert_eq!(storage::set("", b"v"), Err(Error::PermissionDenied));
        log::info("log needs no permission");
        ui::toast("ui is granted").unwrap();

        assert!(bridge.storage_snapshot().is_empty());
        assert!(bridge.payments().is_empty());
        assert!(bridge.tokens().is_empty());
        assert!(bridge.vibrations().is_empty());
        assert_eq!(bridge.clipboard(), None);
        assert!(bridge.shares().is_empty());
        assert_eq!(bridge.toasts(), ["ui is granted"]);
        assert_eq!(bridge.logs().len(), 1);
        let calls = bridge.calls();
        assert_eq!(calls.len(), 10);
        assert_eq!(calls[0].method, "storage.set");
        assert_eq!(calls[0].outcome, Err(Error::PermissionDenied));
        assert_eq!(calls[9].outcome, Ok(Value::Null));
    }

    #[test]
    fn storage_limits_quota_usage_and_sorted_keys() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Storage])
            .quota_bytes(100)
            .install();
        assert!(matches!(
            storage::set("", b"v"),
            Err(Error::InvalidArgument(_))
        ));
        let long_key = "k".repeat(limits::STORAGE_KEY_BYTES + 1);
        assert!(matches!(
            storage::set(&long_key, b"v"),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            storage::get(&long_key),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            storage::set("big", &vec![0; limits::STORAGE_VALUE_BYTES + 1]),
            Err(Error::InvalidArgument(_))
        ));

        // Each entry counts as on the host: a 10-byte header, the key and the value.
        storage::set("b", &[1; 39]).unwrap(); // 50 bytes with its header and key
        storage::set("a", &[2; 29]).unwrap(); // 40
        assert_eq!(storage::set("c", &[3; 10]), Err(Error::QuotaExceeded)); // would be 111
        storage::set("b", &[4; 48]).unwrap(); // replacing counts the difference: 99
        assert_eq!(
            storage::usage().unwrap(),
            Usage {
                used_bytes: 99,
                quota_bytes: 100
            }
        );
        assert_eq!(storage::keys().unwrap(), ["a", "b"]);
        assert_eq!(storage::get("a").unwrap(), Some(vec![2; 29]));
        assert_eq!(storage::get("zzz").unwrap(), None);
        assert!(storage::remove("a").unwrap());
        assert!(!storage::remove("a").unwrap());
        storage::clear().unwrap();
        assert!(bridge.storage_snapshot().is_empty());
        assert_eq!(storage::usage().unwrap().used_bytes, 0);
    }

    #[test]
    fn json_helpers_round_trip_and_report_bad_json() {
        MockBridge::new()
            .grant(&[Permission::Storage])
            .stored("broken", b"{not json")
            .install();
        storage::set_json("draft", &vec![1u8, 2, 3]).unwrap();
        assert_eq!(
            storage::get_json::<Vec<u8>>("draft").unwrap(),
            Some(vec![1, 2, 3])
        );
        assert_eq!(storage::get_json::<Vec<u8>>("absent").unwrap(), None);
        let err = storage::get_json::<Vec<u8>>("broken").unwrap_err();
        assert_eq!(err.code(), "JSON");
        let err = storage::get_json::<String>("draft").unwrap_err();
        assert!(matches!(err, Error::Json(_)));
    }

    #[test]
    fn tokens_are_narrowed_to_the_allowed_scopes() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Auth])
            .allowed_scopes(&["profile", "email"])
            .now(1000)
            .install();
        let token = auth::token(&["payments:write", "profile", "profile"]).unwrap();
        assert_eq!(token.scopes, ["profile"]);
        assert_eq!(token.expires_at, 1000 + 900);
        assert_eq!(token.value.split('.').count(), 3);
        assert!(matches!(
            auth::token(&["payments:write"]),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            auth::token::<&str>(&[]),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(bridge.tokens(), [token]);
    }

    #[test]
    fn no_allowed_scope_or_no_user_is_refused() {
        MockBridge::new().grant(&[Permission::Auth]).install();
        assert!(matches!(
            auth::token(&["profile"]),
            Err(Error::InvalidArgument(_))
        ));
        MockBridge::new()
            .grant(&[Permission::Auth])
            .allowed_scopes(&["profile"])
            .signed_out()
            .install();
        assert!(matches!(
            auth::token(&["profile"]),
            Err(Error::Unavailable(_))
        ));
    }

    #[test]
    fn payments_validate_and_are_idempotent_on_the_order_id() {
        let bridge = MockBridge::new().grant(&[Permission::Payment]).install();
        let bad = [
            PaymentRequest::new("", 1, "EUR", "x"),
            PaymentRequest::new("o".repeat(129), 1, "EUR", "x"),
            PaymentRequest::new("o", 0, "EUR", "x"),
            PaymentRequest::new("o", 1, "eur", "x"),
            PaymentRequest::new("o", 1, "EURO", "x"),
            PaymentRequest::new("o", 1, "E1R", "x"),
        ];
        for request in bad {
            assert!(
                matches!(
                    payment::pay(request.clone()),
                    Err(Error::InvalidArgument(_))
                ),
                "{request:?}"
            );
        }
        assert_eq!(payment::query("o-1"), Err(Error::NotFound));
        let first = payment::pay(fee("o-1")).unwrap();
        let mut other_amount = fee("o-1");
        other_amount.amount_minor = 9999;
        assert_eq!(payment::pay(other_amount).unwrap(), first);
        assert_eq!(payment::query("o-1").unwrap(), first);
        let second = payment::pay(fee("o-2")).unwrap();
        assert_ne!(first.transaction_id, second.transaction_id);
        assert_eq!(bridge.payments(), [first, second]);
    }

    #[test]
    fn cancelled_or_unavailable_payments_charge_nothing() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Payment])
            .payment_outcome(PaymentOutcome::Cancelled)
            .install();
        assert_eq!(payment::pay(fee("o")), Err(Error::Cancelled));
        assert_eq!(payment::query("o"), Err(Error::NotFound));
        let bridge = bridge
            .payment_outcome(PaymentOutcome::Unavailable("offline".into()))
            .install();
        assert_eq!(
            payment::pay(fee("o")),
            Err(Error::Unavailable("offline".into()))
        );
        let bridge = bridge.payment_outcome(PaymentOutcome::Paid).install();
        assert_eq!(payment::pay(fee("o")).unwrap().order_id, "o");
        assert_eq!(bridge.payments().len(), 1);
    }

    #[test]
    fn position_needs_a_fix() {
        MockBridge::new().grant(&[Permission::Location]).install();
        assert!(matches!(
            geolocation::current_position(),
            Err(Error::Unavailable(_))
        ));
        let here = Position {
            latitude: 1.5,
            longitude: -2.5,
            accuracy_m: 3.0,
        };
        MockBridge::new()
            .grant(&[Permission::Location])
            .position(here)
            .install();
        assert_eq!(geolocation::current_position().unwrap(), here);
    }

    #[test]
    fn ui_rules_and_dialog_answers() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Ui])
            .modal_answers([1, 0])
            .install();
        assert!(matches!(ui::toast(""), Err(Error::InvalidArgument(_))));
        assert!(matches!(
            ui::toast(&"x".repeat(501)),
            Err(Error::InvalidArgument(_))
        ));
        ui::toast(&"x".repeat(500)).unwrap();
        assert!(matches!(
            ui::modal::<&str>("t", "m", &[]),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            ui::modal("t", "m", &["1", "2", "3", "4", "5"]),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(ui::modal("t", "m", &["no", "yes"]).unwrap(), 1);
        assert_eq!(ui::modal("t", "m", &["ok"]).unwrap(), 0);
        assert_eq!(ui::modal("t", "m", &["ok"]), Err(Error::Cancelled));
        assert_eq!(bridge.modals().len(), 3);
        assert!(matches!(
            ui::navigate("apply"),
            Err(Error::InvalidArgument(_))
        ));
        ui::navigate("/apply/step-2").unwrap();
        assert!(matches!(
            ui::set_title(&"t".repeat(101)),
            Err(Error::InvalidArgument(_))
        ));
        ui::set_title("Loans").unwrap();
        assert_eq!(bridge.navigations(), ["/apply/step-2"]);
        assert_eq!(bridge.titles(), ["Loans"]);
        assert_eq!(bridge.toasts().len(), 1);
    }

    #[test]
    fn device_clipboard_and_share() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Device, Permission::Clipboard, Permission::Share])
            .clipboard_text("before")
            .install();
        assert_eq!(device::info().unwrap().platform, "linux");
        assert!(matches!(
            device::vibrate(1001),
            Err(Error::InvalidArgument(_))
        ));
        device::vibrate(1000).unwrap();
        assert_eq!(bridge.vibrations(), [1000]);
        assert_eq!(clipboard::read_text().unwrap().as_deref(), Some("before"));
        assert!(matches!(
            clipboard::write_text(&"x".repeat(64 * 1024 + 1)),
            Err(Error::InvalidArgument(_))
        ));
        clipboard::write_text("after").unwrap();
        assert_eq!(bridge.clipboard().as_deref(), Some("after"));
        assert!(matches!(
            share::share("", None),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            share::share("hi", Some("ftp://x")),
            Err(Error::InvalidArgument(_))
        ));
        share::share("hi", Some("https://acme.example/loan")).unwrap();
        assert_eq!(
            bridge.shares(),
            [Shared {
                text: "hi".into(),
                url: Some("https://acme.example/loan".into())
            }]
        );

        MockBridge::new()
            .grant(&[Permission::Device, Permission::Share])
            .no_vibrator()
            .share_cancelled()
            .install();
        assert!(matches!(device::vibrate(10), Err(Error::Unavailable(_))));
        assert_eq!(share::share("hi", None), Err(Error::Cancelled));
    }

    #[test]
    fn haptics_play_with_a_vibrator_and_need_their_permission() {
        use crate::haptics;
        let bridge = MockBridge::new().grant(&[Permission::Haptics]).install();
        haptics::vibrate_short(ImpactStyle::Light).unwrap();
        haptics::vibrate_long().unwrap();
        haptics::notify(HapticNotification::Error).unwrap();
        haptics::selection_changed().unwrap();
        assert_eq!(
            bridge.haptics(),
            [
                Haptic::Short(ImpactStyle::Light),
                Haptic::Long,
                Haptic::Notification(HapticNotification::Error),
                Haptic::Selection
            ]
        );
        assert_eq!(bridge.calls()[0].params, json!({ "style": "light" }));

        let bridge = MockBridge::new().grant(&[Permission::Device]).install();
        assert_eq!(haptics::vibrate_long(), Err(Error::PermissionDenied));
        let bridge_no_engine = MockBridge::new()
            .grant(&[Permission::Haptics])
            .no_vibrator()
            .install();
        assert!(matches!(
            haptics::selection_changed(),
            Err(Error::Unavailable(_))
        ));
        assert!(bridge.haptics().is_empty() && bridge_no_engine.haptics().is_empty());
    }

    #[test]
    fn device_network_battery_screen_and_system() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Device])
            .network_type(NetworkType::Cellular)
            .install();
        assert_eq!(device::network_type().unwrap(), NetworkType::Cellular);
        assert_eq!(device::battery().unwrap().level, 100);
        assert!(!bridge.keep_screen_on());
        device::set_keep_screen_on(true).unwrap();
        assert!(bridge.keep_screen_on());
        assert_eq!(device::system_info().unwrap().brand, "mock");
        assert_eq!(bridge.calls()[2].params, json!({ "keepOn": true }));

        let bridge = MockBridge::new().battery(None).install();
        assert_eq!(
            device::set_keep_screen_on(true),
            Err(Error::PermissionDenied)
        );
        assert!(!bridge.keep_screen_on());
        bridge.grant(&[Permission::Device]).install();
        assert!(matches!(device::battery(), Err(Error::Unavailable(_))));
    }

    #[test]
    fn action_sheets_loading_bar_colours_and_dates() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Ui])
            .modal_answers([1])
            .date_answers(&["2024-03-01"])
            .install();
        assert_eq!(ui::action_sheet(&["Edit", "Delete"]).unwrap(), 1);
        assert_eq!(ui::action_sheet(&["Edit"]), Err(Error::Cancelled));
        assert!(matches!(
            ui::action_sheet::<&str>(&[]),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            ui::action_sheet(&["1", "2", "3", "4", "5", "6", "7"]),
            Err(Error::InvalidArgument(_))
        ));
        ui::show_loading("Saving").unwrap();
        assert_eq!(bridge.loading().as_deref(), Some("Saving"));
        ui::hide_loading().unwrap();
        assert_eq!(bridge.loading(), None);
        assert!(matches!(
            ui::set_navigation_bar_color("#ff0000", "#000000"),
            Err(Error::InvalidArgument(_))
        ));
        ui::set_navigation_bar_color("#000000", "#FFEEDD").unwrap();
        assert_eq!(
            bridge.bar_colors(),
            [("#000000".to_string(), "#FFEEDD".to_string())]
        );
        assert!(matches!(
            ui::pick_date("2023-02-29", None, None),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            ui::pick_date("2024-01-01", Some("2024-02-01"), None),
            Err(Error::InvalidArgument(_))
        ));
        let picked = ui::pick_date("2024-02-29", Some("2024-01-01"), Some("2024-12-31"));
        assert_eq!(picked.unwrap(), "2024-03-01");
        assert_eq!(
            ui::pick_date("2024-02-29", None, None),
            Err(Error::Cancelled)
        );
        assert_eq!(bridge.action_sheets().len(), 2);
    }

    #[test]
    fn notifications_schedule_in_the_future_and_subscribe() {
        use crate::notifications;
        let bridge = MockBridge::new()
            .grant(&[Permission::Notifications])
            .install();
        assert!(notifications::request_permission().unwrap());
        let later = 1_700_000_000 + 60;
        notifications::schedule("due-1", "Payment due", "Tomorrow", later).unwrap();
        assert!(matches!(
            notifications::schedule("due-2", "Past", "", 1_700_000_000 - 1),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            notifications::schedule("Bad Id", "t", "", later),
            Err(Error::InvalidArgument(_))
        ));
        notifications::subscribe("offers").unwrap();
        assert!(matches!(
            notifications::subscribe(""),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(bridge.notifications().len(), 1);
        assert_eq!(bridge.topics(), ["offers"]);
        MockBridge::new().grant(&[Permission::Ui]).install();
        assert_eq!(
            notifications::subscribe("offers"),
            Err(Error::PermissionDenied)
        );
    }

    #[test]
    fn biometrics_prompt_with_a_reason_and_consent() {
        use crate::biometrics;
        let bridge = MockBridge::new()
            .grant(&[Permission::Biometrics])
            .biometric_answers(&[true, false])
            .install();
        biometrics::authenticate("Confirm the transfer").unwrap();
        assert_eq!(biometrics::authenticate("Again"), Err(Error::Cancelled));
        biometrics::authenticate("Third").unwrap();
        for bad in [
            "",
            "  ",
            "a\0b",
            &"x".repeat(limits::BIOMETRIC_REASON_BYTES + 1),
        ] {
            assert!(matches!(
                biometrics::authenticate(bad),
                Err(Error::InvalidArgument(_))
            ));
        }
        assert_eq!(
            bridge.biometric_prompts(),
            ["Confirm the transfer", "Again", "Third"]
        );
        MockBridge::new()
            .grant(&[Permission::Biometrics])
            .no_biometric_sensor()
            .install();
        assert!(matches!(
            biometrics::authenticate("x"),
            Err(Error::Unavailable(_))
        ));
        MockBridge::new().grant(&[Permission::Ui]).install();
        assert_eq!(biometrics::authenticate("x"), Err(Error::PermissionDenied));
    }

    #[test]
    fn media_pick_bounded_cancel_scan_and_no_camera() {
        use crate::media::{self, Image, ImageSource, ScannedCode};
        let jpeg = Image {
            mime_type: "image/jpeg".into(),
            data: vec![1; 2000],
            width: 40,
            height: 30,
        };
        let code = ScannedCode {
            text: "4006381333931".into(),
            format: "ean-13".into(),
        };
        let bridge = MockBridge::new()
            .grant(&[Permission::Camera])
            .images([None, Some(jpeg.clone()), Some(jpeg.clone())])
            .scans([Some(code.clone()), None])
            .install();
        assert_eq!(
            media::choose_image(ImageSource::Album, 4096),
            Err(Error::Cancelled)
        );
        assert_eq!(
            media::choose_image(ImageSource::Camera, 1000),
            Err(Error::QuotaExceeded)
        );
        assert_eq!(media::choose_image(ImageSource::Album, 4096).unwrap(), jpeg);
        let png = media::choose_image(ImageSource::Album, 4096).unwrap();
        assert_eq!(png.data, miniapp_contract::wire::SAMPLE_PNG);
        for bad in [0, limits::IMAGE_BYTES as u32 + 1] {
            assert!(matches!(
                media::choose_image(ImageSource::Album, bad),
                Err(Error::InvalidArgument(_))
            ));
        }
        assert_eq!(media::scan_code().unwrap(), code);
        assert_eq!(media::scan_code(), Err(Error::Cancelled));
        assert_eq!(
            media::scan_code().unwrap().text,
            miniapp_contract::wire::SAMPLE_SCAN_TEXT
        );
        assert_eq!(
            bridge.media_shown(),
            [
                "album", "camera", "album", "album", "scanner", "scanner", "scanner"
            ]
        );
        // The image travels as base64 in recordings, and comes back whole.
        let json = serde_json::to_value(&png).unwrap();
        assert_eq!(json["mimeType"], "image/png");
        assert!(json["data"].as_str().unwrap().starts_with("iVBORw0KGgo"));
        assert_eq!(serde_json::from_value::<Image>(json).unwrap(), png);

        MockBridge::new()
            .grant(&[Permission::Camera])
            .no_camera()
            .install();
        assert!(matches!(media::scan_code(), Err(Error::Unavailable(_))));
        assert!(matches!(
            media::choose_image(ImageSource::Camera, 100),
            Err(Error::Unavailable(_))
        ));
        assert!(media::choose_image(ImageSource::Album, 100).is_ok());
        MockBridge::new().grant(&[Permission::Ui]).install();
        assert_eq!(media::scan_code(), Err(Error::PermissionDenied));
    }

    #[test]
    fn login_codes_are_fresh_and_the_profile_needs_the_users_yes() {
        let _bridge = MockBridge::new().grant(&[Permission::Auth]).install();
        let a = auth::login_code().unwrap();
        let b = auth::login_code().unwrap();
        assert_ne!(a.code, b.code);
        assert_eq!(a.expires_at, 1_700_000_000 + 300);
        assert_eq!(auth::profile().unwrap().nickname, "mock-user");
        MockBridge::new()
            .grant(&[Permission::Auth])
            .profile_declined()
            .install();
        assert_eq!(auth::profile(), Err(Error::Cancelled));
        MockBridge::new()
            .grant(&[Permission::Auth])
            .signed_out()
            .install();
        assert!(matches!(auth::login_code(), Err(Error::Unavailable(_))));
        MockBridge::new().grant(&[Permission::Ui]).install();
        assert_eq!(auth::profile(), Err(Error::PermissionDenied));
    }

    #[test]
    fn files_live_in_the_sandbox_and_share_the_storage_quota() {
        use crate::files;
        let bridge = MockBridge::new()
            .grant(&[Permission::Storage])
            .quota_bytes(100)
            .install();
        files::write("notes/a.txt", "alpha").unwrap();
        files::write("top", "t").unwrap();
        assert_eq!(files::read("notes/a.txt").unwrap(), "alpha");
        let listed: Vec<String> = files::list("notes")
            .unwrap()
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(listed, ["notes/a.txt"]);
        assert_eq!(files::stat("top").unwrap().size, 1);
        assert_eq!(files::read("none"), Err(Error::NotFound));
        for bad in ["../x", "/etc/passwd", "a//b", "a\0b", ""] {
            assert!(
                matches!(files::write(bad, "x"), Err(Error::InvalidArgument(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            files::write("big", &"x".repeat(90)),
            Err(Error::QuotaExceeded)
        );
        // Files and keys share the quota.
        assert_eq!(
            crate::storage::set("k", &[0; 70]),
            Err(Error::QuotaExceeded)
        );
        assert!(files::remove("top").unwrap());
        assert!(!files::remove("top").unwrap());
        assert_eq!(bridge.files().len(), 1);
        MockBridge::new().grant(&[Permission::Ui]).install();
        assert_eq!(files::list(""), Err(Error::PermissionDenied));
    }

    #[test]
    fn secure_storage_keeps_small_secrets_and_refuses_bad_keys() {
        use crate::secure_storage;
        let bridge = MockBridge::new().grant(&[Permission::Storage]).install();
        secure_storage::set("refresh", "s3cret").unwrap();
        assert_eq!(
            secure_storage::get("refresh").unwrap().as_deref(),
            Some("s3cret")
        );
        assert_eq!(secure_storage::get("none").unwrap(), None);
        for key in ["", "a\0b", &"k".repeat(limits::SECURE_KEY_BYTES + 1)] {
            assert!(matches!(
                secure_storage::set(key, "v"),
                Err(Error::InvalidArgument(_))
            ));
        }
        let big = "v".repeat(limits::SECURE_VALUE_BYTES + 1);
        assert!(matches!(
            secure_storage::set("k", &big),
            Err(Error::InvalidArgument(_))
        ));
        for i in 1..limits::SECURE_ENTRIES_MAX {
            secure_storage::set(&format!("k{i}"), "v").unwrap();
        }
        assert_eq!(secure_storage::set("more", "v"), Err(Error::QuotaExceeded));
        assert!(secure_storage::remove("refresh").unwrap());
        assert!(!secure_storage::remove("refresh").unwrap());
        assert_eq!(bridge.secrets().len(), limits::SECURE_ENTRIES_MAX - 1);
        // Like the host's records: `set`'s value is never recorded.
        assert_eq!(bridge.calls()[0].params["value"], "redacted");

        MockBridge::new().grant(&[Permission::Ui]).install();
        assert_eq!(secure_storage::get("k"), Err(Error::PermissionDenied));
        MockBridge::new()
            .grant(&[Permission::Storage])
            .no_keystore()
            .install();
        assert!(matches!(
            secure_storage::get("k"),
            Err(Error::Unavailable(_))
        ));
    }

    #[test]
    fn updates_report_the_version_and_a_check_stages_what_the_marketplace_offers() {
        use crate::updates;
        // No permission needed: a bridge granting nothing answers.
        let bridge = MockBridge::new()
            .version("1.2.0")
            .update_available("1.3.0")
            .install();
        let s = updates::status().unwrap();
        assert_eq!((s.current.as_str(), s.pending), ("1.2.0", None));
        let s = updates::check().unwrap();
        assert_eq!(s.pending.as_deref(), Some("1.3.0"));
        assert_eq!(updates::status().unwrap().pending.as_deref(), Some("1.3.0"));
        assert_eq!(bridge.update_checks(), 1);

        let bridge = MockBridge::new().install();
        assert_eq!(updates::check().unwrap().pending, None, "nothing newer");
        assert_eq!(bridge.update_checks(), 1);
        MockBridge::new().no_marketplace().install();
        assert!(matches!(updates::check(), Err(Error::Unavailable(_))));
    }

    #[test]
    fn performance_counts_this_instances_calls() {
        use crate::performance;
        let bridge = MockBridge::new().grant(&[Permission::Storage]).install();
        assert_eq!(performance::metrics().bridge_calls, 1);
        storage::keys().unwrap();
        let m = performance::metrics();
        assert_eq!(m.bridge_calls, 3);
        assert!(m.launch.is_some() && m.guest_ms.is_some());
        assert_eq!(bridge.calls().len(), 3);
    }

    #[test]
    fn settings_report_and_ask_again_once_for_the_next_launch() {
        use crate::settings::{self, PermissionState as S};
        let bridge = MockBridge::new()
            .grant(&[Permission::Storage])
            .declined(&[Permission::Location, Permission::Ui])
            .not_asked(&[Permission::Clipboard])
            .install();
        let states: Vec<(Permission, S, bool)> = settings::permissions()
            .unwrap()
            .into_iter()
            .map(|s| (s.permission, s.state, s.active))
            .collect();
        assert_eq!(
            states,
            [
                (Permission::Storage, S::Granted, true),
                (Permission::Location, S::Denied, false),
                (Permission::Ui, S::Denied, false),
                (Permission::Clipboard, S::NotAsked, false),
            ]
        );
        let s = settings::request(Permission::Location).unwrap();
        assert_eq!((s.state, s.active), (S::Granted, false));
        // `ui` needs no consent: withheld by the host, nobody is asked.
        assert_eq!(settings::request(Permission::Ui).unwrap().state, S::Denied);
        assert!(matches!(
            settings::request(Permission::Payment),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(bridge.consent_requests(), [Permission::Location]);
        settings::open_host_settings().unwrap();
        assert_eq!(bridge.settings_opened(), 1);

        let bridge = MockBridge::new()
            .declined(&[Permission::Location])
            .declines_requests()
            .no_settings_page()
            .install();
        for _ in 0..2 {
            assert_eq!(
                settings::request(Permission::Location).unwrap().state,
                S::Denied
            );
        }
        assert_eq!(bridge.consent_requests().len(), 1, "asked once per launch");
        assert!(matches!(
            settings::open_host_settings(),
            Err(Error::Unavailable(_))
        ));
    }

    #[test]
    fn navigation_opens_known_apps_and_web_pages() {
        use crate::navigation;
        let bridge = MockBridge::new()
            .grant(&[Permission::Navigation])
            .known_apps(&["com.globex.b"])
            .install();
        navigation::open_mini_program("com.globex.b", Some("/offer"), Some("{}")).unwrap();
        assert_eq!(
            navigation::open_mini_program("com.globex.zzz", None, None),
            Err(Error::NotFound)
        );
        for (id, path) in [
            ("Not An Id", None),
            ("com.example.mock", None),
            ("com.globex.b", Some("offer")),
        ] {
            assert!(
                matches!(
                    navigation::open_mini_program(id, path, None),
                    Err(Error::InvalidArgument(_))
                ),
                "{id} {path:?}"
            );
        }
        assert!(matches!(
            navigation::open_url("javascript:alert(1)"),
            Err(Error::InvalidArgument(_))
        ));
        navigation::open_url("https://acme.example/terms").unwrap();
        navigation::exit().unwrap();
        assert_eq!(bridge.opened().len(), 3);
        assert_eq!(bridge.opened()[2], Opened::Exit);

        let bridge = MockBridge::new()
            .grant(&[Permission::Navigation])
            .known_apps(&["com.globex.b"])
            .navigation_declined()
            .install();
        assert_eq!(
            navigation::open_url("https://acme.example"),
            Err(Error::Cancelled)
        );
        assert_eq!(
            navigation::open_mini_program("com.globex.b", None, None),
            Err(Error::Cancelled)
        );
        MockBridge::new().install();
        assert_eq!(navigation::exit(), Err(Error::PermissionDenied));
        assert!(bridge.opened().is_empty());
    }

    #[test]
    fn logs_are_truncated_on_a_char_boundary() {
        let bridge = MockBridge::new().install();
        log::warn(&"é".repeat(3000)); // 6000 bytes
        log::error("short");
        let logs = bridge.logs();
        assert_eq!(logs[0].level, Level::Warn);
        assert_eq!(logs[0].message.len(), 4096);
        assert_eq!(
            logs[1],
            LogLine {
                level: Level::Error,
                message: "short".into()
            }
        );
    }

    #[test]
    fn each_thread_has_its_own_bridge() {
        let bridge = MockBridge::new().grant(&[Permission::Storage]).install();
        storage::set("main", b"1").unwrap();
        std::thread::spawn(|| {
            let other = MockBridge::new().install();
            assert_eq!(storage::set("thread", b"2"), Err(Error::PermissionDenied));
            assert_eq!(other.calls().len(), 1);
        })
        .join()
        .unwrap();
        assert_eq!(bridge.storage_snapshot().len(), 1);
        assert_eq!(bridge.calls().len(), 1);
    }

    #[test]
    #[should_panic(expected = "no MockBridge installed")]
    fn calls_without_a_bridge_say_how_to_install_one() {
        MockBridge::uninstall();
        let _ = storage::keys();
    }

    #[test]
    fn a_recording_replays_to_the_same_answers() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Storage, Permission::Payment])
            .install();
        storage::set("text", b"hi").unwrap();
        storage::set("bin", &[0xff, 0]).unwrap();
        let bin = storage::get("bin").unwrap();
        let receipt = payment::pay(fee("o")).unwrap();
        let denied = geolocation::current_position();
        let recording = bridge.recording_json();
        let parsed: Value = serde_json::from_str(&recording).unwrap();
        assert_eq!(parsed[0]["params"], json!({ "key": "text", "value": "hi" }));
        assert_eq!(parsed[2]["result"], json!([255, 0]));
        assert_eq!(parsed[4]["error"]["code"], "PERMISSION_DENIED");

        // Replay grants nothing: every answer comes from the recording.
        let replayed = MockBridge::new().replay(&recording).unwrap().install();
        storage::set("text", b"hi").unwrap();
        storage::set("bin", &[0xff, 0]).unwrap();
        assert_eq!(storage::get("bin").unwrap(), bin);
        assert_eq!(payment::pay(fee("o")).unwrap(), receipt);
        assert_eq!(geolocation::current_position(), denied);
        assert_eq!(replayed.replay_remaining(), 0);
        assert!(
            replayed.storage_snapshot().is_empty(),
            "replay simulates nothing"
        );
        assert_eq!(replayed.recording_json(), recording);
    }

    #[test]
    fn hand_written_fixtures_may_omit_params() {
        let fixtures = r#"[
            {"method": "auth.getToken", "result": {"value": "a.b.c", "expiresAt": 5, "scopes": ["profile"]}},
            {"method": "ui.toast", "params": {"message": "hi"}, "error": {"code": "CANCELLED", "message": ""}},
            {"method": "storage.get", "params": {"key": "k"}, "result": null},
            {"method": "device.info", "result": {"platform": 1}}
        ]"#;
        MockBridge::new().replay(fixtures).unwrap().install();
        assert_eq!(auth::token(&["anything"]).unwrap().expires_at, 5);
        assert_eq!(ui::toast("hi"), Err(Error::Cancelled));
        assert_eq!(storage::get("k").unwrap(), None);
        assert!(matches!(device::info(), Err(Error::Json(_))));
    }

    #[test]
    #[should_panic(expected = "the recording expects ui.toast")]
    fn replay_refuses_a_different_call() {
        MockBridge::new()
            .replay(r#"[{"method": "ui.toast", "params": {"message": "hi"}, "result": null}]"#)
            .unwrap()
            .install();
        let _ = ui::navigate("/x");
    }

    #[test]
    fn malformed_recordings_are_json_errors() {
        assert!(matches!(
            MockBridge::new().replay("{}"),
            Err(Error::Json(_))
        ));
        let both = r#"[{"method": "ui.toast", "result": null, "error": {"code": "CANCELLED", "message": ""}}]"#;
        assert!(matches!(
            MockBridge::new().replay(both),
            Err(Error::Json(_))
        ));
    }
}
