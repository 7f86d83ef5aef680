//! The standard lifecycle events the host delivers to [`MiniProgram::on_event`](crate::MiniProgram::on_event),
//! typed: `show`, `hide`, `suspend`, `resume`, `memoryWarning`, `updateReady` (the contract's
//! `LifecycleEvent`, shared with the host). [`Event::parse`] turns `on_event`'s name and payload
//! into one; a name that is not a standard event (a host's own, or one newer than this SDK) is
//! `Ok(None)`, so handle it by name yourself or ignore it.
//!
//! ```
//! use miniapp_sdk::lifecycle::{Event, MemoryLevel};
//!
//! assert_eq!(Event::parse("hide", "{}"), Ok(Some(Event::Hide)));
//! assert_eq!(
//!     Event::parse("memoryWarning", r#"{"level":"critical"}"#),
//!     Ok(Some(Event::MemoryWarning { level: MemoryLevel::Critical }))
//! );
//! assert_eq!(Event::parse("back", ""), Ok(None)); // a host's own event
//! assert!(Event::parse("updateReady", "{}").is_err()); // a standard name, a payload that does not fit
//! ```

pub use miniapp_contract::lifecycle::{
    EventMessage, InvalidEventPayload, LifecycleEvent as Event, MemoryLevel,
};
