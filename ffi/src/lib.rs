//! `miniapp-ffi`: the miniapp runtime for Kotlin, Swift and Python hosts, through UniFFI.
//!
//! A thin layer over `miniapp-runtime`'s public API: [`Host`] (open, install, run, launch,
//! dispatchJson, update, rollback, inspector, memory warnings), [`AppSession`] (a live instance
//! that receives lifecycle events) and the host services as foreign traits ([`services`])
//! adapted to the runtime's service traits. Every rule (signatures, grants, consent, limits) stays in the
//! runtime; this crate only converts types and errors.
//!
//! No `unsafe`: the crate forbids it (UniFFI's scaffolding, expanded from its macros, builds
//! under the lint).
#![forbid(unsafe_code)]

mod error;
mod host;
mod inspector;
mod lifecycle;
pub mod services;

pub use error::MiniappError;
pub use host::{Host, HostOptions, InstalledApp, Rollback, UpdateOutcome, WebApp};
pub use inspector::{InspectorEvent, InspectorListener};
pub use lifecycle::{
    AppSession, DroppedCaches, LifecycleEvent, MemoryLevel, lifecycle_event_message,
};

uniffi::setup_scaffolding!("miniapp");
