//! `haptics`: short taps, a long vibration, notification and selection patterns.

use std::sync::Mutex;

use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::haptics as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Haptics, wit, redact: None);

pub use miniapp_contract::wire::{HapticNotification, ImpactStyle};

/// The device's haptic engine. Each call plays one effect and returns at once; `Unavailable`
/// when the device has none.
pub trait HapticsService: Send + Sync {
    fn vibrate_short(&self, app: &AppId, style: ImpactStyle) -> Result<(), BridgeError>;
    fn vibrate_long(&self, app: &AppId) -> Result<(), BridgeError>;
    fn notify(&self, app: &AppId, kind: HapticNotification) -> Result<(), BridgeError>;
    fn selection_changed(&self, app: &AppId) -> Result<(), BridgeError>;
}

/// One effect a mini-program played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HapticEffect {
    Short(ImpactStyle),
    Long,
    Notification(HapticNotification),
    Selection,
}

/// Records the effects it is asked to play; [`RecordingHaptics::without_vibrator`] answers
/// `Unavailable` instead, like a device with no haptic engine.
#[derive(Debug)]
pub struct RecordingHaptics {
    vibrator: bool,
    played: Mutex<Vec<(AppId, HapticEffect)>>,
}

impl Default for RecordingHaptics {
    fn default() -> Self {
        RecordingHaptics {
            vibrator: true,
            played: Mutex::default(),
        }
    }
}

impl RecordingHaptics {
    pub fn without_vibrator() -> Self {
        RecordingHaptics {
            vibrator: false,
            played: Mutex::default(),
        }
    }

    /// The effects played so far, in order.
    pub fn played(&self) -> Vec<(AppId, HapticEffect)> {
        self.played.lock().unwrap().clone()
    }

    fn play(&self, app: &AppId, effect: HapticEffect) -> Result<(), BridgeError> {
        if !self.vibrator {
            return Err(BridgeError::Unavailable(
                "this device has no haptic engine".into(),
            ));
        }
        self.played.lock().unwrap().push((app.clone(), effect));
        Ok(())
    }
}

impl HapticsService for RecordingHaptics {
    fn vibrate_short(&self, app: &AppId, style: ImpactStyle) -> Result<(), BridgeError> {
        self.play(app, HapticEffect::Short(style))
    }
    fn vibrate_long(&self, app: &AppId) -> Result<(), BridgeError> {
        self.play(app, HapticEffect::Long)
    }
    fn notify(&self, app: &AppId, kind: HapticNotification) -> Result<(), BridgeError> {
        self.play(app, HapticEffect::Notification(kind))
    }
    fn selection_changed(&self, app: &AppId) -> Result<(), BridgeError> {
        self.play(app, HapticEffect::Selection)
    }
}

/// Plays one effect: the only core function, every method names its effect.
pub(crate) fn play(ctx: &AppContext, effect: HapticEffect) -> Result<(), BridgeError> {
    let service = ctx.service::<dyn HapticsService>();
    match effect {
        HapticEffect::Short(style) => service.vibrate_short(&ctx.app, style),
        HapticEffect::Long => service.vibrate_long(&ctx.app),
        HapticEffect::Notification(kind) => service.notify(&ctx.app, kind),
        HapticEffect::Selection => service.selection_changed(&ctx.app),
    }
}

impl From<wit::ImpactStyle> for ImpactStyle {
    fn from(s: wit::ImpactStyle) -> Self {
        match s {
            wit::ImpactStyle::Light => ImpactStyle::Light,
            wit::ImpactStyle::Medium => ImpactStyle::Medium,
            wit::ImpactStyle::Heavy => ImpactStyle::Heavy,
        }
    }
}

impl From<wit::HapticNotification> for HapticNotification {
    fn from(k: wit::HapticNotification) -> Self {
        match k {
            wit::HapticNotification::Success => HapticNotification::Success,
            wit::HapticNotification::Warning => HapticNotification::Warning,
            wit::HapticNotification::Error => HapticNotification::Error,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn vibrate_short(&mut self, style: wit::ImpactStyle) -> WitResult<()> {
        let (ctx, style) = (self.ctx, ImpactStyle::from(style));
        to_wit(
            bridge_call(
                ctx,
                Method::HapticsVibrateShort,
                G,
                || json!({"style": style}),
                || async { play(ctx, HapticEffect::Short(style)) },
            )
            .await,
        )
    }
    async fn vibrate_long(&mut self) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::HapticsVibrateLong, G, no_params, || async {
                play(ctx, HapticEffect::Long)
            })
            .await,
        )
    }
    async fn notify(&mut self, kind: wit::HapticNotification) -> WitResult<()> {
        let (ctx, kind) = (self.ctx, HapticNotification::from(kind));
        to_wit(
            bridge_call(
                ctx,
                Method::HapticsNotify,
                G,
                || json!({"kind": kind}),
                || async { play(ctx, HapticEffect::Notification(kind)) },
            )
            .await,
        )
    }
    async fn selection_changed(&mut self) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::HapticsSelectionChanged,
                G,
                no_params,
                || async { play(ctx, HapticEffect::Selection) },
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleParams {
    style: ImpactStyle,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindParams {
    kind: HapticNotification,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        let effect = match method {
            Method::HapticsVibrateShort => {
                HapticEffect::Short(params::<StyleParams>(method, &p)?.style)
            }
            Method::HapticsVibrateLong => {
                params::<NoParams>(method, &p)?;
                HapticEffect::Long
            }
            Method::HapticsNotify => {
                HapticEffect::Notification(params::<KindParams>(method, &p)?.kind)
            }
            Method::HapticsSelectionChanged => {
                params::<NoParams>(method, &p)?;
                HapticEffect::Selection
            }
            _ => {
                return Err(BridgeError::Internal(format!(
                    "haptics does not serve {method}"
                )));
            }
        };
        play(ctx, effect).map(|()| Value::Null)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context_with;
    use miniapp_package::Permission;
    use serde_json::json;
    use std::sync::Arc;

    fn with(
        haptics: Arc<RecordingHaptics>,
        grants: &[Permission],
    ) -> (AppContext, tempfile::TempDir) {
        let mut services = super::super::HostServices::development();
        services.haptics = haptics;
        context_with("com.acme.a", grants, services)
    }

    #[tokio::test]
    async fn every_method_plays_its_effect() {
        let haptics = Arc::new(RecordingHaptics::default());
        let (ctx, _h) = with(haptics.clone(), &[Permission::Haptics]);
        for (method, p) in [
            (Method::HapticsVibrateShort, json!({"style": "heavy"})),
            (Method::HapticsVibrateLong, Value::Null),
            (Method::HapticsNotify, json!({"kind": "warning"})),
            (Method::HapticsSelectionChanged, json!({})),
        ] {
            assert_eq!(
                json(&ctx, method, p).await.unwrap(),
                Value::Null,
                "{method}"
            );
        }
        let played: Vec<HapticEffect> = haptics.played().into_iter().map(|(_, e)| e).collect();
        assert_eq!(
            played,
            [
                HapticEffect::Short(ImpactStyle::Heavy),
                HapticEffect::Long,
                HapticEffect::Notification(HapticNotification::Warning),
                HapticEffect::Selection,
            ]
        );
        assert_eq!(haptics.played()[0].0.as_str(), "com.acme.a");
    }

    #[tokio::test]
    async fn bad_input_and_denial_play_nothing() {
        let haptics = Arc::new(RecordingHaptics::default());
        let (ctx, _h) = with(haptics.clone(), &[Permission::Haptics]);
        for (method, p) in [
            (Method::HapticsVibrateShort, json!({"style": "thunder"})),
            (Method::HapticsVibrateShort, json!({})),
            (Method::HapticsNotify, json!({"kind": 1})),
            (Method::HapticsVibrateLong, json!({"millis": 5000})),
        ] {
            let e = json(&ctx, method, p.clone()).await.unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{method} {p}");
        }
        let (denied, _h2) = with(haptics.clone(), &[Permission::Device]);
        let e = json(&denied, Method::HapticsVibrateLong, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);
        assert!(haptics.played().is_empty());
    }

    #[tokio::test]
    async fn a_device_without_a_vibrator_is_unavailable() {
        let (ctx, _h) = with(
            Arc::new(RecordingHaptics::without_vibrator()),
            &[Permission::Haptics],
        );
        let e = json(&ctx, Method::HapticsSelectionChanged, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
    }
}
