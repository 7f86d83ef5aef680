//! `biometrics` (permission `biometrics`, sensitive: consent is asked once per app): the
//! platform's biometric prompt. The app learns only whether the user was recognised.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_contract::limits::BIOMETRIC_REASON_BYTES;
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::biometrics as wit;
use super::capability::{Bridge, WitResult, json_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Biometrics, wit, redact: None);

/// The platform's biometric prompt. `Cancelled` when the user cancels or is not recognised,
/// `Unavailable` without a sensor or enrolment.
#[async_trait]
pub trait BiometricService: Send + Sync {
    async fn authenticate(&self, app: &AppId, reason: &str) -> Result<(), BridgeError>;
}

/// Answers prompts from a script (recognised once it runs out), records them;
/// [`ScriptedBiometrics::without_sensor`] answers `Unavailable`.
#[derive(Debug)]
pub struct ScriptedBiometrics {
    sensor: bool,
    answers: Mutex<VecDeque<bool>>,
    prompts: Mutex<Vec<(AppId, String)>>,
}

impl Default for ScriptedBiometrics {
    fn default() -> Self {
        ScriptedBiometrics {
            sensor: true,
            answers: Mutex::default(),
            prompts: Mutex::default(),
        }
    }
}

impl ScriptedBiometrics {
    /// The next prompts end like this (`false`: the user cancels), in order.
    pub fn answering(answers: &[bool]) -> Self {
        ScriptedBiometrics {
            answers: Mutex::new(answers.iter().copied().collect()),
            ..ScriptedBiometrics::default()
        }
    }

    pub fn without_sensor() -> Self {
        ScriptedBiometrics {
            sensor: false,
            ..ScriptedBiometrics::default()
        }
    }

    /// The prompts shown: which app, with which reason.
    pub fn prompts(&self) -> Vec<(AppId, String)> {
        self.prompts.lock().unwrap().clone()
    }
}

#[async_trait]
impl BiometricService for ScriptedBiometrics {
    async fn authenticate(&self, app: &AppId, reason: &str) -> Result<(), BridgeError> {
        if !self.sensor {
            return Err(BridgeError::Unavailable("no biometric sensor".into()));
        }
        self.prompts
            .lock()
            .unwrap()
            .push((app.clone(), reason.to_owned()));
        if self.answers.lock().unwrap().pop_front().unwrap_or(true) {
            Ok(())
        } else {
            Err(BridgeError::Cancelled)
        }
    }
}

pub(crate) async fn authenticate(ctx: &AppContext, reason: &str) -> Result<(), BridgeError> {
    if reason.trim().is_empty()
        || reason.len() > BIOMETRIC_REASON_BYTES
        || reason.chars().any(char::is_control)
    {
        return Err(BridgeError::invalid(format!(
            "reason must be 1 to {BIOMETRIC_REASON_BYTES} bytes of visible text"
        )));
    }
    ctx.service::<dyn BiometricService>()
        .authenticate(&ctx.app, reason)
        .await
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn authenticate(&mut self, reason: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::BiometricsAuthenticate,
                G,
                || json!({"reason": &reason}),
                || authenticate(ctx, &reason),
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonParams {
    reason: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        let ReasonParams { reason } = params(method, &p)?;
        authenticate(ctx, &reason).await.map(|()| Value::Null)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context_with;
    use miniapp_package::Permission;
    use std::sync::Arc;

    fn with(
        bio: &Arc<ScriptedBiometrics>,
        grants: &[Permission],
    ) -> (AppContext, tempfile::TempDir) {
        let mut services = super::super::HostServices::development();
        services.biometrics = bio.clone();
        context_with("com.acme.a", grants, services)
    }

    #[tokio::test]
    async fn recognised_cancelled_bad_reason_denied_and_no_sensor() {
        let bio = Arc::new(ScriptedBiometrics::answering(&[true, false]));
        let (ctx, _h) = with(&bio, &[Permission::Biometrics]);
        let p = json!({"reason": "Confirm the transfer"});
        assert_eq!(
            json(&ctx, Method::BiometricsAuthenticate, p.clone())
                .await
                .unwrap(),
            Value::Null
        );
        let e = json(&ctx, Method::BiometricsAuthenticate, p.clone())
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::Cancelled);
        for bad in [
            json!({"reason": ""}),
            json!({"reason": "   "}),
            json!({"reason": "x".repeat(BIOMETRIC_REASON_BYTES + 1)}),
            json!({"reason": "a\u{0}b"}),
            json!({"reason": 5}),
            json!({}),
        ] {
            let e = json(&ctx, Method::BiometricsAuthenticate, bad.clone())
                .await
                .unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{bad}");
        }
        assert_eq!(bio.prompts().len(), 2, "bad input showed no prompt");
        assert_eq!(bio.prompts()[0].1, "Confirm the transfer");

        let (denied, _h2) = with(&bio, &[Permission::Storage]);
        let e = json(&denied, Method::BiometricsAuthenticate, p.clone())
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);
        assert_eq!(bio.prompts().len(), 2);

        let none = Arc::new(ScriptedBiometrics::without_sensor());
        let (ctx, _h3) = with(&none, &[Permission::Biometrics]);
        let e = json(&ctx, Method::BiometricsAuthenticate, p)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
    }
}
