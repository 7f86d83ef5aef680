//! Write miniapp mini-programs in Rust.
//!
//! A mini-program is a WebAssembly component that talks to the super-app only through the
//! *Bridge* (the WIT world `miniapp:bridge/mini-program`). This crate gives you:
//!
//! - one module per bridge interface with plain Rust functions and types: [`storage`],
//!   [`auth`], [`payment`], [`geolocation`], [`ui`], [`device`], [`clipboard`], [`share`],
//!   [`haptics`], [`navigation`], [`settings`], [`secure_storage`], [`files`],
//!   [`biometrics`], [`notifications`], [`media`], [`updates`], [`performance`], [`log`]; every fallible call returns [`Error`];
//! - the [`MiniProgram`] trait and the [`export_mini_program!`] macro that make your type the
//!   component's `lifecycle` export, and the typed host events it receives ([`lifecycle::Event`]);
//! - with the `mock` feature, an in-memory bridge (`mock::MockBridge`) so that `cargo test`
//!   runs your mini-program natively, with the host's validation rules and permission checks.
//!
//! # Example
//!
//! `Cargo.toml`:
//!
//! ```toml
//! [lib]
//! crate-type = ["cdylib", "rlib"]
//!
//! [dependencies]
//! miniapp-sdk = "0.1"
//! serde_json = "1"
//!
//! [dev-dependencies]
//! miniapp-sdk = { version = "0.1", features = ["mock"] }
//! ```
//!
//! `src/lib.rs`:
//!
//! ```no_run
//! use miniapp_sdk::{Error, MiniProgram, PaymentRequest, auth, geolocation, log, payment, storage, ui};
//!
//! struct Shop;
//!
//! impl MiniProgram for Shop {
//!     fn on_launch(params: String) -> Result<String, String> {
//!         log::info(&format!("launched with {params}"));
//!         storage::set_json("last-launch", &params).map_err(|e| e.code().to_string())?;
//!         let token = auth::token(&["profile"]).map_err(|e| e.to_string())?;
//!         let receipt = payment::pay(PaymentRequest::new("order-1", 499, "EUR", "One coffee"))
//!             .map_err(|e| format!("{}: {e}", e.code()))?;
//!         // Location is optional for this shop: a user who says no still gets their coffee.
//!         let near = match geolocation::current_position() {
//!             Ok(p) => format!("{:.3},{:.3}", p.latitude, p.longitude),
//!             Err(Error::PermissionDenied) => "unknown".to_string(),
//!             Err(e) => return Err(e.to_string()),
//!         };
//!         ui::toast("Thanks!").ok();
//!         Ok(format!(
//!             r#"{{"tx":"{}","scopes":{},"near":"{near}"}}"#,
//!             receipt.transaction_id,
//!             token.scopes.len()
//!         ))
//!     }
//!
//!     fn on_event(name: String, payload: String) {
//!         use miniapp_sdk::lifecycle::Event;
//!         if let Ok(Some(Event::Suspend)) = Event::parse(&name, &payload) {
//!             let _ = storage::set("suspended", b"1");
//!         }
//!     }
//! }
//!
//! miniapp_sdk::export_mini_program!(Shop);
//! ```
//!
//! Build the component with `cargo build --target wasm32-wasip2 --release`: a `cdylib` built for
//! that target *is* a component. It imports only the bridge interfaces your code calls, so the
//! host can check them against the permissions your manifest declares.
//!
//! Test it natively with the mock: enable the `mock` feature in `[dev-dependencies]`, install a
//! `mock::MockBridge` with the permissions your test wants, call `Shop::on_launch` directly, then
//! inspect what happened (`payments()`, `toasts()`, `storage_snapshot()`, `calls()`, ...). The
//! `mock` module's docs have a runnable example; `examples/loans` has a full test suite.
//!
//! # Native builds without `mock`
//!
//! The crate compiles natively without the feature (so workspaces build everywhere), but the
//! bridge functions are then unreachable stubs that panic: call them only from wasm32 code or
//! with `mock` enabled.

// Generated bindings need `unsafe`; everything else in this crate is safe code.
#![deny(unsafe_code)]

pub mod auth;
pub mod biometrics;
pub mod clipboard;
pub mod device;
mod error;
pub mod files;
pub mod geolocation;
pub mod haptics;
pub mod lifecycle;
pub mod log;
pub mod media;
pub mod navigation;
pub mod notifications;
pub mod payment;
pub mod performance;
mod permission;
pub mod secure_storage;
pub mod settings;
pub mod share;
pub mod storage;
pub mod ui;
pub mod updates;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(not(feature = "mock"))]
#[path = "wit_backend.rs"]
mod backend;
#[cfg(feature = "mock")]
use mock::backend;

pub use auth::Token;
pub use device::{DeviceInfo, Screen};
pub use error::{Error, ErrorBody};
pub use geolocation::Position;
pub use log::Level;
pub use payment::{PaymentRequest, Receipt};
pub use permission::Permission;
pub use storage::Usage;

/// Bindings generated from `wit/` by wit-bindgen. Not part of the API: use the modules above.
#[doc(hidden)]
#[allow(unsafe_code)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "mini-program",
        path: "wit",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "miniapp_sdk::bindings",
    });
}

/// A mini-program: what the host calls. Implement it for your type and export it with
/// [`export_mini_program!`].
pub trait MiniProgram {
    /// Called once per launch with the host's launch parameters (usually JSON). The `Ok` string
    /// is the mini-program's answer (usually JSON); an `Err` is shown as a failed launch.
    fn on_launch(params: String) -> Result<String, String>;

    /// Called for host events with their name and JSON payload (`{}` when the event carries
    /// nothing). Ignores every event unless overridden. The standard events (`show`, `hide`,
    /// `suspend`, `resume`, `memoryWarning`, `updateReady`; see `wit/lifecycle.wit`) parse into
    /// a [`lifecycle::Event`]; any other name is a host's own event:
    ///
    /// ```
    /// use miniapp_sdk::lifecycle::{Event, MemoryLevel};
    /// use miniapp_sdk::{MiniProgram, log};
    ///
    /// struct Shop;
    ///
    /// impl MiniProgram for Shop {
    ///     fn on_launch(_params: String) -> Result<String, String> {
    ///         Ok("{}".into())
    ///     }
    ///
    ///     fn on_event(name: String, payload: String) {
    ///         match Event::parse(&name, &payload) {
    ///             Ok(Some(Event::Suspend)) => { /* persist the draft now */ }
    ///             Ok(Some(Event::MemoryWarning { level: MemoryLevel::Critical })) => { /* free everything */ }
    ///             Ok(Some(Event::UpdateReady { version })) => { /* offer a restart into `version` */ let _ = version; }
    ///             Ok(Some(_)) => {}                       // show, hide, resume, moderate warnings…
    ///             Ok(None) if name == "back" => { /* a host's own event, by name */ }
    ///             Ok(None) => {}                          // unknown to this app: ignore
    ///             Err(e) => log::warn(&e.to_string()),    // a standard name with a bad payload
    ///         }
    ///     }
    /// }
    /// ```
    fn on_event(name: String, payload: String) {
        let _ = (name, payload);
    }
}

/// Exports a [`MiniProgram`] type as the component's `lifecycle` interface.
///
/// Use it once per component, at item level: `miniapp_sdk::export_mini_program!(App);`.
/// Off wasm32 it exports nothing: native builds (unit tests with the mock) call the trait
/// directly, and the component export names (`miniapp:bridge/lifecycle@0.1.0#on-launch`) are
/// not valid native symbol names. It still checks the type and marks it used there.
// rustfmt re-indents the `export!` line wrongly on every run (`with_types_in` is not Rust).
#[rustfmt::skip]
#[macro_export]
macro_rules! export_mini_program {
    ($app:ty) => {
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            let _: fn(
                ::std::string::String,
            ) -> ::std::result::Result<::std::string::String, ::std::string::String> =
                <$app as $crate::MiniProgram>::on_launch;
            let _: fn(::std::string::String, ::std::string::String) =
                <$app as $crate::MiniProgram>::on_event;
        };

        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __MiniappLifecycleExport;

            impl $crate::bindings::exports::miniapp::bridge::lifecycle::Guest
                for __MiniappLifecycleExport
            {
                fn on_launch(
                    params: ::std::string::String,
                ) -> ::std::result::Result<::std::string::String, ::std::string::String> {
                    <$app as $crate::MiniProgram>::on_launch(params)
                }

                fn on_event(name: ::std::string::String, payload: ::std::string::String) {
                    <$app as $crate::MiniProgram>::on_event(name, payload)
                }
            }

            $crate::bindings::export!(__MiniappLifecycleExport with_types_in $crate::bindings);
        };
    };
}
