//! One file per capability: its host service trait, its core functions (permission already
//! checked by [`crate::bridge::bridge_call`]), its WIT `Host` impl, its JSON entry and its tests.
//! This file holds only what they share: the generated bindings, the `Bridge` handle the linker
//! gives each interface, the registry mapping a permission to its linker function, and the set of
//! host services. Adding a capability: see `README.md` beside this file.

use std::sync::Arc;

use std::future::Future;
use std::pin::Pin;

use miniapp_contract::{Interface, Permission};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasmtime::component::{HasData, Linker};

use crate::bridge::{BridgeError, Method};
use crate::state::{AppContext, AppState};

pub mod auth;
pub mod clipboard;
pub mod consent;
pub mod device;
pub mod geolocation;
pub mod haptics;
pub mod log;
pub mod navigation;
pub mod network;
pub mod payment;
pub mod share;
pub mod storage;
pub mod ui;

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "mini-program",
        // Storage and log never wait: plain host functions (no future per call).
        imports: {
            "miniapp:bridge/storage": trappable,
            "miniapp:bridge/log": trappable,
            default: async | trappable,
        },
        exports: { default: async },
    });
}

use bindings::miniapp::bridge::types::BridgeError as WitBridgeError;

impl From<BridgeError> for WitBridgeError {
    fn from(e: BridgeError) -> Self {
        match e {
            BridgeError::PermissionDenied => WitBridgeError::PermissionDenied,
            BridgeError::InvalidArgument(m) => WitBridgeError::InvalidArgument(m),
            BridgeError::NotFound => WitBridgeError::NotFound,
            BridgeError::QuotaExceeded => WitBridgeError::QuotaExceeded,
            BridgeError::Unavailable(m) => WitBridgeError::Unavailable(m),
            BridgeError::Cancelled => WitBridgeError::Cancelled,
            BridgeError::Internal(m) => WitBridgeError::Internal(m),
        }
    }
}

/// What the linker hands each bridge interface of one instance. `GRANTED = false` is the denial
/// stub: the same code, monomorphised so that every call answers `permission-denied` before any
/// host service is reached.
pub(crate) struct Bridge<'a, const GRANTED: bool> {
    pub(crate) ctx: &'a AppContext,
}

pub(crate) struct Linked<const GRANTED: bool>;

impl<const GRANTED: bool> HasData for Linked<GRANTED> {
    type Data<'a> = Bridge<'a, GRANTED>;
}

pub(crate) fn bridge<const GRANTED: bool>(state: &mut AppState) -> Bridge<'_, GRANTED> {
    Bridge { ctx: &state.ctx }
}

/// Result of a bridge call as the WIT `Host` traits return it: bridge errors go to the guest,
/// nothing traps.
pub(crate) type WitResult<T> = wasmtime::Result<Result<T, WitBridgeError>>;

pub(crate) fn to_wit<T, U: From<T>>(r: Result<T, BridgeError>) -> WitResult<U> {
    Ok(r.map(U::from).map_err(WitBridgeError::from))
}

/// Links one capability's interface, to the real host service or to the denial stub.
pub(crate) type LinkFn = fn(&mut Linker<AppState>, bool) -> wasmtime::Result<()>;

/// What a capability's JSON entry returns: the future of one call.
pub(crate) type JsonFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Value, BridgeError>> + Send + 'a>>;

/// A capability, as its file declares it (`pub(crate) const CAPABILITY`). Its permission and
/// methods come from the contract's table through [`Interface`]; the file gives the rest.
pub(crate) struct Capability {
    /// Its WIT interface (one file in `wit/`); the package's import check reads the same name.
    pub(crate) interface: Interface,
    /// Links the interface to the host service when granted, to the denial stub when not.
    pub(crate) link: LinkFn,
    /// The JSON entry: one call of one of its methods (grant checked inside, by `bridge_call`).
    pub(crate) json: for<'a> fn(&'a AppContext, Method, Value) -> JsonFuture<'a>,
    /// Removes secrets from a result before a record (inspector, recording) holds it.
    pub(crate) redact: Option<fn(Method, &mut Value)>,
}

/// Declares a capability file's `CAPABILITY`: `declare_capability!(Storage, wit, redact: None)` in
/// `storage.rs`, where `wit` is its generated bindings module and `json` its JSON entry.
macro_rules! declare_capability {
    ($interface:ident, $wit:ident, redact: $redact:expr) => {
        pub(crate) const CAPABILITY: super::Capability = super::Capability {
            interface: miniapp_contract::Interface::$interface,
            link: |linker, granted| {
                if granted {
                    $wit::add_to_linker::<crate::state::AppState, super::Linked<true>>(
                        linker,
                        super::bridge::<true>,
                    )
                } else {
                    $wit::add_to_linker::<crate::state::AppState, super::Linked<false>>(
                        linker,
                        super::bridge::<false>,
                    )
                }
            },
            json: |ctx, method, p| Box::pin(json(ctx, method, p)),
            redact: $redact,
        };
    };
}
pub(crate) use declare_capability;

/// The registry, in [`Interface::ALL`]'s order: adding a capability adds one line here (and its
/// file, its WIT and its rows in the contract; see this module's README.md).
pub(crate) const REGISTRY: [Capability; Interface::ALL.len()] = [
    storage::CAPABILITY,
    auth::CAPABILITY,
    payment::CAPABILITY,
    geolocation::CAPABILITY,
    ui::CAPABILITY,
    device::CAPABILITY,
    clipboard::CAPABILITY,
    share::CAPABILITY,
    haptics::CAPABILITY,
    navigation::CAPABILITY,
    log::CAPABILITY,
];

/// The capability serving an interface.
pub(crate) fn capability(interface: Interface) -> &'static Capability {
    &REGISTRY[interface as usize]
}

/// The permission guarding an imported interface name (`miniapp:bridge/payment@0.1.0`), if any.
/// `None` for interfaces every app may import (types, log, WASI).
pub fn permission_for_import(import: &str) -> Option<Permission> {
    miniapp_package::imports::permission_for_import(import)
}

/// Links the bridge for one grant set: always `types` and the capabilities no permission guards
/// (log); each declared capability to its host service when granted, to the denial stub when
/// not; undeclared ones not at all.
pub(crate) fn link_bridge(
    linker: &mut Linker<AppState>,
    declared: miniapp_contract::PermissionSet,
    granted: miniapp_contract::PermissionSet,
) -> wasmtime::Result<()> {
    bindings::miniapp::bridge::types::add_to_linker::<AppState, Linked<true>>(
        linker,
        bridge::<true>,
    )?;
    for cap in &REGISTRY {
        match cap.interface.permission() {
            None => (cap.link)(linker, true)?,
            Some(p) if declared.contains(p) => (cap.link)(linker, granted.contains(p))?,
            Some(_) => {}
        }
    }
    // `network` is the standard `wasi:http`, linked for apps that declare it; whether it is
    // granted is decided per request by the instance's hooks (see network.rs).
    #[cfg(feature = "wasi-http")]
    if declared.contains(Permission::Network) {
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(linker)?;
    }
    #[cfg(not(feature = "wasi-http"))]
    if declared.contains(Permission::Network) {
        wasmtime::bail!(
            "this runtime was built without its `wasi-http` feature: apps that declare `network` cannot run"
        );
    }
    Ok(())
}

impl<const G: bool> bindings::miniapp::bridge::types::Host for Bridge<'_, G> {}

/// Every service the embedding host provides. [`HostServices::development`] gives in-memory
/// implementations for the demo, tests and the simulator.
#[derive(Clone)]
pub struct HostServices {
    pub identity: Arc<dyn auth::IdentityService>,
    pub payment: Arc<dyn payment::PaymentService>,
    pub location: Arc<dyn geolocation::LocationService>,
    pub ui: Arc<dyn ui::UiService>,
    pub device: Arc<dyn device::DeviceService>,
    pub clipboard: Arc<dyn clipboard::ClipboardService>,
    pub share: Arc<dyn share::ShareService>,
    pub haptics: Arc<dyn haptics::HapticsService>,
    pub navigation: Arc<dyn navigation::NavigationService>,
    pub consent: Arc<dyn consent::ConsentService>,
    /// Name resolution and TLS for outbound `wasi:http` (the policy is the runtime's).
    pub network: Arc<dyn network::NetworkService>,
}

impl std::fmt::Debug for HostServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostServices").finish_non_exhaustive()
    }
}

impl HostServices {
    /// In-memory services: a user `dev-user`, a payment processor that records payments, a fixed
    /// position, a UI that records toasts and picks the first modal button, and consent that
    /// says yes to everything (see [`consent::ScriptedConsent`] to script answers).
    pub fn development() -> Self {
        HostServices {
            identity: Arc::new(auth::DevIdentity::new("dev-user")),
            payment: Arc::new(payment::DevPaymentProcessor::default()),
            location: Arc::new(geolocation::FixedLocation::default()),
            ui: Arc::new(ui::RecordingUi::default()),
            device: Arc::new(device::DevDevice),
            clipboard: Arc::new(clipboard::MemoryClipboard::default()),
            share: Arc::new(share::RecordingShare::default()),
            haptics: Arc::new(haptics::RecordingHaptics::default()),
            navigation: Arc::new(navigation::RecordingNavigator::default()),
            consent: Arc::new(consent::ScriptedConsent::allow_all()),
            network: Arc::new(network::SystemNetwork),
        }
    }
}

/// JSON params of a method, with a clear `INVALID_ARGUMENT` when they don't fit.
pub(crate) fn params<T: DeserializeOwned>(
    method: Method,
    params: &Value,
) -> Result<T, BridgeError> {
    let parsed = if params.is_null() {
        T::deserialize(&Value::Object(Default::default()))
    } else {
        T::deserialize(params)
    };
    parsed.map_err(|e| BridgeError::invalid(format!("params of {method}: {e}")))
}

/// The params of a JSON-path call as records show them: as the page sent them, `{}` for none.
/// Borrowed, so nothing is copied unless the inspector listens.
pub(crate) struct JsonParams<'a>(&'a Value);

impl Serialize for JsonParams<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_null() {
            use serde::ser::SerializeMap;
            s.serialize_map(Some(0))?.end()
        } else {
            self.0.serialize(s)
        }
    }
}

/// The `params` argument of `bridge_call` for a JSON-path call.
pub(crate) fn json_params<'a>(p: &'a Value) -> impl FnOnce() -> JsonParams<'a> {
    move || JsonParams(p)
}

/// The `params` argument of `bridge_call` for a method without arguments: `{}`.
pub(crate) fn no_params() -> serde_json::Map<String, Value> {
    serde_json::Map::new()
}

pub(crate) fn json<T: Serialize>(value: T) -> Result<Value, BridgeError> {
    serde_json::to_value(value).map_err(|e| BridgeError::Internal(e.to_string()))
}

/// The JSON entry: routes a method to its capability's JSON function. Grant checks happen inside,
/// in the same `bridge_call` the component path uses.
pub(crate) async fn dispatch_json(
    ctx: &AppContext,
    method: Method,
    p: Value,
) -> Result<Value, BridgeError> {
    (capability(method.interface()).json)(ctx, method, p).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_map_to_permissions() {
        assert_eq!(
            permission_for_import("miniapp:bridge/payment@0.1.0"),
            Some(Permission::Payment)
        );
        assert_eq!(
            permission_for_import("miniapp:bridge/geolocation@0.1.0"),
            Some(Permission::Location)
        );
        assert_eq!(permission_for_import("miniapp:bridge/log@0.1.0"), None);
        assert_eq!(permission_for_import("miniapp:bridge/types@0.1.0"), None);
        assert_eq!(permission_for_import("wasi:cli/stdout@0.2.6"), None);
        assert_eq!(
            permission_for_import("wasi:http/outgoing-handler@0.2.6"),
            Some(Permission::Network)
        );
    }

    #[test]
    fn the_registry_serves_every_interface_in_order() {
        for (i, cap) in Interface::ALL.into_iter().zip(&REGISTRY) {
            assert_eq!(cap.interface, i);
            assert_eq!(capability(i).interface, i);
        }
        for p in Permission::ALL {
            let linked = REGISTRY.iter().any(|c| c.interface.permission() == Some(p));
            assert_eq!(linked, p != Permission::Network, "{p}");
        }
    }
}
