//! The miniapp bridge contract as data, in one place.
//!
//! Everything both sides of the bridge must agree on lives here, so that nothing is copied by
//! hand: the [`Permission`]s a manifest may declare and their [`PermissionSet`], the [`AppId`]
//! rule, the table of bridge [`Method`]s (wire name, WIT interface, permission, params and result
//! types), the [`BridgeError`] codes, the [`limits`] (with the one rule for what the storage quota
//! counts), the JSON [`wire`] types and the standard [`lifecycle`] events a host delivers.
//! `miniapp-package`, `miniapp-runtime` and `miniapp-sdk` use it; `web/bridge/protocol.js` and
//! `protocol.d.ts` are generated from it ([`web`]).
//!
//! The crate depends on serde only and does no I/O.

#![forbid(unsafe_code)]

mod app_id;
mod error;
pub mod lifecycle;
pub mod limits;
mod method;
mod permission;
pub mod web;
pub mod wire;

pub use app_id::{AppId, InvalidAppId};
pub use error::{BridgeError, ErrorBody, TRANSPORT_ERROR_CODES};
pub use lifecycle::{EventMessage, InvalidEventPayload, LifecycleEvent, MemoryLevel};
pub use method::{Interface, Method, WIT_PACKAGE};
pub use permission::{Permission, PermissionSet, UnknownPermission};
