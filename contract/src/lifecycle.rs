//! The standard lifecycle events a host delivers to a mini-program: their wire names, their JSON
//! payloads and the host→page event message of the web bridge.
//!
//! A component receives an event through its `lifecycle.on-event(name, payload)` export (the
//! signature stays untyped so that hosts can still send their own events); a web page receives
//! `{"event": name, "data": payload}` on the bridge (see `web/PROTOCOL.md`). [`LifecycleEvent`]
//! is the typed form on both sides: hosts build one and send [`LifecycleEvent::name`] +
//! [`LifecycleEvent::payload_json`] (or [`LifecycleEvent::message_json`] to a page); guests call
//! [`LifecycleEvent::parse`] on what arrived.
//!
//! **Unknown names are not errors.** `parse` answers `Ok(None)` for a name that is not a standard
//! event: a host's custom event (`back`, `notification`, ...) reaches the app untouched, with its
//! name and payload, and an app built against this version keeps working when a later host sends
//! an event added after it. A standard name whose payload does not fit is an error: that is a
//! host bug. Payload fields this version does not know are ignored, for the same reason.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::TsType;

/// How urgently the host asks for memory back (`memoryWarning`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemoryLevel {
    /// Memory is getting short: drop caches you can rebuild.
    Moderate,
    /// The system is about to end processes: free everything you can now.
    Critical,
}

impl MemoryLevel {
    pub const ALL: [MemoryLevel; 2] = [MemoryLevel::Moderate, MemoryLevel::Critical];

    /// The wire name: `moderate` or `critical`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MemoryLevel::Moderate => "moderate",
            MemoryLevel::Critical => "critical",
        }
    }
}

impl fmt::Display for MemoryLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A standard lifecycle event. `#[non_exhaustive]`: later versions add events, so a `match`
/// needs a `_` arm (and an older app sees a newer event as an unknown name, `Ok(None)`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifecycleEvent {
    /// `show`: the mini-program came to the front (after its launch, or back from the
    /// background). Payload `{}`.
    Show,
    /// `hide`: the mini-program left the front (another screen, the host went to the
    /// background). It keeps running. Payload `{}`.
    Hide,
    /// `suspend`: the host is about to stop giving the mini-program time (the process may be
    /// frozen or ended without another event): persist what must survive now. Payload `{}`.
    Suspend,
    /// `resume`: the host runs the mini-program again after a `suspend`. Payload `{}`.
    Resume,
    /// `memoryWarning`: the device is short of memory; free caches. Payload `{"level": "moderate"
    /// | "critical"}`.
    MemoryWarning { level: MemoryLevel },
    /// `updateReady`: a new version of this mini-program is installed and becomes active at its
    /// next launch. Payload `{"version": "1.3.0"}`.
    UpdateReady { version: String },
}

/// Why [`LifecycleEvent::parse`] refused a standard event's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidEventPayload {
    /// The standard event's wire name.
    pub event: &'static str,
    /// What was wrong with the payload.
    pub reason: String,
}

impl fmt::Display for InvalidEventPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "payload of `{}` event: {}", self.event, self.reason)
    }
}

impl std::error::Error for InvalidEventPayload {}

/// `memoryWarning`'s payload.
#[derive(Serialize, Deserialize)]
struct MemoryWarningData {
    level: MemoryLevel,
}

/// `updateReady`'s payload.
#[derive(Serialize, Deserialize)]
struct UpdateReadyData {
    version: String,
}

impl LifecycleEvent {
    /// The wire names of the standard events, in declaration order.
    pub const NAMES: [&'static str; 6] = [
        "show",
        "hide",
        "suspend",
        "resume",
        "memoryWarning",
        "updateReady",
    ];

    /// The wire name (`show`, `memoryWarning`, ...): `on-event`'s `name`, the message's `event`.
    pub const fn name(&self) -> &'static str {
        match self {
            LifecycleEvent::Show => Self::NAMES[0],
            LifecycleEvent::Hide => Self::NAMES[1],
            LifecycleEvent::Suspend => Self::NAMES[2],
            LifecycleEvent::Resume => Self::NAMES[3],
            LifecycleEvent::MemoryWarning { .. } => Self::NAMES[4],
            LifecycleEvent::UpdateReady { .. } => Self::NAMES[5],
        }
    }

    /// The payload as a JSON value: `{}` for the events that carry nothing.
    pub fn payload(&self) -> Value {
        let data = match self {
            LifecycleEvent::MemoryWarning { level } => {
                serde_json::to_value(MemoryWarningData { level: *level })
            }
            LifecycleEvent::UpdateReady { version } => serde_json::to_value(UpdateReadyData {
                version: version.clone(),
            }),
            _ => return Value::Object(Default::default()),
        };
        data.expect("a struct of strings serialises")
    }

    /// The payload as compact JSON text (`{}` when none): `on-event`'s `payload`.
    pub fn payload_json(&self) -> String {
        self.payload().to_string()
    }

    /// The web bridge's host→page event message: `{"event": name, "data": payload}`.
    pub fn message(&self) -> EventMessage {
        EventMessage {
            event: self.name().to_owned(),
            data: self.payload(),
        }
    }

    /// [`LifecycleEvent::message`] as JSON text: what a host hands the page's
    /// `window.__miniappBridge._receive(...)`, or sends on the simulator's WebSocket.
    pub fn message_json(&self) -> String {
        serde_json::to_string(&self.message()).expect("a message serialises")
    }

    /// The standard event `name` with `payload` (JSON text; empty counts as `{}`). `Ok(None)`:
    /// not a standard name (a custom host event, or one newer than this version): handle `name`
    /// and `payload` yourself. `Err`: a standard name whose payload does not fit.
    pub fn parse(name: &str, payload: &str) -> Result<Option<LifecycleEvent>, InvalidEventPayload> {
        let Some(event) = Self::NAMES.iter().copied().find(|n| *n == name) else {
            return Ok(None);
        };
        let invalid = |reason: String| InvalidEventPayload { event, reason };
        let payload = if payload.trim().is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_str(payload).map_err(|e| invalid(format!("not JSON: {e}")))?
        };
        Self::from_payload(event, payload)
            .map(Some)
            .map_err(invalid)
    }

    /// A parsed event message (`{"event", "data"}`) as a standard event; `Ok(None)` for a name
    /// that is not one (see [`LifecycleEvent::parse`]).
    pub fn from_message(
        message: &EventMessage,
    ) -> Result<Option<LifecycleEvent>, InvalidEventPayload> {
        let Some(event) = Self::NAMES.iter().copied().find(|n| *n == message.event) else {
            return Ok(None);
        };
        Self::from_payload(event, message.data.clone())
            .map(Some)
            .map_err(|reason| InvalidEventPayload { event, reason })
    }

    fn from_payload(name: &'static str, payload: Value) -> Result<LifecycleEvent, String> {
        if !payload.is_object() {
            return Err(format!("expected a JSON object, got {payload}"));
        }
        Ok(match name {
            "show" => LifecycleEvent::Show,
            "hide" => LifecycleEvent::Hide,
            "suspend" => LifecycleEvent::Suspend,
            "resume" => LifecycleEvent::Resume,
            "memoryWarning" => {
                let d: MemoryWarningData = from_data(payload)?;
                LifecycleEvent::MemoryWarning { level: d.level }
            }
            "updateReady" => {
                let d: UpdateReadyData = from_data(payload)?;
                LifecycleEvent::UpdateReady { version: d.version }
            }
            _ => unreachable!("`name` is one of NAMES"),
        })
    }
}

fn from_data<T: serde::de::DeserializeOwned>(payload: Value) -> Result<T, String> {
    serde_json::from_value(payload).map_err(|e| e.to_string())
}

impl fmt::Display for LifecycleEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name(), self.payload_json())
    }
}

/// The web bridge's host→page event message, `{"event": "memoryWarning", "data": {"level":
/// "critical"}}`. It has no `id`: it answers no request. `event` may be any name (hosts send their
/// own events the same way); `data` is a JSON object (`{}` when the event carries nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventMessage {
    pub event: String,
    #[serde(default = "empty_object")]
    pub data: Value,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// The TypeScript payload type of each standard event, by wire name, for `protocol.d.ts`.
pub const TS_EVENT_PAYLOADS: [(&str, &str); 6] = [
    ("show", "EmptyPayload"),
    ("hide", "EmptyPayload"),
    ("suspend", "EmptyPayload"),
    ("resume", "EmptyPayload"),
    ("memoryWarning", "MemoryWarningPayload"),
    ("updateReady", "UpdateReadyPayload"),
];

/// One line per standard event for `protocol.d.ts` (what it means).
pub const EVENT_DOCS: [(&str, &str); 6] = [
    (
        "show",
        "The mini-program came to the front (after its launch, or back from the background).",
    ),
    (
        "hide",
        "The mini-program left the front (another screen, or the host went to the background); it keeps running.",
    ),
    (
        "suspend",
        "The host is about to stop giving the mini-program time and may end it without another event: persist what must survive now.",
    ),
    (
        "resume",
        "The host runs the mini-program again after a `suspend`.",
    ),
    (
        "memoryWarning",
        "The device is short of memory: drop caches (`critical`: everything you can).",
    ),
    (
        "updateReady",
        "A new version of this mini-program is installed; it becomes active at the next launch.",
    ),
];

/// The TypeScript declarations of the payloads that carry fields.
pub const TS_EVENT_TYPES: &[TsType] = &[
    TsType {
        name: "MemoryWarningPayload",
        fields: &[(
            "level",
            "MemoryLevel",
            "`moderate`: drop what you can rebuild; `critical`: free everything you can now.",
        )],
    },
    TsType {
        name: "UpdateReadyPayload",
        fields: &[(
            "version",
            "string",
            "The version active from the next launch (semver).",
        )],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn every_event() -> Vec<LifecycleEvent> {
        vec![
            LifecycleEvent::Show,
            LifecycleEvent::Hide,
            LifecycleEvent::Suspend,
            LifecycleEvent::Resume,
            LifecycleEvent::MemoryWarning {
                level: MemoryLevel::Moderate,
            },
            LifecycleEvent::MemoryWarning {
                level: MemoryLevel::Critical,
            },
            LifecycleEvent::UpdateReady {
                version: "1.3.0".into(),
            },
        ]
    }

    #[test]
    fn every_event_round_trips_through_name_and_payload_and_message() {
        for e in every_event() {
            assert_eq!(
                LifecycleEvent::parse(e.name(), &e.payload_json()),
                Ok(Some(e.clone()))
            );
            let message: EventMessage = serde_json::from_str(&e.message_json()).unwrap();
            assert_eq!(message.event, e.name());
            assert_eq!(LifecycleEvent::from_message(&message), Ok(Some(e.clone())));
        }
        let names: Vec<&str> = every_event().iter().map(|e| e.name()).collect();
        for n in LifecycleEvent::NAMES {
            assert!(names.contains(&n), "{n} has no sample");
        }
    }

    #[test]
    fn wire_forms_are_stable() {
        assert_eq!(LifecycleEvent::Show.payload_json(), "{}");
        assert_eq!(
            LifecycleEvent::Suspend.message_json(),
            r#"{"event":"suspend","data":{}}"#
        );
        let warning = LifecycleEvent::MemoryWarning {
            level: MemoryLevel::Critical,
        };
        assert_eq!(warning.name(), "memoryWarning");
        assert_eq!(warning.payload_json(), r#"{"level":"critical"}"#);
        assert_eq!(
            serde_json::from_str::<Value>(&warning.message_json()).unwrap(),
            json!({"event": "memoryWarning", "data": {"level": "critical"}})
        );
        assert_eq!(
            LifecycleEvent::UpdateReady {
                version: "2.0.0".into()
            }
            .payload_json(),
            r#"{"version":"2.0.0"}"#
        );
    }

    #[test]
    fn custom_names_pass_through_and_bad_payloads_are_errors() {
        assert_eq!(LifecycleEvent::parse("back", "{}"), Ok(None));
        assert_eq!(LifecycleEvent::parse("pause", "not json"), Ok(None));
        assert_eq!(
            LifecycleEvent::parse("Show", ""),
            Ok(None),
            "names are exact"
        );
        // Empty payloads and unknown fields are accepted (older hosts, newer hosts).
        assert_eq!(
            LifecycleEvent::parse("show", ""),
            Ok(Some(LifecycleEvent::Show))
        );
        assert_eq!(
            LifecycleEvent::parse("memoryWarning", r#"{"level":"moderate","freeMb":12}"#),
            Ok(Some(LifecycleEvent::MemoryWarning {
                level: MemoryLevel::Moderate
            }))
        );
        for (name, payload) in [
            ("show", "[]"),
            ("hide", "{"),
            ("memoryWarning", "{}"),
            ("memoryWarning", r#"{"level":"severe"}"#),
            ("updateReady", r#"{"version":3}"#),
        ] {
            let e = LifecycleEvent::parse(name, payload).unwrap_err();
            assert_eq!(e.event, name);
            assert!(e.to_string().contains(name), "{e}");
        }
        let m: EventMessage = serde_json::from_str(r#"{"event":"show"}"#).unwrap();
        assert_eq!(m.data, json!({}));
    }

    #[test]
    fn typescript_tables_cover_every_event_and_level() {
        fn names<'a>(t: &[(&'a str, &str)]) -> Vec<&'a str> {
            t.iter().map(|p| p.0).collect()
        }
        assert_eq!(names(&TS_EVENT_PAYLOADS), LifecycleEvent::NAMES);
        assert_eq!(names(&EVENT_DOCS), LifecycleEvent::NAMES);
        for e in every_event() {
            let keys: Vec<String> = e.payload().as_object().unwrap().keys().cloned().collect();
            let ts = TS_EVENT_PAYLOADS
                .iter()
                .find(|p| p.0 == e.name())
                .unwrap()
                .1;
            let fields: Vec<String> = TS_EVENT_TYPES
                .iter()
                .find(|t| t.name == ts)
                .map(|t| t.fields.iter().map(|f| f.0.to_owned()).collect())
                .unwrap_or_default();
            assert_eq!(keys, fields, "{}", e.name());
        }
        for l in MemoryLevel::ALL {
            assert_eq!(json!(l), json!(l.as_str()));
        }
    }
}
