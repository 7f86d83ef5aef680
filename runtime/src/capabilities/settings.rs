//! `settings`: the app's own declared permissions as the user and the host decided them, asking
//! the user again for one, and the host's settings page. No permission guards it (like `log`):
//! it only reports and asks about what the manifest declares, and never overrides the host's
//! policy. A "yes" given here is remembered like a launch-time one; the instance's grants (and
//! its linker) are fixed at launch, so it takes effect at the next launch.

use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_package::{AppId, Permission};
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::settings as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, no_params, params, to_wit};
use super::consent::ConsentService;
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Settings, wit, redact: None);

pub use miniapp_contract::wire::{PermissionState, PermissionStatus};

/// The host's settings page for one mini-program (its permissions, where the user may change
/// their answers through [`crate::Runtime::set_consent`]).
#[async_trait]
pub trait SettingsService: Send + Sync {
    /// Opens the page and returns once it is shown. `Unavailable` when the host has none.
    async fn open_host_settings(&self, app: &AppId) -> Result<(), BridgeError>;
}

/// Records which apps asked for their settings page.
#[derive(Debug, Default)]
pub struct RecordingSettings {
    opened: Mutex<Vec<AppId>>,
}

impl RecordingSettings {
    /// The apps whose settings page was opened, in order.
    pub fn opened(&self) -> Vec<AppId> {
        self.opened.lock().unwrap().clone()
    }
}

#[async_trait]
impl SettingsService for RecordingSettings {
    async fn open_host_settings(&self, app: &AppId) -> Result<(), BridgeError> {
        self.opened.lock().unwrap().push(app.clone());
        Ok(())
    }
}

/// Where one declared permission stands: the host's policy first, then the user's answer for a
/// sensitive one; `active` is this instance's grant.
fn status(ctx: &AppContext, p: Permission) -> PermissionStatus {
    let state = if ctx.host.withheld.contains(p) {
        PermissionState::Denied
    } else if !p.is_sensitive() {
        PermissionState::Granted
    } else {
        match ctx.host.consent.answer(&ctx.app, p) {
            Some(true) => PermissionState::Granted,
            Some(false) => PermissionState::Denied,
            None => PermissionState::NotAsked,
        }
    };
    PermissionStatus {
        permission: p,
        state,
        active: ctx.grants.contains(p),
    }
}

pub(crate) fn permissions(ctx: &AppContext) -> Vec<PermissionStatus> {
    ctx.declared.iter().map(|p| status(ctx, p)).collect()
}

pub(crate) async fn request(ctx: &AppContext, name: &str) -> Result<PermissionStatus, BridgeError> {
    let p = Permission::from_name(name)
        .ok_or_else(|| BridgeError::invalid(format!("`{name}` is not a permission")))?;
    if !ctx.declared.contains(p) {
        return Err(BridgeError::invalid(format!(
            "`{p}` is not declared in this mini-program's manifest"
        )));
    }
    let current = status(ctx, p);
    if current.state == PermissionState::Granted
        || ctx.host.withheld.contains(p)
        || !p.is_sensitive()
    {
        return Ok(current);
    }
    {
        let mut asked = ctx.asked_again.lock().unwrap();
        if asked.contains(p) {
            return Ok(current);
        }
        asked.insert(p);
    }
    let granted = ctx.service::<dyn ConsentService>().ask(&ctx.app, p).await;
    ctx.host
        .consent
        .remember(&ctx.app, p, Some(granted))
        .map_err(|e| BridgeError::Internal(format!("remembering the answer: {e}")))?;
    ctx.host.audit.record(
        "consent",
        Some(&ctx.app),
        json!({"permission": p.as_str(), "granted": granted, "via": Method::SettingsRequest.name()}),
    );
    Ok(status(ctx, p))
}

pub(crate) async fn open_host_settings(ctx: &AppContext) -> Result<(), BridgeError> {
    ctx.service::<dyn SettingsService>()
        .open_host_settings(&ctx.app)
        .await
}

impl From<PermissionStatus> for wit::PermissionStatus {
    fn from(s: PermissionStatus) -> Self {
        wit::PermissionStatus {
            permission: s.permission.as_str().to_owned(),
            state: match s.state {
                PermissionState::Granted => wit::PermissionState::Granted,
                PermissionState::Denied => wit::PermissionState::Denied,
                PermissionState::NotAsked => wit::PermissionState::NotAsked,
            },
            active: s.active,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn permissions(&mut self) -> WitResult<Vec<wit::PermissionStatus>> {
        let ctx = self.ctx;
        let r = bridge_call(ctx, Method::SettingsPermissions, G, no_params, || async {
            Ok(permissions(ctx))
        })
        .await;
        Ok(r.map(|v| v.into_iter().map(Into::into).collect())
            .map_err(Into::into))
    }
    async fn request(&mut self, permission: String) -> WitResult<wit::PermissionStatus> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::SettingsRequest,
                G,
                || json!({"permission": &permission}),
                || request(ctx, &permission),
            )
            .await,
        )
    }
    async fn open_host_settings(&mut self) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::SettingsOpenHostSettings, G, no_params, || {
                open_host_settings(ctx)
            })
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestParams {
    permission: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::SettingsPermissions => {
                params::<NoParams>(method, &p)?;
                super::capability::json(permissions(ctx))
            }
            Method::SettingsRequest => {
                let RequestParams { permission } = params(method, &p)?;
                super::capability::json(request(ctx, &permission).await?)
            }
            Method::SettingsOpenHostSettings => {
                params::<NoParams>(method, &p)?;
                open_host_settings(ctx).await.map(|()| Value::Null)
            }
            _ => Err(BridgeError::Internal(format!(
                "settings does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::consent::ScriptedConsent;
    use crate::capabilities::testing::context_declaring;
    use miniapp_contract::PermissionSet;
    use std::sync::Arc;

    fn set(ps: &[Permission]) -> PermissionSet {
        ps.iter().collect()
    }

    struct Setup {
        ctx: AppContext,
        consent: Arc<ScriptedConsent>,
        settings: Arc<RecordingSettings>,
        _home: tempfile::TempDir,
    }

    /// Declares storage, location and clipboard; grants storage and clipboard; withholds
    /// clipboard by host policy (so it is not granted either).
    fn setup(consent: ScriptedConsent) -> Setup {
        let consent = Arc::new(consent);
        let settings = Arc::new(RecordingSettings::default());
        let mut services = super::super::HostServices::development();
        services.consent = consent.clone();
        services.settings = settings.clone();
        let (ctx, home) = context_declaring(
            "com.acme.a",
            set(&[
                Permission::Storage,
                Permission::Location,
                Permission::Clipboard,
            ]),
            set(&[Permission::Storage]),
            set(&[Permission::Clipboard]),
            services,
        );
        Setup {
            ctx,
            consent,
            settings,
            _home: home,
        }
    }

    fn st(p: Permission, state: PermissionState, active: bool) -> Value {
        json!(PermissionStatus {
            permission: p,
            state,
            active
        })
    }

    #[tokio::test]
    async fn permissions_report_policy_answers_and_the_instances_grants() {
        let s = setup(ScriptedConsent::allow_all());
        let v = json(&s.ctx, Method::SettingsPermissions, Value::Null)
            .await
            .unwrap();
        assert_eq!(
            v,
            json!([
                st(Permission::Storage, PermissionState::Granted, true),
                st(Permission::Location, PermissionState::NotAsked, false),
                st(Permission::Clipboard, PermissionState::Denied, false),
            ])
        );
        s.ctx
            .host
            .consent
            .remember(&s.ctx.app, Permission::Location, Some(false))
            .unwrap();
        let v = json(&s.ctx, Method::SettingsPermissions, json!({}))
            .await
            .unwrap();
        assert_eq!(v[1]["state"], "denied");
        assert!(s.consent.prompts().is_empty(), "reporting asks nobody");
    }

    #[tokio::test]
    async fn request_asks_once_per_launch_and_remembers_for_the_next() {
        let s = setup(ScriptedConsent::allow_all());
        let p = json!({"permission": "location"});
        let v = json(&s.ctx, Method::SettingsRequest, p.clone())
            .await
            .unwrap();
        assert_eq!(v, st(Permission::Location, PermissionState::Granted, false));
        assert_eq!(s.consent.prompts().len(), 1);
        assert_eq!(
            s.ctx.host.consent.answer(&s.ctx.app, Permission::Location),
            Some(true)
        );
        // Granted now: asking again reports it without a prompt.
        json(&s.ctx, Method::SettingsRequest, p).await.unwrap();
        assert_eq!(s.consent.prompts().len(), 1);

        let s = setup(ScriptedConsent::declining(&[Permission::Location]));
        for _ in 0..3 {
            let v = json(
                &s.ctx,
                Method::SettingsRequest,
                json!({"permission": "location"}),
            )
            .await
            .unwrap();
            assert_eq!(v, st(Permission::Location, PermissionState::Denied, false));
        }
        assert_eq!(s.consent.prompts().len(), 1, "no nagging: once per launch");
    }

    #[tokio::test]
    async fn request_never_asks_past_the_policy_or_the_manifest() {
        let s = setup(ScriptedConsent::allow_all());
        // Withheld by the host: reported denied, nobody asked.
        let v = json(
            &s.ctx,
            Method::SettingsRequest,
            json!({"permission": "clipboard"}),
        )
        .await
        .unwrap();
        assert_eq!(v, st(Permission::Clipboard, PermissionState::Denied, false));
        // Not sensitive: reported as granted.
        let v = json(
            &s.ctx,
            Method::SettingsRequest,
            json!({"permission": "storage"}),
        )
        .await
        .unwrap();
        assert_eq!(v, st(Permission::Storage, PermissionState::Granted, true));
        for p in [
            json!({"permission": "payment"}),
            json!({"permission": "microphone"}),
            json!({"permission": ""}),
            json!({"permission": "location\u{0}"}),
            json!({"permission": 3}),
            json!({}),
        ] {
            let e = json(&s.ctx, Method::SettingsRequest, p.clone())
                .await
                .unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{p}");
        }
        assert!(s.consent.prompts().is_empty());
        assert_eq!(
            s.ctx.host.consent.answer(&s.ctx.app, Permission::Payment),
            None
        );
    }

    #[tokio::test]
    async fn open_host_settings_reaches_the_host_for_this_app() {
        let s = setup(ScriptedConsent::allow_all());
        json(&s.ctx, Method::SettingsOpenHostSettings, Value::Null)
            .await
            .unwrap();
        let e = json(
            &s.ctx,
            Method::SettingsOpenHostSettings,
            json!({"app": "com.other"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        assert_eq!(s.settings.opened(), std::slice::from_ref(&s.ctx.app));
    }
}
