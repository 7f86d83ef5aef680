//! `device`: facts about the device and the host app, the vibrator, the network type, the
//! battery and keeping the screen on.

use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::device as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Device, wit, redact: None);

pub use miniapp_contract::wire::{BatteryInfo, DeviceInfo, NetworkType, Screen, SystemInfo, Theme};

/// The device. `info().host_version` is overwritten by the runtime's configured host version.
/// The methods with a default answer what a host that cannot tell would answer.
pub trait DeviceService: Send + Sync {
    fn info(&self) -> DeviceInfo;
    fn vibrate(&self, millis: u32) -> Result<(), BridgeError>;
    fn network_type(&self) -> NetworkType {
        NetworkType::Unknown
    }
    fn battery(&self) -> Result<BatteryInfo, BridgeError> {
        Err(BridgeError::Unavailable(
            "this host does not report the battery".into(),
        ))
    }
    /// Keeps the screen on for `app` while it is in front; the host releases it when `app`
    /// leaves the screen.
    fn set_keep_screen_on(&self, app: &AppId, keep_on: bool) -> Result<(), BridgeError> {
        let _ = (app, keep_on);
        Err(BridgeError::Unavailable(
            "this host cannot keep the screen on".into(),
        ))
    }
    fn system_info(&self) -> Result<SystemInfo, BridgeError> {
        Err(BridgeError::Unavailable(
            "this host does not describe the system".into(),
        ))
    }
}

/// This machine, a 1080×2340 screen, `en-US`, no vibrator.
#[derive(Debug, Default)]
pub struct DevDevice;

impl DeviceService for DevDevice {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            platform: std::env::consts::OS.into(),
            host_version: String::new(),
            locale: "en-US".into(),
            screen: Screen {
                width: 1080,
                height: 2340,
                scale: 3.0,
            },
        }
    }
    fn vibrate(&self, _millis: u32) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this device has no vibrator".into(),
        ))
    }
    fn network_type(&self) -> NetworkType {
        NetworkType::Ethernet
    }
    /// A desktop: no battery.
    fn battery(&self) -> Result<BatteryInfo, BridgeError> {
        Err(BridgeError::Unavailable(
            "this device has no battery".into(),
        ))
    }
    /// A desktop's screen does not sleep under a mini-program: nothing to do.
    fn set_keep_screen_on(&self, _app: &AppId, _keep_on: bool) -> Result<(), BridgeError> {
        Ok(())
    }
    fn system_info(&self) -> Result<SystemInfo, BridgeError> {
        Ok(SystemInfo {
            brand: "miniapp".into(),
            model: "development host".into(),
            os_version: std::env::consts::OS.into(),
            theme: Theme::Light,
            font_scale: 1.0,
        })
    }
}

pub(crate) fn info(ctx: &AppContext) -> DeviceInfo {
    let mut info = ctx.service::<dyn DeviceService>().info();
    info.host_version = ctx.host.host_version.to_string();
    info
}

pub(crate) fn vibrate(ctx: &AppContext, millis: u32) -> Result<(), BridgeError> {
    if millis > 1000 {
        return Err(BridgeError::invalid("vibrate for at most 1000 ms"));
    }
    ctx.service::<dyn DeviceService>().vibrate(millis)
}

/// The battery as the host reports it, checked: a level over 100 is the host's mistake.
pub(crate) fn battery(ctx: &AppContext) -> Result<BatteryInfo, BridgeError> {
    let battery = ctx.service::<dyn DeviceService>().battery()?;
    if battery.level > 100 {
        return Err(BridgeError::Internal(format!(
            "the host reported a battery level of {}%",
            battery.level
        )));
    }
    Ok(battery)
}

pub(crate) fn set_keep_screen_on(ctx: &AppContext, keep_on: bool) -> Result<(), BridgeError> {
    ctx.service::<dyn DeviceService>()
        .set_keep_screen_on(&ctx.app, keep_on)
}

impl From<NetworkType> for wit::Connection {
    fn from(n: NetworkType) -> Self {
        match n {
            NetworkType::Wifi => wit::Connection::Wifi,
            NetworkType::Cellular => wit::Connection::Cellular,
            NetworkType::Ethernet => wit::Connection::Ethernet,
            NetworkType::None => wit::Connection::None,
            NetworkType::Unknown => wit::Connection::Unknown,
        }
    }
}

impl From<BatteryInfo> for wit::BatteryInfo {
    fn from(b: BatteryInfo) -> Self {
        wit::BatteryInfo {
            level: b.level,
            charging: b.charging,
        }
    }
}

impl From<SystemInfo> for wit::SystemDescription {
    fn from(s: SystemInfo) -> Self {
        wit::SystemDescription {
            brand: s.brand,
            model: s.model,
            os_version: s.os_version,
            theme: match s.theme {
                Theme::Light => wit::Theme::Light,
                Theme::Dark => wit::Theme::Dark,
            },
            font_scale: s.font_scale,
        }
    }
}

impl From<DeviceInfo> for wit::DeviceInfo {
    fn from(d: DeviceInfo) -> Self {
        wit::DeviceInfo {
            platform: d.platform,
            host_version: d.host_version,
            locale: d.locale,
            screen: wit::Screen {
                width: d.screen.width,
                height: d.screen.height,
                scale: d.screen.scale,
            },
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn info(&mut self) -> WitResult<wit::DeviceInfo> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::DeviceInfo, G, no_params, || async {
                Ok(info(ctx))
            })
            .await,
        )
    }
    async fn vibrate(&mut self, millis: u32) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::DeviceVibrate,
                G,
                || json!({"millis": millis}),
                || async { vibrate(ctx, millis) },
            )
            .await,
        )
    }
    async fn network_type(&mut self) -> WitResult<wit::Connection> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::DeviceNetworkType, G, no_params, || async {
                Ok(ctx.service::<dyn DeviceService>().network_type())
            })
            .await,
        )
    }
    async fn battery(&mut self) -> WitResult<wit::BatteryInfo> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::DeviceBattery, G, no_params, || async {
                battery(ctx)
            })
            .await,
        )
    }
    async fn set_keep_screen_on(&mut self, keep_on: bool) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::DeviceSetKeepScreenOn,
                G,
                || json!({"keepOn": keep_on}),
                || async { set_keep_screen_on(ctx, keep_on) },
            )
            .await,
        )
    }
    async fn system_info(&mut self) -> WitResult<wit::SystemDescription> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::DeviceSystemInfo, G, no_params, || async {
                ctx.service::<dyn DeviceService>().system_info()
            })
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VibrateParams {
    millis: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct KeepScreenOnParams {
    keep_on: bool,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::DeviceInfo => super::capability::json(info(ctx)),
            Method::DeviceVibrate => {
                let VibrateParams { millis } = params(method, &p)?;
                vibrate(ctx, millis).map(|()| Value::Null)
            }
            Method::DeviceNetworkType => {
                params::<NoParams>(method, &p)?;
                super::capability::json(ctx.service::<dyn DeviceService>().network_type())
            }
            Method::DeviceBattery => {
                params::<NoParams>(method, &p)?;
                super::capability::json(battery(ctx)?)
            }
            Method::DeviceSetKeepScreenOn => {
                let KeepScreenOnParams { keep_on } = params(method, &p)?;
                set_keep_screen_on(ctx, keep_on).map(|()| Value::Null)
            }
            Method::DeviceSystemInfo => {
                params::<NoParams>(method, &p)?;
                super::capability::json(ctx.service::<dyn DeviceService>().system_info()?)
            }
            _ => Err(BridgeError::Internal(format!(
                "device does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use miniapp_package::Permission;
    use serde_json::json;

    #[tokio::test]
    async fn info_carries_the_host_version() {
        let (ctx, _h) = context("com.acme.a", &[Permission::Device]);
        let v = json(&ctx, Method::DeviceInfo, Value::Null).await.unwrap();
        assert_eq!(v["hostVersion"], ctx.host.host_version.to_string());
        let e = json(&ctx, Method::DeviceVibrate, json!({"millis": 5000}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        let e = json(&ctx, Method::DeviceVibrate, json!({"millis": 50}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
    }

    /// A phone: on Wi-Fi, a battery that may report nonsense, keep-screen-on recorded per app.
    #[derive(Default)]
    struct Phone {
        level: u8,
        kept_on: std::sync::Mutex<Vec<(String, bool)>>,
    }

    impl DeviceService for Phone {
        fn info(&self) -> DeviceInfo {
            DevDevice.info()
        }
        fn vibrate(&self, _millis: u32) -> Result<(), BridgeError> {
            Ok(())
        }
        fn network_type(&self) -> NetworkType {
            NetworkType::Wifi
        }
        fn battery(&self) -> Result<BatteryInfo, BridgeError> {
            Ok(BatteryInfo {
                level: self.level,
                charging: true,
            })
        }
        fn set_keep_screen_on(&self, app: &AppId, keep_on: bool) -> Result<(), BridgeError> {
            self.kept_on
                .lock()
                .unwrap()
                .push((app.to_string(), keep_on));
            Ok(())
        }
    }

    fn phone(
        level: u8,
        grants: &[Permission],
    ) -> (AppContext, tempfile::TempDir, std::sync::Arc<Phone>) {
        let phone = std::sync::Arc::new(Phone {
            level,
            ..Phone::default()
        });
        let mut services = super::super::HostServices::development();
        services.device = phone.clone();
        let (ctx, h) = crate::capabilities::testing::context_with("com.acme.a", grants, services);
        (ctx, h, phone)
    }

    #[tokio::test]
    async fn network_battery_screen_and_system() {
        let (ctx, _h, phone) = phone(80, &[Permission::Device]);
        let j = |m, p| json(&ctx, m, p);
        assert_eq!(
            j(Method::DeviceNetworkType, Value::Null).await.unwrap(),
            "wifi"
        );
        assert_eq!(
            j(Method::DeviceBattery, json!({})).await.unwrap(),
            json!({"level": 80, "charging": true})
        );
        j(Method::DeviceSetKeepScreenOn, json!({"keepOn": true}))
            .await
            .unwrap();
        assert_eq!(
            *phone.kept_on.lock().unwrap(),
            [("com.acme.a".to_string(), true)]
        );
        // Not describing the system is the trait's default: UNAVAILABLE, not a guess.
        let e = j(Method::DeviceSystemInfo, Value::Null).await.unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
        for (m, p) in [
            (Method::DeviceSetKeepScreenOn, json!({"keepOn": "yes"})),
            (Method::DeviceSetKeepScreenOn, json!({})),
            (Method::DeviceBattery, json!({"level": 1})),
        ] {
            assert_eq!(j(m, p).await.unwrap_err().code(), "INVALID_ARGUMENT");
        }
        assert_eq!(phone.kept_on.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_host_battery_over_100_is_internal_and_denial_touches_nothing() {
        let (ctx, _h, _) = phone(101, &[Permission::Device]);
        let e = json(&ctx, Method::DeviceBattery, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INTERNAL");
        let (ctx, _h, phone) = phone(50, &[Permission::Ui]);
        let e = json(&ctx, Method::DeviceSetKeepScreenOn, json!({"keepOn": true}))
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);
        assert!(phone.kept_on.lock().unwrap().is_empty());
        let (ctx, _h) = context("com.acme.a", &[Permission::Device]);
        let info = json(&ctx, Method::DeviceSystemInfo, Value::Null)
            .await
            .unwrap();
        assert_eq!(info["theme"], "light");
    }
}
