//! `ui`: toasts, modal dialogs, navigation and the title bar of the host.

use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::ui as wit;
use super::capability::{Bridge, WitResult, json_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Ui, wit, redact: None);

/// The host's native UI. `modal` waits for the user.
#[async_trait]
pub trait UiService: Send + Sync {
    async fn toast(&self, app: &AppId, message: &str);
    /// Index of the chosen button, or `Err(Cancelled)` when dismissed.
    async fn modal(
        &self,
        app: &AppId,
        title: &str,
        message: &str,
        buttons: &[String],
    ) -> Result<u32, BridgeError>;
    async fn navigate(&self, app: &AppId, route: &str);
    async fn set_title(&self, app: &AppId, title: &str);
}

/// One thing the UI was asked to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiEvent {
    Toast(String),
    Modal {
        title: String,
        buttons: Vec<String>,
        chose: u32,
    },
    Navigate(String),
    Title(String),
}

/// Records what it was asked to show; modals choose the first button.
#[derive(Debug, Default)]
pub struct RecordingUi {
    events: Mutex<Vec<(AppId, UiEvent)>>,
}

impl RecordingUi {
    pub fn events(&self) -> Vec<(AppId, UiEvent)> {
        self.events.lock().unwrap().clone()
    }
    fn push(&self, app: &AppId, e: UiEvent) {
        self.events.lock().unwrap().push((app.clone(), e));
    }
}

#[async_trait]
impl UiService for RecordingUi {
    async fn toast(&self, app: &AppId, message: &str) {
        self.push(app, UiEvent::Toast(message.into()));
    }
    async fn modal(
        &self,
        app: &AppId,
        title: &str,
        _message: &str,
        buttons: &[String],
    ) -> Result<u32, BridgeError> {
        self.push(
            app,
            UiEvent::Modal {
                title: title.into(),
                buttons: buttons.to_vec(),
                chose: 0,
            },
        );
        Ok(0)
    }
    async fn navigate(&self, app: &AppId, route: &str) {
        self.push(app, UiEvent::Navigate(route.into()));
    }
    async fn set_title(&self, app: &AppId, title: &str) {
        self.push(app, UiEvent::Title(title.into()));
    }
}

fn bounded(what: &str, s: &str, max: usize) -> Result<(), BridgeError> {
    if s.is_empty() || s.len() > max {
        return Err(BridgeError::invalid(format!(
            "{what} must be 1 to {max} bytes"
        )));
    }
    Ok(())
}

pub(crate) async fn toast(ctx: &AppContext, message: &str) -> Result<(), BridgeError> {
    bounded("message", message, 500)?;
    ctx.service::<dyn UiService>()
        .toast(&ctx.app, message)
        .await;
    Ok(())
}

pub(crate) async fn modal(
    ctx: &AppContext,
    title: &str,
    message: &str,
    buttons: &[String],
) -> Result<u32, BridgeError> {
    bounded("title", title, 100)?;
    if message.len() > 2000 {
        return Err(BridgeError::invalid("message must be at most 2000 bytes"));
    }
    if !(1..=4).contains(&buttons.len()) {
        return Err(BridgeError::invalid("a modal has 1 to 4 buttons"));
    }
    for b in buttons {
        bounded("button label", b, 40)?;
    }
    let chosen = ctx
        .service::<dyn UiService>()
        .modal(&ctx.app, title, message, buttons)
        .await?;
    if chosen as usize >= buttons.len() {
        return Err(BridgeError::Internal(
            "the UI chose a button that does not exist".into(),
        ));
    }
    Ok(chosen)
}

pub(crate) async fn navigate(ctx: &AppContext, route: &str) -> Result<(), BridgeError> {
    if !route.starts_with('/') || route.len() > 1000 {
        return Err(BridgeError::invalid(
            "route must start with `/` and be at most 1000 bytes",
        ));
    }
    ctx.service::<dyn UiService>()
        .navigate(&ctx.app, route)
        .await;
    Ok(())
}

pub(crate) async fn set_title(ctx: &AppContext, title: &str) -> Result<(), BridgeError> {
    if title.len() > 100 {
        return Err(BridgeError::invalid("title must be at most 100 bytes"));
    }
    ctx.service::<dyn UiService>()
        .set_title(&ctx.app, title)
        .await;
    Ok(())
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn toast(&mut self, message: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiToast,
                G,
                || json!({"message": &message}),
                || async { toast(ctx, &message).await },
            )
            .await,
        )
    }
    async fn modal(
        &mut self,
        title: String,
        message: String,
        buttons: Vec<String>,
    ) -> WitResult<u32> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiModal,
                G,
                || json!({"title": &title, "message": &message, "buttons": &buttons}),
                || async { modal(ctx, &title, &message, &buttons).await },
            )
            .await,
        )
    }
    async fn navigate(&mut self, route: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiNavigate,
                G,
                || json!({"route": &route}),
                || async { navigate(ctx, &route).await },
            )
            .await,
        )
    }
    async fn set_title(&mut self, title: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiSetTitle,
                G,
                || json!({"title": &title}),
                || async { set_title(ctx, &title).await },
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToastParams {
    message: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModalParams {
    title: String,
    message: String,
    buttons: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteParams {
    route: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TitleParams {
    title: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::UiToast => {
                let ToastParams { message } = params(method, &p)?;
                toast(ctx, &message).await.map(|()| Value::Null)
            }
            Method::UiModal => {
                let ModalParams {
                    title,
                    message,
                    buttons,
                } = params(method, &p)?;
                Ok(Value::from(modal(ctx, &title, &message, &buttons).await?))
            }
            Method::UiNavigate => {
                let RouteParams { route } = params(method, &p)?;
                navigate(ctx, &route).await.map(|()| Value::Null)
            }
            Method::UiSetTitle => {
                let TitleParams { title } = params(method, &p)?;
                set_title(ctx, &title).await.map(|()| Value::Null)
            }
            _ => Err(BridgeError::Internal(format!("ui does not serve {method}"))),
        }
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

    #[tokio::test]
    async fn validates_and_records() {
        let ui = Arc::new(RecordingUi::default());
        let mut services = super::super::HostServices::development();
        services.ui = ui.clone();
        let (ctx, _h) = context_with("com.acme.a", &[Permission::Ui], services);
        json(&ctx, Method::UiToast, json!({"message": "hi"}))
            .await
            .unwrap();
        let chosen = json(
            &ctx,
            Method::UiModal,
            json!({"title": "t", "message": "m", "buttons": ["Yes", "No"]}),
        )
        .await
        .unwrap();
        assert_eq!(chosen, json!(0));
        assert_eq!(
            json(&ctx, Method::UiNavigate, json!({"route": "x"}))
                .await
                .unwrap_err()
                .code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            json(&ctx, Method::UiToast, json!({"message": ""}))
                .await
                .unwrap_err()
                .code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            json(
                &ctx,
                Method::UiModal,
                json!({"title": "t", "message": "m", "buttons": []})
            )
            .await
            .unwrap_err()
            .code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(ui.events().len(), 2);
        assert_eq!(ui.events()[0].1, UiEvent::Toast("hi".into()));
    }
}
