//! Lifecycle events for foreign hosts: UniFFI mirrors of the contract's `LifecycleEvent` and
//! `MemoryLevel`, the web bridge's event message, and [`AppSession`], a live component instance
//! the host launches once and then sends events to.

use std::sync::Arc;

use miniapp_runtime::{AppInstance, json_bridge};

use crate::error::MiniappError;
use crate::host::Host;

/// How urgently the system asks for memory back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MemoryLevel {
    /// Memory is getting short: drop caches that can be rebuilt.
    Moderate,
    /// The system is about to end processes: free everything possible now.
    Critical,
}

impl From<MemoryLevel> for miniapp_runtime::MemoryLevel {
    fn from(l: MemoryLevel) -> Self {
        match l {
            MemoryLevel::Moderate => miniapp_runtime::MemoryLevel::Moderate,
            MemoryLevel::Critical => miniapp_runtime::MemoryLevel::Critical,
        }
    }
}

/// A standard lifecycle event (`wit/lifecycle.wit`, `web/PROTOCOL.md`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum LifecycleEvent {
    /// The mini-program came to the front.
    Show,
    /// It left the front; it keeps running.
    Hide,
    /// The host is about to stop giving it time: it should persist what must survive.
    Suspend,
    /// It runs again after a `Suspend`.
    Resume,
    /// The device is short of memory.
    MemoryWarning { level: MemoryLevel },
    /// A new version of it is installed and becomes active at its next launch.
    UpdateReady { version: String },
}

impl From<LifecycleEvent> for miniapp_runtime::LifecycleEvent {
    fn from(e: LifecycleEvent) -> Self {
        use miniapp_runtime::LifecycleEvent as E;
        match e {
            LifecycleEvent::Show => E::Show,
            LifecycleEvent::Hide => E::Hide,
            LifecycleEvent::Suspend => E::Suspend,
            LifecycleEvent::Resume => E::Resume,
            LifecycleEvent::MemoryWarning { level } => E::MemoryWarning {
                level: level.into(),
            },
            LifecycleEvent::UpdateReady { version } => E::UpdateReady { version },
        }
    }
}

/// The web bridge's event message for `event`, `{"event": "show", "data": {}}`: evaluate
/// `window.__miniappBridge._receive(<this JSON as a JS string>)` in the app's WebView.
#[uniffi::export]
pub fn lifecycle_event_message(event: LifecycleEvent) -> String {
    json_bridge::event_message(&event.into())
}

/// What `Host::memory_warning` dropped; each is rebuilt on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct DroppedCaches {
    /// Compiled components.
    pub components: u64,
    /// Pre-linked instances (per app and grant set).
    pub instance_pres: u64,
    /// Linkers per grant set (`Critical` only).
    pub linkers: u64,
    /// Storage handles of apps with no live instance (`Critical` only).
    pub storage_handles: u64,
}

impl From<miniapp_runtime::DroppedCaches> for DroppedCaches {
    fn from(d: miniapp_runtime::DroppedCaches) -> Self {
        DroppedCaches {
            components: d.components as u64,
            instance_pres: d.instance_pres as u64,
            linkers: d.linkers as u64,
            storage_handles: d.storage_handles as u64,
        }
    }
}

/// A live instance of a component mini-program (`Host::launch`): call `on_launch` once, then
/// send it events while it lives. It holds one slot of the host's instance pool until it is
/// dropped (Kotlin `close()`, Swift release, Python garbage collection).
#[derive(uniffi::Object)]
pub struct AppSession {
    host: Arc<Host>,
    instance: Arc<tokio::sync::Mutex<AppInstance>>,
}

impl AppSession {
    pub(crate) fn new(host: Arc<Host>, instance: AppInstance) -> AppSession {
        AppSession {
            host,
            instance: Arc::new(tokio::sync::Mutex::new(instance)),
        }
    }
}

#[uniffi::export]
impl AppSession {
    /// The app's `on-launch(params)`: its answer. The first call is the launch's outcome.
    pub async fn on_launch(&self, params_json: String) -> Result<String, MiniappError> {
        let instance = self.instance.clone();
        self.host
            .spawned(
                move |_| async move { Ok(instance.lock().await.on_launch(&params_json).await?) },
            )
            .await
    }

    /// Delivers a standard lifecycle event (`on-event` with its wire name and JSON payload).
    pub async fn deliver_event(&self, event: LifecycleEvent) -> Result<(), MiniappError> {
        let instance = self.instance.clone();
        let event = miniapp_runtime::LifecycleEvent::from(event);
        self.host
            .spawned(move |_| async move { Ok(instance.lock().await.deliver(&event).await?) })
            .await
    }

    /// Tells the app, once, of a newer version staged for it that it does not know of yet (the
    /// `updateReady` event): call it after `Host::update` staged one while the app runs. The
    /// version told, or none.
    pub async fn notify_update_ready(&self) -> Result<Option<String>, MiniappError> {
        let instance = self.instance.clone();
        self.host
            .spawned(move |_| async move {
                let told = instance.lock().await.notify_update_ready().await?;
                Ok(told.map(|v| v.to_string()))
            })
            .await
    }

    /// Delivers a host's own event by name (`payload_json`: usually a JSON object).
    pub async fn send_event(&self, name: String, payload_json: String) -> Result<(), MiniappError> {
        let instance = self.instance.clone();
        self.host
            .spawned(move |_| async move {
                Ok(instance.lock().await.on_event(&name, &payload_json).await?)
            })
            .await
    }
}
