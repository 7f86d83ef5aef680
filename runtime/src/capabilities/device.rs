//! `device`: facts about the device and the host app.

use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::device as wit;
use super::capability::{Bridge, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Device, wit, redact: None);

pub use miniapp_contract::wire::{DeviceInfo, Screen};

/// The device. `info().host_version` is overwritten by the runtime's configured host version.
pub trait DeviceService: Send + Sync {
    fn info(&self) -> DeviceInfo;
    fn vibrate(&self, millis: u32) -> Result<(), BridgeError>;
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VibrateParams {
    millis: u32,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::DeviceInfo => super::capability::json(info(ctx)),
            Method::DeviceVibrate => {
                let VibrateParams { millis } = params(method, &p)?;
                vibrate(ctx, millis).map(|()| Value::Null)
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
}
