//! `notifications` (permission `notifications`, sensitive: consent is asked once per app): the
//! device's notification permission, local notifications, and subscriptions to the partner's
//! push messages.

use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_contract::limits::{
    NOTIFICATION_BODY_BYTES, NOTIFICATION_TITLE_BYTES, is_notification_name,
};
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::notifications as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Notifications, wit, redact: None);

/// One local notification, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalNotification {
    pub id: String,
    pub title: String,
    pub body: String,
    /// Unix seconds, in the future when scheduled.
    pub at: u64,
}

/// The device's notifications. `Unavailable` when the device does not allow them.
#[async_trait]
pub trait NotificationService: Send + Sync {
    /// Asks the system permission if not asked yet; whether notifications can be shown.
    async fn request_permission(&self, app: &AppId) -> Result<bool, BridgeError>;
    async fn schedule(&self, app: &AppId, n: &LocalNotification) -> Result<(), BridgeError>;
    async fn subscribe(&self, app: &AppId, topic: &str) -> Result<(), BridgeError>;
}

/// Records what it is asked; the system permission is granted unless [`Self::system_denied`].
#[derive(Debug, Default)]
pub struct RecordingNotifications {
    denied: bool,
    scheduled: Mutex<Vec<(AppId, LocalNotification)>>,
    topics: Mutex<Vec<(AppId, String)>>,
}

impl RecordingNotifications {
    /// The user turned notifications off for the host app.
    pub fn system_denied() -> Self {
        RecordingNotifications {
            denied: true,
            ..Default::default()
        }
    }
    pub fn scheduled(&self) -> Vec<(AppId, LocalNotification)> {
        self.scheduled.lock().unwrap().clone()
    }
    pub fn topics(&self) -> Vec<(AppId, String)> {
        self.topics.lock().unwrap().clone()
    }
}

#[async_trait]
impl NotificationService for RecordingNotifications {
    async fn request_permission(&self, _app: &AppId) -> Result<bool, BridgeError> {
        Ok(!self.denied)
    }
    async fn schedule(&self, app: &AppId, n: &LocalNotification) -> Result<(), BridgeError> {
        if self.denied {
            return Err(BridgeError::Unavailable("notifications are off".into()));
        }
        let mut all = self.scheduled.lock().unwrap();
        all.retain(|(a, old)| !(a == app && old.id == n.id));
        all.push((app.clone(), n.clone()));
        Ok(())
    }
    async fn subscribe(&self, app: &AppId, topic: &str) -> Result<(), BridgeError> {
        let mut topics = self.topics.lock().unwrap();
        if !topics.iter().any(|(a, t)| a == app && t == topic) {
            topics.push((app.clone(), topic.to_owned()));
        }
        Ok(())
    }
}

pub(crate) async fn request_permission(ctx: &AppContext) -> Result<bool, BridgeError> {
    ctx.service::<dyn NotificationService>()
        .request_permission(&ctx.app)
        .await
}

pub(crate) async fn schedule(ctx: &AppContext, n: LocalNotification) -> Result<(), BridgeError> {
    if !is_notification_name(&n.id) {
        return Err(BridgeError::invalid(
            "id must be 1 to 64 bytes of a-z, 0-9, `.`, `_`, `-`",
        ));
    }
    if n.title.trim().is_empty() || n.title.len() > NOTIFICATION_TITLE_BYTES {
        return Err(BridgeError::invalid(format!(
            "title must be 1 to {NOTIFICATION_TITLE_BYTES} bytes"
        )));
    }
    if n.body.len() > NOTIFICATION_BODY_BYTES {
        return Err(BridgeError::invalid(format!(
            "body must be at most {NOTIFICATION_BODY_BYTES} bytes"
        )));
    }
    if n.at <= crate::tokens::now_unix() {
        return Err(BridgeError::invalid(
            "at must be in the future (Unix seconds)",
        ));
    }
    ctx.service::<dyn NotificationService>()
        .schedule(&ctx.app, &n)
        .await
}

pub(crate) async fn subscribe(ctx: &AppContext, topic: &str) -> Result<(), BridgeError> {
    if !is_notification_name(topic) {
        return Err(BridgeError::invalid(
            "topic must be 1 to 64 bytes of a-z, 0-9, `.`, `_`, `-`",
        ));
    }
    ctx.service::<dyn NotificationService>()
        .subscribe(&ctx.app, topic)
        .await
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn request_permission(&mut self) -> WitResult<bool> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::NotificationsRequestPermission,
                G,
                no_params,
                || request_permission(ctx),
            )
            .await,
        )
    }
    async fn schedule(
        &mut self,
        id: String,
        title: String,
        body: String,
        at: u64,
    ) -> WitResult<()> {
        let ctx = self.ctx;
        let n = LocalNotification {
            id,
            title,
            body,
            at,
        };
        to_wit(
            bridge_call(
                ctx,
                Method::NotificationsSchedule,
                G,
                || json!({"id": &n.id, "title": &n.title, "body": &n.body, "at": n.at}),
                || schedule(ctx, n.clone()),
            )
            .await,
        )
    }
    async fn subscribe(&mut self, topic: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::NotificationsSubscribe,
                G,
                || json!({"topic": &topic}),
                || subscribe(ctx, &topic),
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleParams {
    id: String,
    title: String,
    body: String,
    at: u64,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicParams {
    topic: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::NotificationsRequestPermission => {
                params::<NoParams>(method, &p)?;
                request_permission(ctx).await.map(Value::Bool)
            }
            Method::NotificationsSchedule => {
                let ScheduleParams {
                    id,
                    title,
                    body,
                    at,
                } = params(method, &p)?;
                schedule(
                    ctx,
                    LocalNotification {
                        id,
                        title,
                        body,
                        at,
                    },
                )
                .await
                .map(|()| Value::Null)
            }
            Method::NotificationsSubscribe => {
                let TopicParams { topic } = params(method, &p)?;
                subscribe(ctx, &topic).await.map(|()| Value::Null)
            }
            _ => Err(BridgeError::Internal(format!(
                "notifications does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context_with;
    use crate::tokens::now_unix;
    use miniapp_package::Permission;
    use std::sync::Arc;

    fn with(
        n: &Arc<RecordingNotifications>,
        grants: &[Permission],
    ) -> (AppContext, tempfile::TempDir) {
        let mut services = super::super::HostServices::development();
        services.notifications = n.clone();
        context_with("com.acme.a", grants, services)
    }

    #[tokio::test]
    async fn schedule_subscribe_and_bad_input() {
        let rec = Arc::new(RecordingNotifications::default());
        let (ctx, _h) = with(&rec, &[Permission::Notifications]);
        let later = now_unix() + 3600;
        assert_eq!(
            json(&ctx, Method::NotificationsRequestPermission, Value::Null)
                .await
                .unwrap(),
            true
        );
        let ok = json!({"id": "due-1", "title": "Payment due", "body": "Tomorrow", "at": later});
        json(&ctx, Method::NotificationsSchedule, ok.clone())
            .await
            .unwrap();
        json(&ctx, Method::NotificationsSchedule, ok).await.unwrap();
        assert_eq!(rec.scheduled().len(), 1, "same id replaces");
        json(
            &ctx,
            Method::NotificationsSubscribe,
            json!({"topic": "offers"}),
        )
        .await
        .unwrap();
        assert_eq!(rec.topics()[0].1, "offers");
        let past = now_unix() - 1;
        for (m, p) in [
            (
                Method::NotificationsSchedule,
                json!({"id": "x", "title": "t", "body": "", "at": past}),
            ),
            (
                Method::NotificationsSchedule,
                json!({"id": "x", "title": "t", "body": "", "at": 0}),
            ),
            (
                Method::NotificationsSchedule,
                json!({"id": "Bad Id", "title": "t", "body": "", "at": later}),
            ),
            (
                Method::NotificationsSchedule,
                json!({"id": "x", "title": "", "body": "", "at": later}),
            ),
            (
                Method::NotificationsSchedule,
                json!({"id": "x", "title": "x".repeat(65), "body": "", "at": later}),
            ),
            (
                Method::NotificationsSchedule,
                json!({"id": "x", "title": "t", "body": "b".repeat(257), "at": later}),
            ),
            (
                Method::NotificationsSchedule,
                json!({"id": "x", "title": "t", "body": "", "at": -5}),
            ),
            (Method::NotificationsSubscribe, json!({"topic": ""})),
            (Method::NotificationsSubscribe, json!({"topic": "../x"})),
        ] {
            let e = json(&ctx, m, p.clone()).await.unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{m} {p}");
        }
        assert_eq!(rec.scheduled().len(), 1);

        let (denied, _h2) = with(&rec, &[Permission::Storage]);
        let e = json(
            &denied,
            Method::NotificationsSubscribe,
            json!({"topic": "t"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);

        let off = Arc::new(RecordingNotifications::system_denied());
        let (ctx, _h3) = with(&off, &[Permission::Notifications]);
        assert_eq!(
            json(&ctx, Method::NotificationsRequestPermission, json!({}))
                .await
                .unwrap(),
            false
        );
        let e = json(
            &ctx,
            Method::NotificationsSchedule,
            json!({"id": "x", "title": "t", "body": "", "at": later}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "UNAVAILABLE");
    }
}
