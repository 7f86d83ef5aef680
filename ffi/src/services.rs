//! Host services as foreign traits, and their adapters to the runtime's service traits.
//!
//! A host implements only what it has and leaves the other fields of [`HostServices`] empty; an
//! empty field gets a default (see each field). Whatever a foreign service does — throw, answer
//! late, never answer — the guest sees a bridge error (`UNAVAILABLE`), never a crash: the
//! adapters turn a thrown exception into `Unavailable`, and a call that does not answer within
//! [`HostOptions::service_timeout_ms`](crate::HostOptions) into `Unavailable` too. What a
//! service may answer instead of a value is a [`ServiceError`], which the guest sees by its code
//! (`CANCELLED`, `UNAVAILABLE`, `NOT_FOUND`).
//! Validation of what a guest asks (amounts, lengths, ...) is the runtime's, before a service is
//! reached.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use miniapp_runtime::capabilities::{
    auth, biometrics, clipboard, consent, device, geolocation, haptics, media, navigation,
    notifications, payment, secure_storage, settings, share, ui,
};
use miniapp_runtime::package::{AppId, Permission};
use miniapp_runtime::{BridgeError, FetchError, FetchResponse, Fetcher, updates::BytesBody};

/// What a foreign service may answer instead of a value. Any other exception it throws arrives
/// as `Unavailable` with the exception's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ServiceError {
    /// The user dismissed the sheet or dialog (the guest sees `CANCELLED`).
    #[error("cancelled by the user")]
    Cancelled,
    /// The service cannot answer now (the guest sees `UNAVAILABLE`).
    #[error("unavailable: {reason}")]
    Unavailable { reason: String },
    /// What the call names does not exist, e.g. a mini-program the host does not know (the
    /// guest sees `NOT_FOUND`).
    #[error("not found")]
    NotFound,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ServiceError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ServiceError::Unavailable {
            reason: format!("the host's service failed: {}", e.reason),
        }
    }
}

impl From<ServiceError> for BridgeError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Cancelled => BridgeError::Cancelled,
            ServiceError::Unavailable { reason } => BridgeError::Unavailable(reason),
            ServiceError::NotFound => BridgeError::NotFound,
        }
    }
}

// ---- records -------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentRequest {
    pub order_id: String,
    pub amount_minor: u64,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Receipt {
    pub order_id: String,
    pub transaction_id: String,
    pub amount_minor: u64,
    pub currency: String,
    /// Unix seconds.
    pub paid_at: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy_m: f64,
}

/// What a guest learns about the device (the runtime adds the host version).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeviceInfo {
    pub platform: String,
    pub locale: String,
    pub screen_width: u32,
    pub screen_height: u32,
    pub screen_scale: f32,
}

/// How the device reaches the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NetworkType {
    Wifi,
    Cellular,
    Ethernet,
    None,
    Unknown,
}

/// The battery: `level` in percent (0 to 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct BatteryInfo {
    pub level: u8,
    pub charging: bool,
}

/// The user's colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Theme {
    Light,
    Dark,
}

/// Maker, model, OS and display preferences.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SystemInfo {
    pub brand: String,
    pub model: String,
    pub os_version: String,
    pub theme: Theme,
    /// The user's text size relative to the default (1.0).
    pub font_scale: f32,
}

/// What the user agreed to share with one mini-program.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserProfile {
    pub nickname: String,
    pub avatar_url: Option<String>,
}

/// Strength of a short haptic tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImpactStyle {
    Light,
    Medium,
    Heavy,
}

/// What a haptic notification pattern tells the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HapticNotification {
    Success,
    Warning,
    Error,
}

/// One local notification, checked by the runtime (id and title non-empty, `at` in the future).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LocalNotification {
    /// Scheduling the same id again for the same app replaces it.
    pub id: String,
    pub title: String,
    pub body: String,
    /// Unix seconds.
    pub at: u64,
}

/// Where an image is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImageSource {
    /// A new photo from the camera.
    Camera,
    /// A picture from the user's photo library.
    Album,
}

/// The image the user chose: the encoded file (PNG, JPEG, ...), not pixels.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChosenImage {
    /// `image/png`, `image/jpeg`, ...
    pub mime_type: String,
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A scanned QR or bar code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedCode {
    /// The decoded content.
    pub text: String,
    /// `qr`, `ean-13`, `code-128`, ...: the symbology, lower-case.
    pub format: String,
}

/// One HTTP response, whole. `range_start` is the first byte of a `206 Partial Content`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    pub status: u16,
    pub range_start: Option<u64>,
    pub body: Vec<u8>,
}

// ---- foreign traits ------------------------------------------------------------------------

/// Asks the user whether `app_id` may use a sensitive `permission` (`payment`, `location`,
/// `clipboard`). Asked once per app and permission; the runtime remembers the answer.
#[uniffi::export(foreign)]
#[async_trait]
pub trait ConsentPrompt: Send + Sync {
    async fn ask(&self, app_id: String, permission: String) -> Result<bool, ServiceError>;
}

/// The host's payment processor. `pay` may wait for the user (a payment sheet); it must be
/// idempotent per (app, order id).
#[uniffi::export(foreign)]
#[async_trait]
pub trait PaymentService: Send + Sync {
    async fn pay(&self, app_id: String, request: PaymentRequest) -> Result<Receipt, ServiceError>;
    async fn query(
        &self,
        app_id: String,
        order_id: String,
    ) -> Result<Option<Receipt>, ServiceError>;
}

/// The host's native UI. `modal` and `action_sheet` answer the index of the chosen entry and
/// `pick_date` the chosen date, or `ServiceError::Cancelled` when the user dismisses them; a host
/// without one piece of UI throws `ServiceError::Unavailable` from that method.
#[uniffi::export(foreign)]
#[async_trait]
pub trait UiService: Send + Sync {
    async fn toast(&self, app_id: String, message: String) -> Result<(), ServiceError>;
    async fn modal(
        &self,
        app_id: String,
        title: String,
        message: String,
        buttons: Vec<String>,
    ) -> Result<u32, ServiceError>;
    async fn navigate(&self, app_id: String, route: String) -> Result<(), ServiceError>;
    async fn set_title(&self, app_id: String, title: String) -> Result<(), ServiceError>;
    async fn action_sheet(&self, app_id: String, items: Vec<String>) -> Result<u32, ServiceError>;
    async fn show_loading(&self, app_id: String, title: String) -> Result<(), ServiceError>;
    async fn hide_loading(&self, app_id: String) -> Result<(), ServiceError>;
    /// `front_color` is `#ffffff` or `#000000`, `background_color` `#rrggbb`.
    async fn set_navigation_bar_color(
        &self,
        app_id: String,
        front_color: String,
        background_color: String,
    ) -> Result<(), ServiceError>;
    /// Dates are `YYYY-MM-DD`; answer one within `start..=end` (the runtime checks it).
    async fn pick_date(
        &self,
        app_id: String,
        initial: String,
        start: Option<String>,
        end: Option<String>,
    ) -> Result<String, ServiceError>;
}

#[uniffi::export(foreign)]
#[async_trait]
pub trait LocationService: Send + Sync {
    async fn current_position(&self, app_id: String) -> Result<Position, ServiceError>;
}

/// The system clipboard (text). Called synchronously: answer at once.
#[uniffi::export(foreign)]
pub trait ClipboardService: Send + Sync {
    fn read_text(&self) -> Result<Option<String>, ServiceError>;
    fn write_text(&self, text: String) -> Result<(), ServiceError>;
}

/// The share sheet; returns when the user has shared, or `ServiceError::Cancelled`.
#[uniffi::export(foreign)]
#[async_trait]
pub trait ShareService: Send + Sync {
    async fn share(
        &self,
        app_id: String,
        text: String,
        url: Option<String>,
    ) -> Result<(), ServiceError>;
}

/// Facts about the device, the vibrator and the screen. Called synchronously: answer at once.
/// A device that cannot tell throws `ServiceError::Unavailable` (`network_type`: `Unknown`).
#[uniffi::export(foreign)]
pub trait DeviceInfoProvider: Send + Sync {
    fn info(&self) -> Result<DeviceInfo, ServiceError>;
    fn vibrate(&self, millis: u32) -> Result<(), ServiceError>;
    fn network_type(&self) -> Result<NetworkType, ServiceError>;
    fn battery(&self) -> Result<BatteryInfo, ServiceError>;
    /// Keep the screen on for `app_id` while it is in front; release it when `app_id` leaves.
    fn set_keep_screen_on(&self, app_id: String, keep_on: bool) -> Result<(), ServiceError>;
    fn system_info(&self) -> Result<SystemInfo, ServiceError>;
}

/// Who is signed in to the host app: the subject of the tokens guests get. Called
/// synchronously (the runtime's identity service is). `current_user`: answer at once, `None`
/// when nobody is signed in. `profile`: the user's profile for `app_id` once they agree to share
/// it in the host's own sheet (`ServiceError::Cancelled` when they decline, `Unavailable` when
/// the host shares no profile); the guest waits, up to the service timeout.
#[uniffi::export(foreign)]
pub trait UserIdentity: Send + Sync {
    fn current_user(&self) -> Result<Option<String>, ServiceError>;
    fn profile(&self, app_id: String) -> Result<UserProfile, ServiceError>;
}

/// The haptic engine. Called synchronously: start the effect and return at once;
/// `ServiceError::Unavailable` when the device has none.
#[uniffi::export(foreign)]
pub trait HapticsService: Send + Sync {
    fn vibrate_short(&self, app_id: String, style: ImpactStyle) -> Result<(), ServiceError>;
    fn vibrate_long(&self, app_id: String) -> Result<(), ServiceError>;
    fn notify(&self, app_id: String, kind: HapticNotification) -> Result<(), ServiceError>;
    fn selection_changed(&self, app_id: String) -> Result<(), ServiceError>;
}

/// Leaving a mini-program: opening another one or a web page asks the user first
/// (`ServiceError::Cancelled` when they decline).
#[uniffi::export(foreign)]
#[async_trait]
pub trait NavigationService: Send + Sync {
    /// `ServiceError::NotFound` when the host knows no mini-program `target_app_id`.
    async fn open_mini_program(
        &self,
        app_id: String,
        target_app_id: String,
        path: Option<String>,
        extra_data: Option<String>,
    ) -> Result<(), ServiceError>;
    /// `url` is `http(s)://...` (the runtime checks it).
    async fn open_url(&self, app_id: String, url: String) -> Result<(), ServiceError>;
    /// Close `app_id` once its current launch or event returns.
    async fn exit(&self, app_id: String) -> Result<(), ServiceError>;
}

/// The host's settings page for one mini-program (its permissions: the host records the user's
/// changes with the runtime). Return once it is shown.
#[uniffi::export(foreign)]
#[async_trait]
pub trait SettingsPage: Send + Sync {
    async fn open_host_settings(&self, app_id: String) -> Result<(), ServiceError>;
}

/// The platform keystore (Android Keystore, iOS Keychain), one namespace per `app_id`. Keys and
/// values arrive checked against the runtime's limits. Async: a hardware-backed keystore is
/// slow I/O, not a quick query.
#[uniffi::export(foreign)]
#[async_trait]
pub trait KeystoreService: Send + Sync {
    async fn set(&self, app_id: String, key: String, value: String) -> Result<(), ServiceError>;
    async fn get(&self, app_id: String, key: String) -> Result<Option<String>, ServiceError>;
    /// Whether `key` was there.
    async fn remove(&self, app_id: String, key: String) -> Result<bool, ServiceError>;
    /// How many keys `app_id` holds (the runtime's per-app entry limit counts them).
    async fn count(&self, app_id: String) -> Result<u32, ServiceError>;
}

/// The platform's biometric prompt, showing `reason`. Return when the user is recognised;
/// `ServiceError::Cancelled` when they cancel or are not recognised, `Unavailable` without a
/// sensor or enrolment.
#[uniffi::export(foreign)]
#[async_trait]
pub trait BiometricService: Send + Sync {
    async fn authenticate(&self, app_id: String, reason: String) -> Result<(), ServiceError>;
}

/// The device's notifications: `ServiceError::Unavailable` when the device does not allow them.
#[uniffi::export(foreign)]
#[async_trait]
pub trait NotificationService: Send + Sync {
    /// Ask the system permission if not asked yet; whether notifications can be shown.
    async fn request_permission(&self, app_id: String) -> Result<bool, ServiceError>;
    async fn schedule(
        &self,
        app_id: String,
        notification: LocalNotification,
    ) -> Result<(), ServiceError>;
    /// Subscribe `app_id` to its partner's push `topic`.
    async fn subscribe(&self, app_id: String, topic: String) -> Result<(), ServiceError>;
}

/// The host's image picker and code scanner: `ServiceError::Cancelled` when the user closes
/// them, `Unavailable` without a camera (or photo library). `max_bytes` is a hint for the
/// encoded image; the runtime refuses a larger one (`QUOTA_EXCEEDED`).
#[uniffi::export(foreign)]
#[async_trait]
pub trait MediaService: Send + Sync {
    async fn choose_image(
        &self,
        app_id: String,
        source: ImageSource,
        max_bytes: u64,
    ) -> Result<ChosenImage, ServiceError>;
    async fn scan_code(&self, app_id: String) -> Result<ScannedCode, ServiceError>;
}

/// The host's HTTP stack, for updates: one GET of `url`, from byte `range_from` on when given
/// (send `Range: bytes=N-`).
#[uniffi::export(foreign)]
#[async_trait]
pub trait HttpFetcher: Send + Sync {
    async fn get(&self, url: String, range_from: Option<u64>)
    -> Result<HttpResponse, ServiceError>;
}

/// The services a host provides; leave out what it does not have.
#[derive(Clone, Default, uniffi::Record)]
pub struct HostServices {
    /// Default: declines every sensitive permission (nobody can be asked).
    #[uniffi(default = None)]
    pub consent: Option<Arc<dyn ConsentPrompt>>,
    /// Default: `UNAVAILABLE` for every payment.
    #[uniffi(default = None)]
    pub payment: Option<Arc<dyn PaymentService>>,
    /// Default: toasts, navigation and titles are dropped; every other UI call is
    /// `UNAVAILABLE`.
    #[uniffi(default = None)]
    pub ui: Option<Arc<dyn UiService>>,
    /// Default: `UNAVAILABLE`.
    #[uniffi(default = None)]
    pub location: Option<Arc<dyn LocationService>>,
    /// Default: a clipboard in memory, private to this host.
    #[uniffi(default = None)]
    pub clipboard: Option<Arc<dyn ClipboardService>>,
    /// Default: `UNAVAILABLE`.
    #[uniffi(default = None)]
    pub share: Option<Arc<dyn ShareService>>,
    /// Default: this OS's name, `en-US`, a 1080×2340 screen, no vibrator, no battery, ethernet.
    #[uniffi(default = None)]
    pub device: Option<Arc<dyn DeviceInfoProvider>>,
    /// Default: updates fail with `DOWNLOAD_FAILED`.
    #[uniffi(default = None)]
    pub http: Option<Arc<dyn HttpFetcher>>,
    /// Default: nobody is signed in (`auth.getToken` and `auth.profile` are `UNAVAILABLE`).
    #[uniffi(default = None)]
    pub identity: Option<Arc<dyn UserIdentity>>,
    /// Default: `UNAVAILABLE` (no haptic engine).
    #[uniffi(default = None)]
    pub haptics: Option<Arc<dyn HapticsService>>,
    /// Default: `UNAVAILABLE`, nothing opens.
    #[uniffi(default = None)]
    pub navigation: Option<Arc<dyn NavigationService>>,
    /// Default: `settings.openHostSettings` is `UNAVAILABLE` (`settings.permissions` and
    /// `settings.request` work without it: they read and ask through the runtime and `consent`).
    #[uniffi(default = None)]
    pub settings: Option<Arc<dyn SettingsPage>>,
    /// Default: `secureStorage` is `UNAVAILABLE` (never a stand-in in memory, which would lose
    /// secrets silently).
    #[uniffi(default = None)]
    pub keystore: Option<Arc<dyn KeystoreService>>,
    /// Default: `UNAVAILABLE` (never a prompt that always passes).
    #[uniffi(default = None)]
    pub biometrics: Option<Arc<dyn BiometricService>>,
    /// Default: `UNAVAILABLE`.
    #[uniffi(default = None)]
    pub notifications: Option<Arc<dyn NotificationService>>,
    /// Default: `UNAVAILABLE` (never a fixed image or code).
    #[uniffi(default = None)]
    pub media: Option<Arc<dyn MediaService>>,
}

impl std::fmt::Debug for HostServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostServices").finish_non_exhaustive()
    }
}

// ---- adapters ------------------------------------------------------------------------------

/// Runs a foreign async call as its own task on the host's runtime and waits at most `timeout`:
/// a call that never answers is `Unavailable` (and is cancelled).
///
/// Its own task because a bridge call's future is polled on the guest's wasmtime fiber stack,
/// and a JVM upcall (JNA) made on a stack the JVM does not know never comes back; a tokio worker
/// has an ordinary thread stack.
async fn bounded<T: Send + 'static>(
    timeout: Duration,
    what: &str,
    call: impl Future<Output = Result<T, ServiceError>> + Send + 'static,
) -> Result<T, BridgeError> {
    let task = tokio::spawn(call);
    let abort = task.abort_handle();
    match tokio::time::timeout(timeout, task).await {
        Ok(Ok(r)) => r.map_err(BridgeError::from),
        Ok(Err(e)) => Err(BridgeError::Unavailable(format!(
            "the host's {what} failed: {e}"
        ))),
        Err(_) => {
            abort.abort();
            Err(BridgeError::Unavailable(format!(
                "the host's {what} did not answer within {} ms",
                timeout.as_millis()
            )))
        }
    }
}

/// Runs a foreign sync call on a thread of the service pool and waits at most `timeout` (see
/// [`bounded`] for why not on the caller's stack). A call that never returns keeps its thread,
/// not the guest: that thread never goes back to the pool.
pub(crate) fn bounded_sync<T: Send + 'static>(
    timeout: Duration,
    what: &str,
    call: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, BridgeError> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    if let Err(e) = pool::run(Box::new(move || {
        let _ = tx.send(call());
    })) {
        return Err(BridgeError::Unavailable(format!(
            "the host's {what} could not be called: {e}"
        )));
    }
    match rx.recv_timeout(timeout) {
        Ok(r) => r.map_err(BridgeError::from),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(BridgeError::Unavailable(format!(
            "the host's {what} did not answer within {} ms",
            timeout.as_millis()
        ))),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(BridgeError::Unavailable(
            format!("the host's {what} failed"),
        )),
    }
}

/// Threads for foreign sync calls. A worker puts itself back in the idle list when its call
/// returns, so a call that never returns takes its worker out of the pool for good.
mod pool {
    use std::sync::Mutex;
    use std::sync::mpsc::{Sender, channel};

    pub(super) type Job = Box<dyn FnOnce() + Send>;

    /// Idle workers kept; more are started when all are busy, and end when not needed.
    const KEEP: usize = 4;
    static IDLE: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

    pub(super) fn run(job: Job) -> std::io::Result<()> {
        let idle = IDLE.lock().unwrap().pop();
        let job = match idle {
            Some(worker) => match worker.send(job) {
                Ok(()) => return Ok(()),
                Err(e) => e.0,
            },
            None => job,
        };
        let (tx, rx) = channel::<Job>();
        tx.send(job).expect("the receiver is alive");
        std::thread::Builder::new()
            .name("miniapp-service".into())
            .spawn(move || {
                for job in rx {
                    job();
                    let mut idle = IDLE.lock().unwrap();
                    if idle.len() >= KEEP {
                        return;
                    }
                    idle.push(tx.clone());
                }
            })?;
        Ok(())
    }
}

/// A foreign service with the host's timeout for its calls.
struct Foreign<T: ?Sized> {
    service: Arc<T>,
    timeout: Duration,
}

fn foreign<T: ?Sized>(service: Arc<T>, timeout: Duration) -> Foreign<T> {
    Foreign { service, timeout }
}

#[async_trait]
impl consent::ConsentService for Foreign<dyn ConsentPrompt> {
    async fn ask(&self, app: &AppId, permission: Permission) -> bool {
        let (service, app, permission) = (self.service.clone(), app.to_string(), permission);
        let asked = async move { service.ask(app, permission.as_str().to_owned()).await };
        // No answer (an exception, a timeout) is a "no": nothing is granted silently.
        bounded(self.timeout, "consent prompt", asked)
            .await
            .unwrap_or(false)
    }
}

/// No consent prompt: nothing sensitive is granted.
struct DeclineAll;

#[async_trait]
impl consent::ConsentService for DeclineAll {
    async fn ask(&self, _app: &AppId, _permission: Permission) -> bool {
        false
    }
}

impl From<&payment::PaymentRequest> for PaymentRequest {
    fn from(r: &payment::PaymentRequest) -> Self {
        PaymentRequest {
            order_id: r.order_id.clone(),
            amount_minor: r.amount_minor,
            currency: r.currency.clone(),
            description: r.description.clone(),
        }
    }
}

impl From<Receipt> for payment::Receipt {
    fn from(r: Receipt) -> Self {
        payment::Receipt {
            order_id: r.order_id,
            transaction_id: r.transaction_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            paid_at: r.paid_at,
        }
    }
}

#[async_trait]
impl payment::PaymentService for Foreign<dyn PaymentService> {
    async fn pay(
        &self,
        app: &AppId,
        request: &payment::PaymentRequest,
    ) -> Result<payment::Receipt, BridgeError> {
        let (service, app, request) = (self.service.clone(), app.to_string(), request.into());
        let call = async move { service.pay(app, request).await };
        bounded(self.timeout, "payment service", call)
            .await
            .map(payment::Receipt::from)
    }

    async fn query(&self, app: &AppId, order_id: &str) -> Option<payment::Receipt> {
        let (service, id, order_id) = (self.service.clone(), app.to_string(), order_id.to_owned());
        let call = async move { service.query(id, order_id).await };
        match bounded(self.timeout, "payment service", call).await {
            Ok(r) => r.map(payment::Receipt::from),
            Err(e) => {
                tracing::warn!("payment query of {app}: {e}");
                None
            }
        }
    }
}

/// No payment service.
struct NoPayment;

#[async_trait]
impl payment::PaymentService for NoPayment {
    async fn pay(
        &self,
        _app: &AppId,
        _request: &payment::PaymentRequest,
    ) -> Result<payment::Receipt, BridgeError> {
        Err(BridgeError::Unavailable(
            "this host has no payment service".into(),
        ))
    }
    async fn query(&self, _app: &AppId, _order_id: &str) -> Option<payment::Receipt> {
        None
    }
}

impl Foreign<dyn UiService> {
    /// The UI calls whose runtime trait has no error: a failure is logged, the guest goes on.
    async fn fire_and_log(
        &self,
        what: &str,
        call: impl Future<Output = Result<(), ServiceError>> + Send + 'static,
    ) {
        if let Err(e) = bounded(self.timeout, "UI service", call).await {
            tracing::warn!("ui.{what}: {e}");
        }
    }
}

#[async_trait]
impl ui::UiService for Foreign<dyn UiService> {
    async fn toast(&self, app: &AppId, message: &str) {
        let (service, app, message) = (self.service.clone(), app.to_string(), message.to_owned());
        let call = async move { service.toast(app, message).await };
        self.fire_and_log("toast", call).await;
    }
    async fn modal(
        &self,
        app: &AppId,
        title: &str,
        message: &str,
        buttons: &[String],
    ) -> Result<u32, BridgeError> {
        let service = self.service.clone();
        let (app, title, message, labels) = (
            app.to_string(),
            title.to_owned(),
            message.to_owned(),
            buttons.to_vec(),
        );
        let call = async move { service.modal(app, title, message, labels).await };
        let chosen = bounded(self.timeout, "UI service", call).await?;
        if chosen as usize >= buttons.len() {
            return Err(BridgeError::Unavailable(format!(
                "the host's UI answered button {chosen} of {}",
                buttons.len()
            )));
        }
        Ok(chosen)
    }
    async fn navigate(&self, app: &AppId, route: &str) {
        let (service, app, route) = (self.service.clone(), app.to_string(), route.to_owned());
        let call = async move { service.navigate(app, route).await };
        self.fire_and_log("navigate", call).await;
    }
    async fn set_title(&self, app: &AppId, title: &str) {
        let (service, app, title) = (self.service.clone(), app.to_string(), title.to_owned());
        let call = async move { service.set_title(app, title).await };
        self.fire_and_log("setTitle", call).await;
    }
    // The runtime checks what these answer (an index, a date in range) for every host.
    async fn action_sheet(&self, app: &AppId, items: &[String]) -> Result<u32, BridgeError> {
        let (service, app, items) = (self.service.clone(), app.to_string(), items.to_vec());
        let call = async move { service.action_sheet(app, items).await };
        bounded(self.timeout, "UI service", call).await
    }
    async fn show_loading(&self, app: &AppId, title: &str) -> Result<(), BridgeError> {
        let (service, app, title) = (self.service.clone(), app.to_string(), title.to_owned());
        let call = async move { service.show_loading(app, title).await };
        bounded(self.timeout, "UI service", call).await
    }
    async fn hide_loading(&self, app: &AppId) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let call = async move { service.hide_loading(app).await };
        bounded(self.timeout, "UI service", call).await
    }
    async fn set_navigation_bar_color(
        &self,
        app: &AppId,
        front: &str,
        background: &str,
    ) -> Result<(), BridgeError> {
        let service = self.service.clone();
        let (app, front, background) = (app.to_string(), front.to_owned(), background.to_owned());
        let call = async move {
            service
                .set_navigation_bar_color(app, front, background)
                .await
        };
        bounded(self.timeout, "UI service", call).await
    }
    async fn pick_date(
        &self,
        app: &AppId,
        initial: &str,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Result<String, BridgeError> {
        let service = self.service.clone();
        let (app, initial) = (app.to_string(), initial.to_owned());
        let (start, end) = (start.map(str::to_owned), end.map(str::to_owned));
        let call = async move { service.pick_date(app, initial, start, end).await };
        bounded(self.timeout, "UI service", call).await
    }
}

/// No UI: nothing is shown; a modal cannot be answered.
struct NoUi;

#[async_trait]
impl ui::UiService for NoUi {
    async fn toast(&self, _app: &AppId, _message: &str) {}
    async fn modal(
        &self,
        _app: &AppId,
        _title: &str,
        _message: &str,
        _buttons: &[String],
    ) -> Result<u32, BridgeError> {
        Err(BridgeError::Unavailable(
            "this host shows no dialogs".into(),
        ))
    }
    async fn navigate(&self, _app: &AppId, _route: &str) {}
    async fn set_title(&self, _app: &AppId, _title: &str) {}
}

#[async_trait]
impl geolocation::LocationService for Foreign<dyn LocationService> {
    async fn current_position(&self, app: &AppId) -> Result<geolocation::Position, BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let call = async move { service.current_position(app).await };
        let p = bounded(self.timeout, "location service", call).await?;
        Ok(geolocation::Position {
            latitude: p.latitude,
            longitude: p.longitude,
            accuracy_m: p.accuracy_m,
        })
    }
}

struct NoLocation;

#[async_trait]
impl geolocation::LocationService for NoLocation {
    async fn current_position(&self, _app: &AppId) -> Result<geolocation::Position, BridgeError> {
        Err(BridgeError::Unavailable(
            "this host has no location service".into(),
        ))
    }
}

impl clipboard::ClipboardService for Foreign<dyn ClipboardService> {
    fn read_text(&self) -> Option<String> {
        let service = self.service.clone();
        bounded_sync(self.timeout, "clipboard", move || service.read_text()).unwrap_or_else(|e| {
            tracing::warn!("clipboard read: {e}");
            None
        })
    }
    fn write_text(&self, text: &str) {
        let (service, text) = (self.service.clone(), text.to_owned());
        if let Err(e) = bounded_sync(self.timeout, "clipboard", move || service.write_text(text)) {
            tracing::warn!("clipboard write: {e}");
        }
    }
}

#[async_trait]
impl share::ShareService for Foreign<dyn ShareService> {
    async fn share(&self, app: &AppId, text: &str, url: Option<&str>) -> Result<(), BridgeError> {
        let service = self.service.clone();
        let (app, text, url) = (app.to_string(), text.to_owned(), url.map(str::to_owned));
        let call = async move { service.share(app, text, url).await };
        bounded(self.timeout, "share sheet", call).await
    }
}

struct NoShare;

#[async_trait]
impl share::ShareService for NoShare {
    async fn share(
        &self,
        _app: &AppId,
        _text: &str,
        _url: Option<&str>,
    ) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this host has no share sheet".into(),
        ))
    }
}

impl device::DeviceService for Foreign<dyn DeviceInfoProvider> {
    fn info(&self) -> device::DeviceInfo {
        let service = self.service.clone();
        match bounded_sync(self.timeout, "device info", move || service.info()) {
            Ok(d) => device::DeviceInfo {
                platform: d.platform,
                host_version: String::new(),
                locale: d.locale,
                screen: device::Screen {
                    width: d.screen_width,
                    height: d.screen_height,
                    scale: d.screen_scale,
                },
            },
            Err(e) => {
                // The runtime's trait cannot fail here: answer the development device's facts.
                tracing::warn!("device info: {e}");
                device::DeviceService::info(&device::DevDevice)
            }
        }
    }
    fn vibrate(&self, millis: u32) -> Result<(), BridgeError> {
        let service = self.service.clone();
        bounded_sync(self.timeout, "vibrator", move || service.vibrate(millis))
    }
    fn network_type(&self) -> device::NetworkType {
        let service = self.service.clone();
        match bounded_sync(self.timeout, "device info", move || service.network_type()) {
            Ok(n) => n.into(),
            Err(e) => {
                // The runtime's trait cannot fail here: a host that cannot tell says `unknown`.
                tracing::warn!("device network type: {e}");
                device::NetworkType::Unknown
            }
        }
    }
    fn battery(&self) -> Result<device::BatteryInfo, BridgeError> {
        let service = self.service.clone();
        let b = bounded_sync(self.timeout, "device info", move || service.battery())?;
        Ok(device::BatteryInfo {
            level: b.level,
            charging: b.charging,
        })
    }
    fn set_keep_screen_on(&self, app: &AppId, keep_on: bool) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        bounded_sync(self.timeout, "screen", move || {
            service.set_keep_screen_on(app, keep_on)
        })
    }
    fn system_info(&self) -> Result<device::SystemInfo, BridgeError> {
        let service = self.service.clone();
        let s = bounded_sync(self.timeout, "device info", move || service.system_info())?;
        Ok(device::SystemInfo {
            brand: s.brand,
            model: s.model,
            os_version: s.os_version,
            theme: match s.theme {
                Theme::Light => device::Theme::Light,
                Theme::Dark => device::Theme::Dark,
            },
            font_scale: s.font_scale,
        })
    }
}

impl From<NetworkType> for device::NetworkType {
    fn from(n: NetworkType) -> Self {
        match n {
            NetworkType::Wifi => device::NetworkType::Wifi,
            NetworkType::Cellular => device::NetworkType::Cellular,
            NetworkType::Ethernet => device::NetworkType::Ethernet,
            NetworkType::None => device::NetworkType::None,
            NetworkType::Unknown => device::NetworkType::Unknown,
        }
    }
}

impl auth::IdentityService for Foreign<dyn UserIdentity> {
    fn current_user(&self) -> Option<String> {
        let service = self.service.clone();
        bounded_sync(self.timeout, "identity", move || service.current_user()).unwrap_or_else(|e| {
            tracing::warn!("identity: {e}");
            None
        })
    }
    fn profile(&self, app: &AppId) -> Result<auth::UserProfile, BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let p = bounded_sync(self.timeout, "profile sheet", move || service.profile(app))?;
        Ok(auth::UserProfile {
            nickname: p.nickname,
            avatar_url: p.avatar_url,
        })
    }
}

impl From<haptics::ImpactStyle> for ImpactStyle {
    fn from(s: haptics::ImpactStyle) -> Self {
        match s {
            haptics::ImpactStyle::Light => ImpactStyle::Light,
            haptics::ImpactStyle::Medium => ImpactStyle::Medium,
            haptics::ImpactStyle::Heavy => ImpactStyle::Heavy,
        }
    }
}

impl From<haptics::HapticNotification> for HapticNotification {
    fn from(k: haptics::HapticNotification) -> Self {
        match k {
            haptics::HapticNotification::Success => HapticNotification::Success,
            haptics::HapticNotification::Warning => HapticNotification::Warning,
            haptics::HapticNotification::Error => HapticNotification::Error,
        }
    }
}

impl haptics::HapticsService for Foreign<dyn HapticsService> {
    fn vibrate_short(&self, app: &AppId, style: haptics::ImpactStyle) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        bounded_sync(self.timeout, "haptic engine", move || {
            service.vibrate_short(app, style.into())
        })
    }
    fn vibrate_long(&self, app: &AppId) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        bounded_sync(self.timeout, "haptic engine", move || {
            service.vibrate_long(app)
        })
    }
    fn notify(&self, app: &AppId, kind: haptics::HapticNotification) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        bounded_sync(self.timeout, "haptic engine", move || {
            service.notify(app, kind.into())
        })
    }
    fn selection_changed(&self, app: &AppId) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        bounded_sync(self.timeout, "haptic engine", move || {
            service.selection_changed(app)
        })
    }
}

#[async_trait]
impl navigation::NavigationService for Foreign<dyn NavigationService> {
    async fn open_mini_program(
        &self,
        from: &AppId,
        target: &AppId,
        path: Option<&str>,
        extra_data: Option<&str>,
    ) -> Result<(), BridgeError> {
        let service = self.service.clone();
        let (app, target) = (from.to_string(), target.to_string());
        let (path, extra_data) = (path.map(str::to_owned), extra_data.map(str::to_owned));
        let call = async move {
            service
                .open_mini_program(app, target, path, extra_data)
                .await
        };
        bounded(self.timeout, "navigation", call).await
    }
    async fn open_url(&self, app: &AppId, url: &str) -> Result<(), BridgeError> {
        let (service, app, url) = (self.service.clone(), app.to_string(), url.to_owned());
        let call = async move { service.open_url(app, url).await };
        bounded(self.timeout, "navigation", call).await
    }
    async fn exit(&self, app: &AppId) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let call = async move { service.exit(app).await };
        bounded(self.timeout, "navigation", call).await
    }
}

#[async_trait]
impl settings::SettingsService for Foreign<dyn SettingsPage> {
    async fn open_host_settings(&self, app: &AppId) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let call = async move { service.open_host_settings(app).await };
        bounded(self.timeout, "settings page", call).await
    }
}

#[async_trait]
impl secure_storage::KeystoreService for Foreign<dyn KeystoreService> {
    async fn set(&self, app: &AppId, key: &str, value: &str) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let (key, value) = (key.to_owned(), value.to_owned());
        let call = async move { service.set(app, key, value).await };
        bounded(self.timeout, "keystore", call).await
    }
    async fn get(&self, app: &AppId, key: &str) -> Result<Option<String>, BridgeError> {
        let (service, app, key) = (self.service.clone(), app.to_string(), key.to_owned());
        let call = async move { service.get(app, key).await };
        bounded(self.timeout, "keystore", call).await
    }
    async fn remove(&self, app: &AppId, key: &str) -> Result<bool, BridgeError> {
        let (service, app, key) = (self.service.clone(), app.to_string(), key.to_owned());
        let call = async move { service.remove(app, key).await };
        bounded(self.timeout, "keystore", call).await
    }
    async fn count(&self, app: &AppId) -> Result<usize, BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let call = async move { service.count(app).await };
        let n = bounded(self.timeout, "keystore", call).await?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}

#[async_trait]
impl biometrics::BiometricService for Foreign<dyn BiometricService> {
    async fn authenticate(&self, app: &AppId, reason: &str) -> Result<(), BridgeError> {
        let (service, app, reason) = (self.service.clone(), app.to_string(), reason.to_owned());
        let call = async move { service.authenticate(app, reason).await };
        bounded(self.timeout, "biometric prompt", call).await
    }
}

#[async_trait]
impl notifications::NotificationService for Foreign<dyn NotificationService> {
    async fn request_permission(&self, app: &AppId) -> Result<bool, BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let call = async move { service.request_permission(app).await };
        bounded(self.timeout, "notifications", call).await
    }
    async fn schedule(
        &self,
        app: &AppId,
        n: &notifications::LocalNotification,
    ) -> Result<(), BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let notification = LocalNotification {
            id: n.id.clone(),
            title: n.title.clone(),
            body: n.body.clone(),
            at: n.at,
        };
        let call = async move { service.schedule(app, notification).await };
        bounded(self.timeout, "notifications", call).await
    }
    async fn subscribe(&self, app: &AppId, topic: &str) -> Result<(), BridgeError> {
        let (service, app, topic) = (self.service.clone(), app.to_string(), topic.to_owned());
        let call = async move { service.subscribe(app, topic).await };
        bounded(self.timeout, "notifications", call).await
    }
}

#[async_trait]
impl media::MediaService for Foreign<dyn MediaService> {
    async fn choose_image(
        &self,
        app: &AppId,
        source: media::ImageSource,
        max_bytes: usize,
    ) -> Result<media::Image, BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let source = match source {
            media::ImageSource::Camera => ImageSource::Camera,
            media::ImageSource::Album => ImageSource::Album,
        };
        let max_bytes = u64::try_from(max_bytes).unwrap_or(u64::MAX);
        let call = async move { service.choose_image(app, source, max_bytes).await };
        let image = bounded(self.timeout, "image picker", call).await?;
        Ok(media::Image {
            mime_type: image.mime_type,
            data: image.data,
            width: image.width,
            height: image.height,
        })
    }
    async fn scan_code(&self, app: &AppId) -> Result<media::ScannedCode, BridgeError> {
        let (service, app) = (self.service.clone(), app.to_string());
        let call = async move { service.scan_code(app).await };
        let code = bounded(self.timeout, "code scanner", call).await?;
        Ok(media::ScannedCode {
            text: code.text,
            format: code.format,
        })
    }
}

struct NoNavigation;

#[async_trait]
impl navigation::NavigationService for NoNavigation {
    async fn open_mini_program(
        &self,
        _from: &AppId,
        _target: &AppId,
        _path: Option<&str>,
        _extra_data: Option<&str>,
    ) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this host opens no other mini-program".into(),
        ))
    }
    async fn open_url(&self, _app: &AppId, _url: &str) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this host opens no web page".into(),
        ))
    }
    async fn exit(&self, _app: &AppId) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this host cannot close a mini-program from inside".into(),
        ))
    }
}

struct NoSettingsPage;

#[async_trait]
impl settings::SettingsService for NoSettingsPage {
    async fn open_host_settings(&self, _app: &AppId) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this host has no settings page for mini-programs".into(),
        ))
    }
}

struct NoBiometrics;

#[async_trait]
impl biometrics::BiometricService for NoBiometrics {
    async fn authenticate(&self, _app: &AppId, _reason: &str) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this host has no biometric prompt for mini-programs".into(),
        ))
    }
}

struct NoNotifications;

#[async_trait]
impl notifications::NotificationService for NoNotifications {
    async fn request_permission(&self, _app: &AppId) -> Result<bool, BridgeError> {
        Err(no_notifications())
    }
    async fn schedule(
        &self,
        _app: &AppId,
        _n: &notifications::LocalNotification,
    ) -> Result<(), BridgeError> {
        Err(no_notifications())
    }
    async fn subscribe(&self, _app: &AppId, _topic: &str) -> Result<(), BridgeError> {
        Err(no_notifications())
    }
}

fn no_notifications() -> BridgeError {
    BridgeError::Unavailable("this host has no notifications for mini-programs".into())
}

struct NoMedia;

#[async_trait]
impl media::MediaService for NoMedia {
    async fn choose_image(
        &self,
        _app: &AppId,
        _source: media::ImageSource,
        _max_bytes: usize,
    ) -> Result<media::Image, BridgeError> {
        Err(no_media())
    }
    async fn scan_code(&self, _app: &AppId) -> Result<media::ScannedCode, BridgeError> {
        Err(no_media())
    }
}

fn no_media() -> BridgeError {
    BridgeError::Unavailable("this host has no camera or image picker for mini-programs".into())
}

struct NoKeystore;

#[async_trait]
impl secure_storage::KeystoreService for NoKeystore {
    async fn set(&self, _app: &AppId, _key: &str, _value: &str) -> Result<(), BridgeError> {
        Err(no_keystore())
    }
    async fn get(&self, _app: &AppId, _key: &str) -> Result<Option<String>, BridgeError> {
        Err(no_keystore())
    }
    async fn remove(&self, _app: &AppId, _key: &str) -> Result<bool, BridgeError> {
        Err(no_keystore())
    }
    async fn count(&self, _app: &AppId) -> Result<usize, BridgeError> {
        Err(no_keystore())
    }
}

fn no_keystore() -> BridgeError {
    // Never an in-memory stand-in here: secrets kept in process memory would be lost silently.
    BridgeError::Unavailable("this host has no keystore for mini-programs".into())
}

struct NobodySignedIn;

impl auth::IdentityService for NobodySignedIn {
    fn current_user(&self) -> Option<String> {
        None
    }
}

/// The runtime's [`Fetcher`] over the host's [`HttpFetcher`]. The updater bounds each request
/// with its own timeout.
pub(crate) struct ForeignFetcher(pub(crate) Option<Arc<dyn HttpFetcher>>);

#[async_trait]
impl Fetcher for ForeignFetcher {
    async fn get(&self, url: &str, range_from: Option<u64>) -> Result<FetchResponse, FetchError> {
        let Some(http) = &self.0 else {
            return Err(FetchError(
                "this host has no HttpFetcher (HostServices.http)".into(),
            ));
        };
        let r = http
            .get(url.to_owned(), range_from)
            .await
            .map_err(|e| FetchError(e.to_string()))?;
        Ok(FetchResponse {
            status: r.status,
            range_start: r.range_start,
            body: Box::new(BytesBody(Some(bytes::Bytes::from(r.body)))),
        })
    }
}

impl HostServices {
    /// The runtime's services: each foreign one adapted, each missing one its default.
    pub(crate) fn into_runtime(self, timeout: Duration) -> miniapp_runtime::HostServices {
        let dev = miniapp_runtime::HostServices::development();
        miniapp_runtime::HostServices {
            identity: match self.identity {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NobodySignedIn),
            },
            payment: match self.payment {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoPayment),
            },
            location: match self.location {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoLocation),
            },
            ui: match self.ui {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoUi),
            },
            device: match self.device {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(device::DevDevice),
            },
            clipboard: match self.clipboard {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(clipboard::MemoryClipboard::default()),
            },
            share: match self.share {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoShare),
            },
            // A phone host without haptics gets UNAVAILABLE, not a silent no-op.
            haptics: match self.haptics {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(haptics::RecordingHaptics::without_vibrator()),
            },
            navigation: match self.navigation {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoNavigation),
            },
            settings: match self.settings {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoSettingsPage),
            },
            keystore: match self.keystore {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoKeystore),
            },
            biometrics: match self.biometrics {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoBiometrics),
            },
            notifications: match self.notifications {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoNotifications),
            },
            media: match self.media {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(NoMedia),
            },
            // No marketplace configured for in-app checks yet: `updates.check` is UNAVAILABLE
            // (`updates.status` works; the host's own `update` call stages versions).
            updates: Arc::new(miniapp_runtime::capabilities::updates::NoMarketplace),
            consent: match self.consent {
                Some(s) => Arc::new(foreign(s, timeout)),
                None => Arc::new(DeclineAll),
            },
            network: dev.network,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: Duration = Duration::from_millis(50);

    #[tokio::test]
    async fn async_calls_map_errors_and_are_bounded() {
        let ok = bounded(SHORT, "test", async { Ok::<_, ServiceError>(7) }).await;
        assert_eq!(ok, Ok(7));
        let cancelled = bounded(SHORT, "test", async {
            Err::<u8, _>(ServiceError::Cancelled)
        });
        assert_eq!(cancelled.await, Err(BridgeError::Cancelled));
        let never = bounded(
            SHORT,
            "payment service",
            std::future::pending::<Result<u8, _>>(),
        );
        match never.await {
            Err(BridgeError::Unavailable(m)) => assert!(m.contains("within 50 ms"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn service_errors_reach_the_guest_by_their_code() {
        let unavailable = ServiceError::Unavailable {
            reason: "no sensor".into(),
        };
        for (e, code) in [
            (ServiceError::Cancelled, "CANCELLED"),
            (unavailable, "UNAVAILABLE"),
            (ServiceError::NotFound, "NOT_FOUND"),
        ] {
            assert_eq!(BridgeError::from(e).code(), code);
        }
    }

    #[test]
    fn sync_calls_are_bounded_and_a_stuck_one_does_not_stop_the_next() {
        let (release, stuck) = std::sync::mpsc::channel::<()>();
        let r = bounded_sync(SHORT, "clipboard", move || {
            let _ = stuck.recv();
            Ok(1)
        });
        assert!(matches!(r, Err(BridgeError::Unavailable(_))), "{r:?}");
        for i in 0..10 {
            assert_eq!(bounded_sync(SHORT, "clipboard", move || Ok(i)), Ok(i));
        }
        let thrown = bounded_sync(SHORT, "clipboard", || {
            Err::<u8, _>(ServiceError::from(uniffi::UnexpectedUniFFICallbackError {
                reason: "boom".into(),
            }))
        });
        assert_eq!(
            thrown,
            Err(BridgeError::Unavailable(
                "the host's service failed: boom".into()
            ))
        );
        release.send(()).unwrap();
    }
}
