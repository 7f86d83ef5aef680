//! `updates`: the app's own versions (the one running, the one staged for its next launch) and
//! asking the host to look for a newer one now. No permission guards it (like `settings`): it
//! only reports about and asks for the app itself. What the host does on `check` is its
//! [`UpdateService`]; the runtime's own, over the marketplace, is
//! [`crate::updates::UpdaterService`]. A staged version only ever runs from the next launch.

use async_trait::async_trait;
use miniapp_package::AppId;
use serde_json::Value;

use super::capability::bindings::miniapp::bridge::updates as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Updates, wit, redact: None);

pub use miniapp_contract::wire::UpdateStatus;

/// The host's update check for one app, on the app's request.
#[async_trait]
pub trait UpdateService: Send + Sync {
    /// Looks for a newer version of `app` now and, when there is one this host may run,
    /// downloads, verifies and stages it before returning. `Unavailable` when offline, when
    /// the marketplace fails, or when the host has no marketplace.
    async fn check(&self, app: &AppId) -> Result<(), BridgeError>;
}

/// A host without a marketplace (the development default): every check is `Unavailable`.
#[derive(Debug, Default)]
pub struct NoMarketplace;

#[async_trait]
impl UpdateService for NoMarketplace {
    async fn check(&self, _app: &AppId) -> Result<(), BridgeError> {
        Err(BridgeError::Unavailable(
            "this host has no marketplace to check for updates".into(),
        ))
    }
}

pub(crate) fn status(ctx: &AppContext) -> Result<UpdateStatus, BridgeError> {
    let pending = ctx
        .instance
        .staged(&ctx.app)
        .map_err(|e| BridgeError::Internal(format!("reading the app's versions: {e}")))?;
    if let Some(p) = &pending {
        // The app has seen it: the host's `updateReady` for it would be news to nobody.
        *ctx.instance.update_known.lock().unwrap() = Some(p.clone());
    }
    Ok(UpdateStatus {
        current: ctx.instance.version.to_string(),
        pending: pending.map(|p| p.to_string()),
    })
}

pub(crate) async fn check(ctx: &AppContext) -> Result<UpdateStatus, BridgeError> {
    ctx.service::<dyn UpdateService>().check(&ctx.app).await?;
    status(ctx)
}

impl From<UpdateStatus> for wit::UpdateStatus {
    fn from(s: UpdateStatus) -> Self {
        wit::UpdateStatus {
            current: s.current,
            pending: s.pending,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn status(&mut self) -> WitResult<wit::UpdateStatus> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::UpdatesStatus, G, no_params, || async {
                status(ctx)
            })
            .await,
        )
    }
    async fn check(&mut self) -> WitResult<wit::UpdateStatus> {
        let ctx = self.ctx;
        to_wit(bridge_call(ctx, Method::UpdatesCheck, G, no_params, || check(ctx)).await)
    }
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        params::<NoParams>(method, &p)?;
        match method {
            Method::UpdatesStatus => super::capability::json(status(ctx)?),
            Method::UpdatesCheck => super::capability::json(check(ctx).await?),
            _ => Err(BridgeError::Internal(format!(
                "updates does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context_with;
    use crate::install::AppVersions;
    use crate::state::{InstalledVersions, InstanceInfo};
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    /// An install store stand-in: the versions it reports, and whether reading fails.
    #[derive(Default)]
    struct Versions(Mutex<Option<AppVersions>>);

    impl InstalledVersions for Versions {
        fn versions(&self, _app: &AppId) -> Result<AppVersions, crate::RuntimeError> {
            self.0
                .lock()
                .unwrap()
                .clone()
                .ok_or_else(|| crate::RuntimeError::from(std::io::Error::other("disk gone")))
        }
    }

    /// Stages `version` in `versions` when asked, and counts the checks.
    struct Staging {
        versions: Arc<Versions>,
        version: semver::Version,
        checks: Mutex<u32>,
    }

    #[async_trait]
    impl UpdateService for Staging {
        async fn check(&self, _app: &AppId) -> Result<(), BridgeError> {
            *self.checks.lock().unwrap() += 1;
            let mut v = self.versions.0.lock().unwrap();
            v.get_or_insert_with(Default::default).pending = Some(self.version.clone());
            Ok(())
        }
    }

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    fn with_versions(ctx: &mut AppContext, versions: Arc<Versions>) {
        ctx.instance = Arc::new(InstanceInfo::new(v("1.2.0"), Some(versions), true));
    }

    #[tokio::test]
    async fn status_reports_the_running_version_and_only_a_newer_staged_one() {
        let (mut ctx, _home) = context_with(
            "com.acme.a",
            &[],
            crate::capabilities::HostServices::development(),
        );
        let versions = Arc::new(Versions::default());
        *versions.0.lock().unwrap() = Some(AppVersions::default());
        with_versions(&mut ctx, versions.clone());
        let s = json(&ctx, Method::UpdatesStatus, Value::Null)
            .await
            .unwrap();
        assert_eq!(s, json!({"current": "1.2.0", "pending": null}));

        versions.0.lock().unwrap().as_mut().unwrap().pending = Some(v("1.3.0"));
        let s = json(&ctx, Method::UpdatesStatus, json!({})).await.unwrap();
        assert_eq!(s, json!({"current": "1.2.0", "pending": "1.3.0"}));
        // What this instance already runs (another process activated it meanwhile) is no news.
        versions.0.lock().unwrap().as_mut().unwrap().pending = Some(v("1.2.0"));
        let s = json(&ctx, Method::UpdatesStatus, json!({})).await.unwrap();
        assert_eq!(s["pending"], Value::Null);

        *versions.0.lock().unwrap() = None;
        let e = json(&ctx, Method::UpdatesStatus, json!({}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INTERNAL", "{e}");
        let e = json(&ctx, Method::UpdatesStatus, json!({"app": "com.other"}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }

    #[tokio::test]
    async fn check_asks_the_host_and_reports_what_it_staged() {
        let versions = Arc::new(Versions(Mutex::new(Some(AppVersions::default()))));
        let staging = Arc::new(Staging {
            versions: versions.clone(),
            version: v("2.0.0"),
            checks: Mutex::new(0),
        });
        let mut services = crate::capabilities::HostServices::development();
        services.updates = staging.clone();
        let (mut ctx, _home) = context_with("com.acme.a", &[], services);
        with_versions(&mut ctx, versions);
        let s = json(&ctx, Method::UpdatesCheck, Value::Null).await.unwrap();
        assert_eq!(s, json!({"current": "1.2.0", "pending": "2.0.0"}));
        assert_eq!(*staging.checks.lock().unwrap(), 1);
        // Bad params: the host is not asked.
        let e = json(&ctx, Method::UpdatesCheck, json!({"force": true}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        assert_eq!(*staging.checks.lock().unwrap(), 1);
    }

    #[tokio::test]
    async fn without_a_marketplace_check_is_unavailable() {
        let (ctx, _home) = context_with(
            "com.acme.a",
            &[],
            crate::capabilities::HostServices::development(),
        );
        let e = json(&ctx, Method::UpdatesCheck, json!({}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
        // A development package: nothing can be staged for it.
        let s = json(&ctx, Method::UpdatesStatus, json!({})).await.unwrap();
        assert_eq!(s, json!({"current": "1.0.0", "pending": null}));
    }
}
