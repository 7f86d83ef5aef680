//! `navigation`: opening another mini-program or a web page (the user agrees each time), and
//! exiting.

use std::collections::BTreeSet;
use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_contract::limits;
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::navigation as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Navigation, wit, redact: None);

/// The host's navigation. Opening asks the user first: `Cancelled` when they decline.
#[async_trait]
pub trait NavigationService: Send + Sync {
    /// `NotFound` when the host knows no mini-program `target`.
    async fn open_mini_program(
        &self,
        from: &AppId,
        target: &AppId,
        path: Option<&str>,
        extra_data: Option<&str>,
    ) -> Result<(), BridgeError>;
    async fn open_url(&self, app: &AppId, url: &str) -> Result<(), BridgeError>;
    /// Closes `app` once its current launch or event returns.
    async fn exit(&self, app: &AppId) -> Result<(), BridgeError>;
}

/// One navigation the host performed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Navigation {
    MiniProgram {
        target: AppId,
        path: Option<String>,
        extra_data: Option<String>,
    },
    Url(String),
    Exit,
}

/// Knows the mini-programs it was given, asks a user who always agrees (or, with
/// [`RecordingNavigator::declining`], always declines), and records what it opened.
#[derive(Debug, Default)]
pub struct RecordingNavigator {
    known: BTreeSet<AppId>,
    declines: bool,
    done: Mutex<Vec<(AppId, Navigation)>>,
}

impl RecordingNavigator {
    /// A navigator that knows these mini-programs (every other id is `NotFound`).
    pub fn knowing(apps: &[&str]) -> Self {
        RecordingNavigator {
            known: apps.iter().filter_map(|a| AppId::parse(a).ok()).collect(),
            ..RecordingNavigator::default()
        }
    }

    /// The user declines every prompt.
    pub fn declining(mut self) -> Self {
        self.declines = true;
        self
    }

    /// What was opened (or exited), by which app, in order.
    pub fn done(&self) -> Vec<(AppId, Navigation)> {
        self.done.lock().unwrap().clone()
    }

    fn record(&self, app: &AppId, n: Navigation, asks: bool) -> Result<(), BridgeError> {
        if asks && self.declines {
            return Err(BridgeError::Cancelled);
        }
        self.done.lock().unwrap().push((app.clone(), n));
        Ok(())
    }
}

#[async_trait]
impl NavigationService for RecordingNavigator {
    async fn open_mini_program(
        &self,
        from: &AppId,
        target: &AppId,
        path: Option<&str>,
        extra_data: Option<&str>,
    ) -> Result<(), BridgeError> {
        if !self.known.contains(target) {
            return Err(BridgeError::NotFound);
        }
        let n = Navigation::MiniProgram {
            target: target.clone(),
            path: path.map(str::to_owned),
            extra_data: extra_data.map(str::to_owned),
        };
        self.record(from, n, true)
    }
    async fn open_url(&self, app: &AppId, url: &str) -> Result<(), BridgeError> {
        self.record(app, Navigation::Url(url.into()), true)
    }
    async fn exit(&self, app: &AppId) -> Result<(), BridgeError> {
        self.record(app, Navigation::Exit, false)
    }
}

pub(crate) async fn open_mini_program(
    ctx: &AppContext,
    app_id: &str,
    path: Option<&str>,
    extra_data: Option<&str>,
) -> Result<(), BridgeError> {
    let target = AppId::parse(app_id).map_err(|e| BridgeError::invalid(format!("appId: {e}")))?;
    if target == ctx.app {
        return Err(BridgeError::invalid(
            "appId is this mini-program's own id; use ui.navigate within it",
        ));
    }
    if let Some(p) = path
        && (!p.starts_with('/') || p.len() > 1000 || p.contains('\0'))
    {
        return Err(BridgeError::invalid(
            "path must start with `/` and be at most 1000 bytes",
        ));
    }
    if extra_data.is_some_and(|d| d.len() > limits::EXTRA_DATA_BYTES) {
        return Err(BridgeError::invalid(format!(
            "extraData must be at most {} bytes",
            limits::EXTRA_DATA_BYTES
        )));
    }
    ctx.service::<dyn NavigationService>()
        .open_mini_program(&ctx.app, &target, path, extra_data)
        .await
}

pub(crate) async fn open_url(ctx: &AppContext, url: &str) -> Result<(), BridgeError> {
    if !limits::is_web_url(url) {
        return Err(BridgeError::invalid(format!(
            "url must be http(s)://host... and at most {} bytes",
            limits::URL_BYTES
        )));
    }
    ctx.service::<dyn NavigationService>()
        .open_url(&ctx.app, url)
        .await
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn open_mini_program(
        &mut self,
        app_id: String,
        path: Option<String>,
        extra_data: Option<String>,
    ) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::NavigationOpenMiniProgram,
                G,
                || json!({"appId": &app_id, "path": &path, "extraData": &extra_data}),
                || async {
                    open_mini_program(ctx, &app_id, path.as_deref(), extra_data.as_deref()).await
                },
            )
            .await,
        )
    }
    async fn open_url(&mut self, url: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::NavigationOpenUrl,
                G,
                || json!({"url": &url}),
                || async { open_url(ctx, &url).await },
            )
            .await,
        )
    }
    async fn exit(&mut self) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::NavigationExit, G, no_params, || async {
                ctx.service::<dyn NavigationService>().exit(&ctx.app).await
            })
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct OpenMiniProgramParams {
    app_id: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    extra_data: Option<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UrlParams {
    url: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::NavigationOpenMiniProgram => {
                let OpenMiniProgramParams {
                    app_id,
                    path,
                    extra_data,
                } = params(method, &p)?;
                open_mini_program(ctx, &app_id, path.as_deref(), extra_data.as_deref()).await?;
                Ok(Value::Null)
            }
            Method::NavigationOpenUrl => {
                let UrlParams { url } = params(method, &p)?;
                open_url(ctx, &url).await.map(|()| Value::Null)
            }
            Method::NavigationExit => {
                params::<NoParams>(method, &p)?;
                ctx.service::<dyn NavigationService>()
                    .exit(&ctx.app)
                    .await?;
                Ok(Value::Null)
            }
            _ => Err(BridgeError::Internal(format!(
                "navigation does not serve {method}"
            ))),
        }
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
        nav: &Arc<RecordingNavigator>,
        grants: &[Permission],
    ) -> (AppContext, tempfile::TempDir) {
        let mut services = super::super::HostServices::development();
        services.navigation = nav.clone();
        context_with("com.acme.a", grants, services)
    }

    #[tokio::test]
    async fn opens_known_apps_and_web_pages_and_exits() {
        let nav = Arc::new(RecordingNavigator::knowing(&["com.globex.b"]));
        let (ctx, _h) = with(&nav, &[Permission::Navigation]);
        let open = json!({"appId": "com.globex.b", "path": "/offer", "extraData": "{\"x\":1}"});
        json(&ctx, Method::NavigationOpenMiniProgram, open)
            .await
            .unwrap();
        json(
            &ctx,
            Method::NavigationOpenUrl,
            json!({"url": "https://acme.example/terms"}),
        )
        .await
        .unwrap();
        json(&ctx, Method::NavigationExit, Value::Null)
            .await
            .unwrap();
        let done: Vec<Navigation> = nav.done().into_iter().map(|(_, n)| n).collect();
        assert_eq!(done.len(), 3);
        assert_eq!(
            done[1],
            Navigation::Url("https://acme.example/terms".into())
        );
        assert_eq!(done[2], Navigation::Exit);
    }

    #[tokio::test]
    async fn unknown_apps_bad_input_declines_and_denial() {
        let nav = Arc::new(RecordingNavigator::knowing(&["com.globex.b"]));
        let (ctx, _h) = with(&nav, &[Permission::Navigation]);
        let open = |p: Value| json(&ctx, Method::NavigationOpenMiniProgram, p);
        assert_eq!(
            open(json!({"appId": "com.globex.zzz"})).await.unwrap_err(),
            BridgeError::NotFound
        );
        let big = "x".repeat(limits::EXTRA_DATA_BYTES + 1);
        for bad in [
            json!({"appId": "not an id"}),
            json!({"appId": "com.acme.a"}),
            json!({"appId": "com.globex.b", "path": "offer"}),
            json!({"appId": "com.globex.b", "extraData": big}),
            json!({}),
        ] {
            assert_eq!(
                open(bad.clone()).await.unwrap_err().code(),
                "INVALID_ARGUMENT",
                "{bad}"
            );
        }
        for url in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "ftp://x.example",
        ] {
            let e = json(&ctx, Method::NavigationOpenUrl, json!({"url": url}))
                .await
                .unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{url}");
        }
        assert!(nav.done().is_empty());

        let declining = Arc::new(RecordingNavigator::knowing(&["com.globex.b"]).declining());
        let (ctx, _h) = with(&declining, &[Permission::Navigation]);
        let e = json(
            &ctx,
            Method::NavigationOpenUrl,
            json!({"url": "https://acme.example"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e, BridgeError::Cancelled);

        let (ctx, _h) = with(&nav, &[Permission::Ui]);
        let e = json(&ctx, Method::NavigationExit, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);
        assert!(nav.done().is_empty() && declining.done().is_empty());
    }
}
