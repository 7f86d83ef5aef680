//! The Bridge Inspector for hosts: the runtime's `BridgeInspector` layer, in a `tracing`
//! dispatcher that belongs to one `Host` and is set around that host's calls only (no global
//! subscriber, so two hosts in one process do not see each other's calls).

use std::sync::mpsc::SyncSender;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use miniapp_runtime::inspector::{BridgeCallRecord, BridgeInspector};
use tracing_subscriber::layer::SubscriberExt;

/// One finished bridge call, from either transport (component or `dispatchJson`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InspectorEvent {
    pub app_id: String,
    /// The JSON-bridge method name, e.g. `payment.pay`.
    pub method: String,
    /// `ok` or the bridge error code (`PERMISSION_DENIED`, `UNAVAILABLE`, ...).
    pub outcome: String,
    pub micros: u64,
}

/// Called once per finished bridge call, in order, from one thread of the host's: return quickly
/// (the guest waits for it, at most a second).
#[uniffi::export(foreign)]
pub trait InspectorListener: Send + Sync {
    fn on_call(&self, event: InspectorEvent) -> Result<(), crate::services::ServiceError>;
}

type Slot = Arc<RwLock<Option<Arc<dyn InspectorListener>>>>;

/// A host's listener and the dispatcher that feeds it.
pub(crate) struct Inspector {
    slot: Slot,
    dispatch: tracing::Dispatch,
}

/// How long a bridge call waits for the listener to take its event.
const DELIVERY_WAIT: Duration = Duration::from_secs(1);

type Delivery = (Arc<dyn InspectorListener>, InspectorEvent, SyncSender<()>);

impl Inspector {
    pub(crate) fn new() -> Inspector {
        let slot: Slot = Arc::default();
        let sink = slot.clone();
        // The listener is called from one thread of its own, never on the guest's wasmtime fiber
        // stack (where a JVM upcall does not come back), in call order; the bridge call waits
        // until it has returned (at most DELIVERY_WAIT), so events are in before `run` returns.
        let (tx, rx) = std::sync::mpsc::channel::<Delivery>();
        let delivery = std::thread::Builder::new()
            .name("miniapp-inspector".into())
            .spawn(move || {
                for (listener, event, done) in rx {
                    if let Err(e) = listener.on_call(event) {
                        tracing::warn!("the inspector listener failed: {e}");
                    }
                    let _ = done.send(());
                }
            });
        if let Err(e) = delivery {
            tracing::warn!("no inspector thread: {e}");
        }
        let layer = BridgeInspector::new(move |r: &BridgeCallRecord| {
            let listener = sink.read().unwrap().clone();
            if let Some(listener) = listener {
                let event = InspectorEvent {
                    app_id: r.app.clone(),
                    method: r.method.clone(),
                    outcome: r.outcome.clone(),
                    micros: r.duration_us,
                };
                let (done, delivered) = std::sync::mpsc::sync_channel(1);
                if tx.send((listener, event, done)).is_ok() {
                    let _ = delivered.recv_timeout(DELIVERY_WAIT);
                }
            }
        });
        let subscriber = tracing_subscriber::registry().with(layer);
        Inspector {
            slot,
            dispatch: tracing::Dispatch::new(subscriber),
        }
    }

    pub(crate) fn set(&self, listener: Option<Arc<dyn InspectorListener>>) {
        *self.slot.write().unwrap() = listener;
    }

    /// The dispatcher to run a call under, when someone listens (nobody listening costs nothing).
    pub(crate) fn dispatch(&self) -> Option<tracing::Dispatch> {
        self.slot
            .read()
            .unwrap()
            .is_some()
            .then(|| self.dispatch.clone())
    }
}
