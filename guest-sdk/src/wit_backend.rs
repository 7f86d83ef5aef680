//! The real bridge: the WIT imports, with generated types converted to the SDK's own.
//!
//! Off wasm32 the generated imports are `unreachable!()` stubs: native code that calls the
//! bridge must enable the `mock` feature.

use crate::bindings::miniapp::bridge as wit;
use crate::device::{BatteryInfo, DeviceInfo, NetworkType, Screen, SystemInfo, Theme};
use crate::haptics::{HapticNotification, ImpactStyle};
use crate::settings::{PermissionState, PermissionStatus};
use crate::{Error, Level, PaymentRequest, Position, Receipt, Token, Usage};

impl From<wit::types::BridgeError> for Error {
    fn from(e: wit::types::BridgeError) -> Self {
        use wit::types::BridgeError as B;
        match e {
            B::PermissionDenied => Error::PermissionDenied,
            B::InvalidArgument(m) => Error::InvalidArgument(m),
            B::NotFound => Error::NotFound,
            B::QuotaExceeded => Error::QuotaExceeded,
            B::Unavailable(m) => Error::Unavailable(m),
            B::Cancelled => Error::Cancelled,
            B::Internal(m) => Error::Internal(m),
        }
    }
}

impl From<wit::storage::StorageUsage> for Usage {
    fn from(u: wit::storage::StorageUsage) -> Self {
        Usage {
            used_bytes: u.used_bytes,
            quota_bytes: u.quota_bytes,
        }
    }
}

impl From<wit::auth::Token> for Token {
    fn from(t: wit::auth::Token) -> Self {
        Token {
            value: t.value,
            expires_at: t.expires_at,
            scopes: t.scopes,
        }
    }
}

impl From<wit::payment::Receipt> for Receipt {
    fn from(r: wit::payment::Receipt) -> Self {
        Receipt {
            order_id: r.order_id,
            transaction_id: r.transaction_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            paid_at: r.paid_at,
        }
    }
}

impl From<wit::geolocation::Position> for Position {
    fn from(p: wit::geolocation::Position) -> Self {
        Position {
            latitude: p.latitude,
            longitude: p.longitude,
            accuracy_m: p.accuracy_m,
        }
    }
}

impl From<wit::device::DeviceInfo> for DeviceInfo {
    fn from(d: wit::device::DeviceInfo) -> Self {
        DeviceInfo {
            platform: d.platform,
            host_version: d.host_version,
            locale: d.locale,
            screen: Screen {
                width: d.screen.width,
                height: d.screen.height,
                scale: d.screen.scale,
            },
        }
    }
}

impl From<Level> for wit::log::Level {
    fn from(level: Level) -> Self {
        match level {
            Level::Trace => wit::log::Level::Trace,
            Level::Debug => wit::log::Level::Debug,
            Level::Info => wit::log::Level::Info,
            Level::Warn => wit::log::Level::Warn,
            Level::Error => wit::log::Level::Error,
        }
    }
}

pub(crate) fn storage_set(key: &str, value: &[u8]) -> Result<(), Error> {
    Ok(wit::storage::set(key, value)?)
}

pub(crate) fn storage_get(key: &str) -> Result<Option<Vec<u8>>, Error> {
    Ok(wit::storage::get(key)?)
}

pub(crate) fn storage_remove(key: &str) -> Result<bool, Error> {
    Ok(wit::storage::remove(key)?)
}

pub(crate) fn storage_keys() -> Result<Vec<String>, Error> {
    Ok(wit::storage::keys()?)
}

pub(crate) fn storage_clear() -> Result<(), Error> {
    Ok(wit::storage::clear()?)
}

pub(crate) fn storage_usage() -> Result<Usage, Error> {
    Ok(wit::storage::usage()?.into())
}

pub(crate) fn auth_get_token(scopes: &[String]) -> Result<Token, Error> {
    Ok(wit::auth::get_token(scopes)?.into())
}

pub(crate) fn auth_login_code() -> Result<crate::auth::LoginCode, Error> {
    let c = wit::auth::login_code()?;
    Ok(crate::auth::LoginCode {
        code: c.code,
        expires_at: c.expires_at,
    })
}

pub(crate) fn auth_profile() -> Result<crate::auth::UserProfile, Error> {
    let p = wit::auth::profile()?;
    Ok(crate::auth::UserProfile {
        nickname: p.nickname,
        avatar_url: p.avatar_url,
    })
}

pub(crate) fn payment_pay(request: &PaymentRequest) -> Result<Receipt, Error> {
    let request = wit::payment::PaymentRequest {
        order_id: request.order_id.clone(),
        amount_minor: request.amount_minor,
        currency: request.currency.clone(),
        description: request.description.clone(),
    };
    Ok(wit::payment::pay(&request)?.into())
}

pub(crate) fn payment_query(order_id: &str) -> Result<Receipt, Error> {
    Ok(wit::payment::query(order_id)?.into())
}

pub(crate) fn geolocation_current_position() -> Result<Position, Error> {
    Ok(wit::geolocation::current_position()?.into())
}

pub(crate) fn ui_toast(message: &str) -> Result<(), Error> {
    Ok(wit::ui::toast(message)?)
}

pub(crate) fn ui_modal(title: &str, message: &str, buttons: &[String]) -> Result<u32, Error> {
    Ok(wit::ui::modal(title, message, buttons)?)
}

pub(crate) fn ui_navigate(route: &str) -> Result<(), Error> {
    Ok(wit::ui::navigate(route)?)
}

pub(crate) fn ui_set_title(title: &str) -> Result<(), Error> {
    Ok(wit::ui::set_title(title)?)
}

pub(crate) fn ui_action_sheet(items: &[String]) -> Result<u32, Error> {
    Ok(wit::ui::action_sheet(items)?)
}

pub(crate) fn ui_show_loading(title: &str) -> Result<(), Error> {
    Ok(wit::ui::show_loading(title)?)
}

pub(crate) fn ui_hide_loading() -> Result<(), Error> {
    Ok(wit::ui::hide_loading()?)
}

pub(crate) fn ui_set_navigation_bar_color(front: &str, background: &str) -> Result<(), Error> {
    Ok(wit::ui::set_navigation_bar_color(front, background)?)
}

pub(crate) fn ui_pick_date(
    initial: &str,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<String, Error> {
    Ok(wit::ui::pick_date(initial, start, end)?)
}

pub(crate) fn device_info() -> Result<DeviceInfo, Error> {
    Ok(wit::device::info()?.into())
}

pub(crate) fn device_vibrate(millis: u32) -> Result<(), Error> {
    Ok(wit::device::vibrate(millis)?)
}

pub(crate) fn device_network_type() -> Result<NetworkType, Error> {
    use wit::device::Connection as N;
    Ok(match wit::device::network_type()? {
        N::Wifi => NetworkType::Wifi,
        N::Cellular => NetworkType::Cellular,
        N::Ethernet => NetworkType::Ethernet,
        N::None => NetworkType::None,
        N::Unknown => NetworkType::Unknown,
    })
}

pub(crate) fn device_battery() -> Result<BatteryInfo, Error> {
    let b = wit::device::battery()?;
    Ok(BatteryInfo {
        level: b.level,
        charging: b.charging,
    })
}

pub(crate) fn device_set_keep_screen_on(keep_on: bool) -> Result<(), Error> {
    Ok(wit::device::set_keep_screen_on(keep_on)?)
}

pub(crate) fn device_system_info() -> Result<SystemInfo, Error> {
    let s = wit::device::system_info()?;
    Ok(SystemInfo {
        brand: s.brand,
        model: s.model,
        os_version: s.os_version,
        theme: match s.theme {
            wit::device::Theme::Light => Theme::Light,
            wit::device::Theme::Dark => Theme::Dark,
        },
        font_scale: s.font_scale,
    })
}

pub(crate) fn clipboard_read_text() -> Result<Option<String>, Error> {
    Ok(wit::clipboard::read_text()?)
}

pub(crate) fn clipboard_write_text(text: &str) -> Result<(), Error> {
    Ok(wit::clipboard::write_text(text)?)
}

pub(crate) fn share_share(text: &str, url: Option<&str>) -> Result<(), Error> {
    Ok(wit::share::share(text, url)?)
}

impl From<ImpactStyle> for wit::haptics::ImpactStyle {
    fn from(s: ImpactStyle) -> Self {
        match s {
            ImpactStyle::Light => wit::haptics::ImpactStyle::Light,
            ImpactStyle::Medium => wit::haptics::ImpactStyle::Medium,
            ImpactStyle::Heavy => wit::haptics::ImpactStyle::Heavy,
        }
    }
}

impl From<HapticNotification> for wit::haptics::HapticNotification {
    fn from(k: HapticNotification) -> Self {
        match k {
            HapticNotification::Success => wit::haptics::HapticNotification::Success,
            HapticNotification::Warning => wit::haptics::HapticNotification::Warning,
            HapticNotification::Error => wit::haptics::HapticNotification::Error,
        }
    }
}

pub(crate) fn haptics_vibrate_short(style: ImpactStyle) -> Result<(), Error> {
    Ok(wit::haptics::vibrate_short(style.into())?)
}

pub(crate) fn haptics_vibrate_long() -> Result<(), Error> {
    Ok(wit::haptics::vibrate_long()?)
}

pub(crate) fn haptics_notify(kind: HapticNotification) -> Result<(), Error> {
    Ok(wit::haptics::notify(kind.into())?)
}

pub(crate) fn haptics_selection_changed() -> Result<(), Error> {
    Ok(wit::haptics::selection_changed()?)
}

pub(crate) fn navigation_open_mini_program(
    app_id: &str,
    path: Option<&str>,
    extra_data: Option<&str>,
) -> Result<(), Error> {
    Ok(wit::navigation::open_mini_program(
        app_id, path, extra_data,
    )?)
}

pub(crate) fn navigation_open_url(url: &str) -> Result<(), Error> {
    Ok(wit::navigation::open_url(url)?)
}

pub(crate) fn navigation_exit() -> Result<(), Error> {
    Ok(wit::navigation::exit()?)
}

pub(crate) fn log_log(level: Level, message: &str) {
    wit::log::log(level.into(), message)
}

impl TryFrom<wit::settings::PermissionStatus> for PermissionStatus {
    type Error = Error;
    fn try_from(s: wit::settings::PermissionStatus) -> Result<Self, Error> {
        use wit::settings::PermissionState as S;
        Ok(PermissionStatus {
            permission: crate::Permission::from_name(&s.permission).ok_or_else(|| {
                Error::Internal(format!(
                    "the host named an unknown permission `{}`",
                    s.permission
                ))
            })?,
            state: match s.state {
                S::Granted => PermissionState::Granted,
                S::Denied => PermissionState::Denied,
                S::NotAsked => PermissionState::NotAsked,
            },
            active: s.active,
        })
    }
}

pub(crate) fn settings_permissions() -> Result<Vec<PermissionStatus>, Error> {
    wit::settings::permissions()?
        .into_iter()
        .map(PermissionStatus::try_from)
        .collect()
}

pub(crate) fn settings_request(permission: &str) -> Result<PermissionStatus, Error> {
    wit::settings::request(permission)?.try_into()
}

pub(crate) fn settings_open_host_settings() -> Result<(), Error> {
    Ok(wit::settings::open_host_settings()?)
}

impl From<wit::updates::UpdateStatus> for crate::updates::UpdateStatus {
    fn from(s: wit::updates::UpdateStatus) -> Self {
        crate::updates::UpdateStatus {
            current: s.current,
            pending: s.pending,
        }
    }
}

pub(crate) fn updates_status() -> Result<crate::updates::UpdateStatus, Error> {
    Ok(wit::updates::status()?.into())
}

pub(crate) fn updates_check() -> Result<crate::updates::UpdateStatus, Error> {
    Ok(wit::updates::check()?.into())
}

pub(crate) fn performance_metrics() -> crate::performance::PerformanceMetrics {
    let f = wit::performance::metrics();
    crate::performance::PerformanceMetrics {
        launch: f.launch.map(|l| crate::performance::LaunchMetrics {
            load_ms: l.load_ms,
            link_ms: l.link_ms,
            instantiate_ms: l.instantiate_ms,
            on_launch_ms: l.on_launch_ms,
        }),
        bridge_calls: f.bridge_calls,
        bridge_host_ms: f.bridge_host_ms,
        guest_ms: f.guest_ms,
    }
}

pub(crate) fn secure_storage_set(key: &str, value: &str) -> Result<(), Error> {
    Ok(wit::secure_storage::set(key, value)?)
}

pub(crate) fn secure_storage_get(key: &str) -> Result<Option<String>, Error> {
    Ok(wit::secure_storage::get(key)?)
}

pub(crate) fn secure_storage_remove(key: &str) -> Result<bool, Error> {
    Ok(wit::secure_storage::remove(key)?)
}

fn file_info(f: wit::files::FileInfo) -> crate::files::FileInfo {
    crate::files::FileInfo {
        path: f.path,
        size: f.size,
        modified_at: f.modified_at,
    }
}

pub(crate) fn files_write(path: &str, data: &str) -> Result<(), Error> {
    Ok(wit::files::write(path, data)?)
}

pub(crate) fn files_read(path: &str) -> Result<String, Error> {
    Ok(wit::files::read(path)?)
}

pub(crate) fn files_list(dir: &str) -> Result<Vec<crate::files::FileInfo>, Error> {
    Ok(wit::files::list(dir)?.into_iter().map(file_info).collect())
}

pub(crate) fn files_stat(path: &str) -> Result<crate::files::FileInfo, Error> {
    Ok(file_info(wit::files::stat(path)?))
}

pub(crate) fn files_remove(path: &str) -> Result<bool, Error> {
    Ok(wit::files::remove(path)?)
}

pub(crate) fn biometrics_authenticate(reason: &str) -> Result<(), Error> {
    Ok(wit::biometrics::authenticate(reason)?)
}

pub(crate) fn notifications_request_permission() -> Result<bool, Error> {
    Ok(wit::notifications::request_permission()?)
}

pub(crate) fn notifications_schedule(
    id: &str,
    title: &str,
    body: &str,
    at: u64,
) -> Result<(), Error> {
    Ok(wit::notifications::schedule(id, title, body, at)?)
}

pub(crate) fn notifications_subscribe(topic: &str) -> Result<(), Error> {
    Ok(wit::notifications::subscribe(topic)?)
}

impl From<crate::media::ImageSource> for wit::media::ImageSource {
    fn from(s: crate::media::ImageSource) -> Self {
        match s {
            crate::media::ImageSource::Camera => wit::media::ImageSource::Camera,
            crate::media::ImageSource::Album => wit::media::ImageSource::Album,
        }
    }
}

pub(crate) fn media_choose_image(
    source: crate::media::ImageSource,
    max_bytes: u32,
) -> Result<crate::media::Image, Error> {
    let i = wit::media::choose_image(source.into(), max_bytes)?;
    Ok(crate::media::Image {
        mime_type: i.mime_type,
        data: i.data,
        width: i.width,
        height: i.height,
    })
}

pub(crate) fn media_scan_code() -> Result<crate::media::ScannedCode, Error> {
    let c = wit::media::scan_code()?;
    Ok(crate::media::ScannedCode {
        text: c.text,
        format: c.format,
    })
}
