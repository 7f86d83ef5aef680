//! What every capability file shares: the generated bindings, the `Bridge` handle the linker
//! gives each interface, the `Capability` a file declares (with `declare_capability!`), and the
//! JSON helpers. It names no capability; `mod.rs` (the registry) names them all.

use std::future::Future;
use std::pin::Pin;

use miniapp_contract::Interface;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasmtime::component::{HasData, Linker};

use crate::bridge::{BridgeError, Method};
use crate::state::{AppContext, AppState};

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "wit",
        world: "mini-program",
        // Storage, log and performance never wait: plain host functions (no future per call).
        imports: {
            "miniapp:bridge/storage": trappable,
            "miniapp:bridge/log": trappable,
            "miniapp:bridge/performance": trappable,
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
        pub(crate) const CAPABILITY: super::capability::Capability = super::capability::Capability {
            interface: miniapp_contract::Interface::$interface,
            link: |linker, granted| {
                if granted {
                    $wit::add_to_linker::<crate::state::AppState, super::capability::Linked<true>>(
                        linker,
                        super::capability::bridge::<true>,
                    )
                } else {
                    $wit::add_to_linker::<crate::state::AppState, super::capability::Linked<false>>(
                        linker,
                        super::capability::bridge::<false>,
                    )
                }
            },
            json: |ctx, method, p| Box::pin(json(ctx, method, p)),
            redact: $redact,
        };
    };
}
pub(crate) use declare_capability;

impl<const G: bool> bindings::miniapp::bridge::types::Host for Bridge<'_, G> {}

/// The JSON params of a method that takes none: `{}` (or nothing); any field is refused by
/// [`params`] as `INVALID_ARGUMENT`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoParams {}

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
