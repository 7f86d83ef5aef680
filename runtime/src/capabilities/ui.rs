//! `ui`: toasts, modal dialogs, action sheets, the loading indicator, the date picker,
//! navigation and the navigation bar of the host.

use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_contract::limits::{self, is_calendar_date, is_hex_color};
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::ui as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Ui, wit, redact: None);

/// The host's native UI. `modal`, `action_sheet` and `pick_date` wait for the user. The methods
/// with a default answer `Unavailable`, as a host without that piece of UI would.
#[async_trait]
pub trait UiService: Send + Sync {
    /// Index of the chosen item, or `Err(Cancelled)` when dismissed.
    async fn action_sheet(&self, app: &AppId, items: &[String]) -> Result<u32, BridgeError> {
        let _ = (app, items);
        Err(unavailable("action sheets"))
    }
    async fn show_loading(&self, app: &AppId, title: &str) -> Result<(), BridgeError> {
        let _ = (app, title);
        Err(unavailable("a loading indicator"))
    }
    async fn hide_loading(&self, app: &AppId) -> Result<(), BridgeError> {
        let _ = app;
        Err(unavailable("a loading indicator"))
    }
    /// `front` is `#ffffff` or `#000000`, `background` `#rrggbb` (checked before the call).
    async fn set_navigation_bar_color(
        &self,
        app: &AppId,
        front: &str,
        background: &str,
    ) -> Result<(), BridgeError> {
        let _ = (app, front, background);
        Err(unavailable("a coloured navigation bar"))
    }
    /// The chosen date `YYYY-MM-DD` within `start..=end`, or `Err(Cancelled)` when dismissed.
    async fn pick_date(
        &self,
        app: &AppId,
        initial: &str,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Result<String, BridgeError> {
        let _ = (app, initial, start, end);
        Err(unavailable("a date picker"))
    }
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

fn unavailable(what: &str) -> BridgeError {
    BridgeError::Unavailable(format!("this host has no {what}"))
}

/// One thing the UI was asked to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiEvent {
    ActionSheet {
        items: Vec<String>,
        chose: u32,
    },
    /// `Some(title)`: shown; `None`: hidden.
    Loading(Option<String>),
    BarColor {
        front: String,
        background: String,
    },
    DatePicker {
        initial: String,
        chose: String,
    },
    Toast(String),
    Modal {
        title: String,
        buttons: Vec<String>,
        chose: u32,
    },
    Navigate(String),
    Title(String),
}

/// Records what it was asked to show; modals and action sheets choose the first entry, date
/// pickers the initial date.
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
    async fn action_sheet(&self, app: &AppId, items: &[String]) -> Result<u32, BridgeError> {
        let items = items.to_vec();
        self.push(app, UiEvent::ActionSheet { items, chose: 0 });
        Ok(0)
    }
    async fn show_loading(&self, app: &AppId, title: &str) -> Result<(), BridgeError> {
        self.push(app, UiEvent::Loading(Some(title.into())));
        Ok(())
    }
    async fn hide_loading(&self, app: &AppId) -> Result<(), BridgeError> {
        self.push(app, UiEvent::Loading(None));
        Ok(())
    }
    async fn set_navigation_bar_color(
        &self,
        app: &AppId,
        front: &str,
        background: &str,
    ) -> Result<(), BridgeError> {
        let (front, background) = (front.into(), background.into());
        self.push(app, UiEvent::BarColor { front, background });
        Ok(())
    }
    async fn pick_date(
        &self,
        app: &AppId,
        initial: &str,
        _start: Option<&str>,
        _end: Option<&str>,
    ) -> Result<String, BridgeError> {
        let chose = initial.to_owned();
        let event = UiEvent::DatePicker {
            initial: initial.to_owned(),
            chose: chose.clone(),
        };
        self.push(app, event);
        Ok(chose)
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

pub(crate) async fn action_sheet(ctx: &AppContext, items: &[String]) -> Result<u32, BridgeError> {
    if items.is_empty() || items.len() > limits::ACTION_SHEET_ITEMS_MAX {
        return Err(BridgeError::invalid(format!(
            "an action sheet has 1 to {} items",
            limits::ACTION_SHEET_ITEMS_MAX
        )));
    }
    for item in items {
        bounded("item", item, limits::LABEL_BYTES)?;
    }
    let chosen = ctx
        .service::<dyn UiService>()
        .action_sheet(&ctx.app, items)
        .await?;
    if chosen as usize >= items.len() {
        return Err(BridgeError::Internal(
            "the UI chose an item that does not exist".into(),
        ));
    }
    Ok(chosen)
}

pub(crate) async fn show_loading(ctx: &AppContext, title: &str) -> Result<(), BridgeError> {
    bounded("title", title, limits::TITLE_BYTES)?;
    ctx.service::<dyn UiService>()
        .show_loading(&ctx.app, title)
        .await
}

pub(crate) async fn hide_loading(ctx: &AppContext) -> Result<(), BridgeError> {
    ctx.service::<dyn UiService>().hide_loading(&ctx.app).await
}

pub(crate) async fn set_navigation_bar_color(
    ctx: &AppContext,
    front: &str,
    background: &str,
) -> Result<(), BridgeError> {
    if front != "#ffffff" && front != "#000000" {
        return Err(BridgeError::invalid(
            "frontColor must be #ffffff or #000000",
        ));
    }
    if !is_hex_color(background) {
        return Err(BridgeError::invalid("backgroundColor must be #rrggbb"));
    }
    ctx.service::<dyn UiService>()
        .set_navigation_bar_color(&ctx.app, front, background)
        .await
}

pub(crate) async fn pick_date(
    ctx: &AppContext,
    initial: &str,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<String, BridgeError> {
    for (what, date) in [("initial", Some(initial)), ("start", start), ("end", end)] {
        if let Some(d) = date
            && !is_calendar_date(d)
        {
            return Err(BridgeError::invalid(format!(
                "{what} must be a calendar date YYYY-MM-DD"
            )));
        }
    }
    let within = |d: &str| start.is_none_or(|s| s <= d) && end.is_none_or(|e| d <= e);
    if !within(initial) {
        return Err(BridgeError::invalid("initial must lie within start..end"));
    }
    let chosen = ctx
        .service::<dyn UiService>()
        .pick_date(&ctx.app, initial, start, end)
        .await?;
    if !is_calendar_date(&chosen) || !within(&chosen) {
        return Err(BridgeError::Internal(
            "the UI chose a date outside the picker's range".into(),
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
    async fn action_sheet(&mut self, items: Vec<String>) -> WitResult<u32> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiActionSheet,
                G,
                || json!({"items": &items}),
                || async { action_sheet(ctx, &items).await },
            )
            .await,
        )
    }
    async fn show_loading(&mut self, title: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiShowLoading,
                G,
                || json!({"title": &title}),
                || async { show_loading(ctx, &title).await },
            )
            .await,
        )
    }
    async fn hide_loading(&mut self) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiHideLoading,
                G,
                super::capability::no_params,
                || async { hide_loading(ctx).await },
            )
            .await,
        )
    }
    async fn set_navigation_bar_color(
        &mut self,
        front: String,
        background: String,
    ) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiSetNavigationBarColor,
                G,
                || json!({"frontColor": &front, "backgroundColor": &background}),
                || async { set_navigation_bar_color(ctx, &front, &background).await },
            )
            .await,
        )
    }
    async fn pick_date(
        &mut self,
        initial: String,
        start: Option<String>,
        end: Option<String>,
    ) -> WitResult<String> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::UiPickDate,
                G,
                || json!({"initial": &initial, "start": &start, "end": &end}),
                || async { pick_date(ctx, &initial, start.as_deref(), end.as_deref()).await },
            )
            .await,
        )
    }
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemsParams {
    items: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BarColorParams {
    front_color: String,
    background_color: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DateParams {
    initial: String,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
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
            Method::UiActionSheet => {
                let ItemsParams { items } = params(method, &p)?;
                Ok(Value::from(action_sheet(ctx, &items).await?))
            }
            Method::UiShowLoading => {
                let TitleParams { title } = params(method, &p)?;
                show_loading(ctx, &title).await.map(|()| Value::Null)
            }
            Method::UiHideLoading => {
                params::<NoParams>(method, &p)?;
                hide_loading(ctx).await.map(|()| Value::Null)
            }
            Method::UiSetNavigationBarColor => {
                let BarColorParams {
                    front_color,
                    background_color,
                } = params(method, &p)?;
                set_navigation_bar_color(ctx, &front_color, &background_color)
                    .await
                    .map(|()| Value::Null)
            }
            Method::UiPickDate => {
                let DateParams {
                    initial,
                    start,
                    end,
                } = params(method, &p)?;
                let chosen = pick_date(ctx, &initial, start.as_deref(), end.as_deref()).await?;
                Ok(Value::from(chosen))
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

    #[tokio::test]
    async fn sheets_loading_bar_colour_and_dates() {
        let ui = Arc::new(RecordingUi::default());
        let mut services = super::super::HostServices::development();
        services.ui = ui.clone();
        let (ctx, _h) = context_with("com.acme.a", &[Permission::Ui], services);
        let call = |m, p| json(&ctx, m, p);
        assert_eq!(
            call(Method::UiActionSheet, json!({"items": ["Edit", "Delete"]}))
                .await
                .unwrap(),
            json!(0)
        );
        call(Method::UiShowLoading, json!({"title": "Saving"}))
            .await
            .unwrap();
        call(Method::UiHideLoading, Value::Null).await.unwrap();
        call(
            Method::UiSetNavigationBarColor,
            json!({"frontColor": "#ffffff", "backgroundColor": "#1a2B3c"}),
        )
        .await
        .unwrap();
        let date = json!({"initial": "2024-02-29", "start": "2024-01-01", "end": "2024-12-31"});
        assert_eq!(call(Method::UiPickDate, date).await.unwrap(), "2024-02-29");
        assert_eq!(ui.events().len(), 5);

        for (m, p) in [
            (Method::UiActionSheet, json!({"items": []})),
            (
                Method::UiActionSheet,
                json!({"items": ["1", "2", "3", "4", "5", "6", "7"]}),
            ),
            (Method::UiActionSheet, json!({"items": [""]})),
            (Method::UiShowLoading, json!({"title": ""})),
            (Method::UiHideLoading, json!({"now": true})),
            (
                Method::UiSetNavigationBarColor,
                json!({"frontColor": "#ff0000", "backgroundColor": "#000000"}),
            ),
            (
                Method::UiSetNavigationBarColor,
                json!({"frontColor": "#000000", "backgroundColor": "red"}),
            ),
            (Method::UiPickDate, json!({"initial": "2023-02-29"})),
            (
                Method::UiPickDate,
                json!({"initial": "2024-01-01", "start": "2024-06-01"}),
            ),
            (
                Method::UiPickDate,
                json!({"initial": "2024-01-01", "end": "2023-12-31"}),
            ),
            (
                Method::UiPickDate,
                json!({"initial": "2024-01-01", "end": "31.12.2024"}),
            ),
        ] {
            let e = call(m, p.clone()).await.unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{m} {p}");
        }
        assert_eq!(ui.events().len(), 5, "bad input reached no UI");
    }

    /// A UI whose date picker answers a date outside the range: the host's mistake, not the app's.
    struct WrongDate;

    #[async_trait]
    impl UiService for WrongDate {
        async fn toast(&self, _: &AppId, _: &str) {}
        async fn modal(
            &self,
            _: &AppId,
            _: &str,
            _: &str,
            _: &[String],
        ) -> Result<u32, BridgeError> {
            Err(BridgeError::Cancelled)
        }
        async fn navigate(&self, _: &AppId, _: &str) {}
        async fn set_title(&self, _: &AppId, _: &str) {}
        async fn pick_date(
            &self,
            _: &AppId,
            _: &str,
            _: Option<&str>,
            _: Option<&str>,
        ) -> Result<String, BridgeError> {
            Ok("1999-01-01".into())
        }
    }

    #[tokio::test]
    async fn host_answers_out_of_range_and_missing_ui_pieces() {
        let mut services = super::super::HostServices::development();
        services.ui = Arc::new(WrongDate);
        let (ctx, _h) = context_with("com.acme.a", &[Permission::Ui], services);
        let e = json(
            &ctx,
            Method::UiPickDate,
            json!({"initial": "2024-01-01", "start": "2024-01-01"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "INTERNAL");
        let e = json(&ctx, Method::UiShowLoading, json!({"title": "t"}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE", "the trait's default");
    }
}
