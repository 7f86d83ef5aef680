//! Lifecycle events pushed into the simulator, as a host sends them: `POST /__event[?app=ID]` on
//! the simulator's origin with the event message (`{"event": "hide"}`, `{"event":
//! "memoryWarning", "data": {"level": "critical"}}`). Every page connected to the app's
//! `/__bridge` gets the message as it is; a component app's running instance (the one its last
//! launch left, see `component.rs`) gets it through `lifecycle.on-event`. No `app`: every app
//! the simulator serves.
//!
//! Standard names are checked with the contract's parser (a payload that does not fit is
//! `EVENT_INVALID`, as it would be a host bug); other names pass through untouched, as a host's
//! own events do, and the answer says the name is not a standard one (a typo of `hide` shows).

use axum::body::Bytes;
use miniapp_contract::lifecycle::EventMessage;
use miniapp_runtime::LifecycleEvent;

use super::*;
use crate::component::ErrorReport;

/// The largest body `POST /__event` reads: an event message is small.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest event name: a name, not a payload.
const MAX_NAME_BYTES: usize = 64;

/// What to send instead, for every `EVENT_INVALID`.
const EVENT_HINT: &str = "send {\"event\": NAME, \"data\": {...}}: show, hide, suspend and \
     resume carry {}, memoryWarning {\"level\": \"moderate\" | \"critical\"}, updateReady \
     {\"version\": \"1.3.0\"}; any other name is sent as the host's own event";

/// A checked event: the message pages get, and the typed event when its name is a standard one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PushedEvent {
    pub(crate) message: EventMessage,
    pub(crate) standard: Option<LifecycleEvent>,
}

impl PushedEvent {
    /// `data` as the compact JSON text a component's `on-event` gets.
    pub(crate) fn payload_json(&self) -> String {
        match &self.standard {
            Some(e) => e.payload_json(),
            None => self.message.data.to_string(),
        }
    }

    /// What the pages get: the standard event's own message (its canonical payload), or the
    /// custom message as it came.
    pub(crate) fn message_json(&self) -> String {
        match &self.standard {
            Some(e) => json_bridge::event_message(e),
            None => serde_json::to_string(&self.message).expect("a message serialises"),
        }
    }

    /// One line for the terminal and the inspector: `memoryWarning {"level":"critical"}`.
    pub(crate) fn summary(&self) -> String {
        format!("{} {}", self.message.event, self.payload_json())
    }
}

fn invalid(message: impl Into<String>) -> DevError {
    DevError::new("EVENT_INVALID", message, Some(EVENT_HINT))
}

/// Checks a `POST /__event` body: a JSON object with a string `event` (1..=64 printable ASCII
/// characters) and an optional object `data`, nothing else; a standard name's `data` must fit it.
pub(crate) fn parse(body: &[u8]) -> Result<PushedEvent, DevError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(invalid(format!(
            "the body has {} bytes; an event message has at most {MAX_BODY_BYTES}",
            body.len()
        )));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| invalid(format!("the body is not JSON: {e}")))?;
    let Value::Object(fields) = &value else {
        return Err(invalid(format!("expected a JSON object, got {value}")));
    };
    if let Some(extra) = fields.keys().find(|k| *k != "event" && *k != "data") {
        return Err(invalid(format!(
            "unknown field `{extra}`: an event message has `event` and `data` only"
        )));
    }
    let name = match fields.get("event") {
        Some(Value::String(name)) => name.clone(),
        Some(other) => return Err(invalid(format!("`event` must be a string, not {other}"))),
        None => return Err(invalid("no `event`: name the event to send")),
    };
    if name.is_empty() || name.len() > MAX_NAME_BYTES || !name.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(invalid(format!(
            "`{}` is not an event name: 1 to {MAX_NAME_BYTES} printable ASCII characters, no spaces",
            cut(&name, 80)
        )));
    }
    let data = match fields.get("data") {
        None | Some(Value::Null) => json!({}),
        Some(data @ Value::Object(_)) => data.clone(),
        Some(other) => {
            return Err(invalid(format!(
                "`data` must be a JSON object, not {}",
                cut(&other.to_string(), 80)
            )));
        }
    };
    let message = EventMessage { event: name, data };
    let standard = LifecycleEvent::from_message(&message).map_err(|e| invalid(e.to_string()))?;
    Ok(PushedEvent { message, standard })
}

/// What one app did with the event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    app: String,
    /// `web` or `component`.
    kind: &'static str,
    /// Bridge WebSockets (open pages) that got the message.
    pages: usize,
    /// Component apps: running instances whose `on-event` got it (0 or 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    instances: Option<usize>,
    /// A component's `on-event` failed (trap, CPU limit): the instance is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorReport>,
    /// Why nothing got it, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// `POST /__event[?app=ID]` on the simulator's origin: pushes the event to the app's pages and
/// running component instance (every app's without `app`); answers what got it.
pub(super) async fn push(
    State(sim): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if !is_simulator_host(&headers) {
        return error_json(
            StatusCode::NOT_FOUND,
            DevError::new(
                "DEV_NOT_FOUND",
                "events are pushed on the simulator's own origin, not an app's",
                Some("POST http://localhost:PORT/__event?app=<app-id>"),
            ),
        );
    }
    if !same_origin(&headers) {
        return cross_origin();
    }
    let apps: Vec<Arc<DevApp>> = match q.get("app") {
        Some(id) => match sim.apps.get(&id.to_ascii_lowercase()) {
            Some(app) => vec![app.clone()],
            None => {
                let served: Vec<&str> = sim.apps.keys().map(String::as_str).collect();
                return error_json(
                    StatusCode::NOT_FOUND,
                    DevError::new(
                        "DEV_APP_NOT_SERVED",
                        format!(
                            "this simulator does not serve `{}`; it serves {}",
                            cut(id, 80),
                            served.join(", ")
                        ),
                        Some("pass one of those ids, or no app to send the event to every app"),
                    ),
                );
            }
        },
        None => sim.apps.values().cloned().collect(),
    };
    let event = match parse(&body) {
        Ok(event) => event,
        Err(e) => return error_json(StatusCode::BAD_REQUEST, e),
    };
    let port = port_suffix(&headers);
    let mut deliveries = Vec::new();
    for app in apps {
        deliveries.push(deliver(&sim, &app, &event, &port).await);
    }
    let note = event.standard.is_none().then(|| {
        format!(
            "`{}` is not a standard event ({}): sent as the host's own event, untouched",
            event.message.event,
            LifecycleEvent::NAMES.join(", ")
        )
    });
    let mut answer = json!({
        "event": event.message.event,
        "data": serde_json::from_str::<Value>(&event.payload_json()).unwrap_or_default(),
        "standard": event.standard.is_some(),
        "apps": deliveries,
    });
    if let Some(note) = note {
        answer["note"] = json!(note);
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_string(),
    )
        .into_response()
}

/// Sends the event to the app's pages, then to its running component instance; one inspector
/// row says what got it.
async fn deliver(sim: &Simulator, app: &DevApp, event: &PushedEvent, port: &str) -> Delivery {
    let start = Instant::now();
    // `send` fails only when no page listens.
    let pages = app.events.send(event.message_json()).unwrap_or(0);
    let mut delivery = Delivery {
        app: app.id.clone(),
        kind: if app.component.is_some() {
            "component"
        } else {
            "web"
        },
        pages,
        instances: None,
        error: None,
        note: None,
    };
    if app.component.is_some() {
        let (instances, outcome) = component::deliver(app, event).await;
        delivery.instances = Some(instances);
        match outcome {
            Ok(None) => {}
            Ok(Some(note)) => delivery.note = Some(note),
            Err(e) => delivery.error = Some(e),
        }
    } else if pages == 0 {
        delivery.note = Some(format!(
            "no page of {} is open: open http://{}.localhost{port}/ first (its bridge socket gets events)",
            app.id, app.id
        ));
    }
    let mut to = format!("{pages} page(s)");
    if let Some(n) = delivery.instances {
        to.push_str(&format!(", {n} instance(s)"));
    }
    let outcome = delivery
        .error
        .as_ref()
        .map_or_else(|| "ok".to_owned(), |e| e.code.clone());
    println!(
        "[dev] {}: event {} → {to}",
        app.id,
        cut(&event.summary(), 200)
    );
    sim.hub.publish(
        CallEntry {
            seq: 0,
            app: app.id.clone(),
            method: "lifecycle.event".into(),
            params: format!("{} → {to}", cut(&event.summary(), 120)),
            duration_us: start.elapsed().as_micros() as u64,
            outcome,
            ..CallEntry::default()
        },
        None,
    );
    delivery
}

/// `{code, message, hint}` with `status`, the simulator's JSON error answer.
fn error_json(status: StatusCode, e: DevError) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"code": e.code, "message": e.message, "hint": e.hint}).to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniapp_runtime::MemoryLevel;

    #[test]
    fn standard_events_are_typed_and_sent_in_their_canonical_form() {
        let e = parse(br#"{"event": "hide"}"#).unwrap();
        assert_eq!(e.standard, Some(LifecycleEvent::Hide));
        assert_eq!(e.message_json(), r#"{"event":"hide","data":{}}"#);
        assert_eq!(e.payload_json(), "{}");
        // Fields this version does not know are dropped, as the contract's parser does.
        let e =
            parse(br#"{"event":"memoryWarning","data":{"level":"critical","freeMb":3}}"#).unwrap();
        assert_eq!(
            e.standard,
            Some(LifecycleEvent::MemoryWarning {
                level: MemoryLevel::Critical
            })
        );
        assert_eq!(
            e.message_json(),
            r#"{"event":"memoryWarning","data":{"level":"critical"}}"#
        );
        assert_eq!(e.summary(), r#"memoryWarning {"level":"critical"}"#);
        let e = parse(br#"{"event":"show","data":null}"#).unwrap();
        assert_eq!(e.standard, Some(LifecycleEvent::Show));
    }

    #[test]
    fn other_names_pass_through_untouched() {
        let e = parse(br#"{"event":"back","data":{"from":"tab","n":[1,2]}}"#).unwrap();
        assert_eq!(e.standard, None);
        let sent: Value = serde_json::from_str(&e.message_json()).unwrap();
        assert_eq!(
            sent,
            json!({"event": "back", "data": {"from": "tab", "n": [1, 2]}})
        );
        assert_eq!(e.payload_json(), r#"{"from":"tab","n":[1,2]}"#);
        // Names are exact: `Hide` is somebody's own event, not `hide`.
        assert_eq!(parse(br#"{"event":"Hide"}"#).unwrap().standard, None);
    }

    #[test]
    fn bad_bodies_are_event_invalid_with_a_hint() {
        let long = format!(r#"{{"event":"{}"}}"#, "x".repeat(MAX_NAME_BYTES + 1));
        let huge = format!(
            r#"{{"event":"x","data":{{"k":"{}"}}}}"#,
            "x".repeat(MAX_BODY_BYTES)
        );
        for (body, says) in [
            ("", "not JSON"),
            ("hide", "not JSON"),
            ("[]", "JSON object"),
            ("{}", "no `event`"),
            (r#"{"event":3}"#, "must be a string"),
            (r#"{"event":""}"#, "not an event name"),
            (r#"{"event":"on hide"}"#, "not an event name"),
            (long.as_str(), "not an event name"),
            (huge.as_str(), "at most"),
            (r#"{"event":"hide","data":[]}"#, "must be a JSON object"),
            (
                r#"{"event":"hide","payload":{}}"#,
                "unknown field `payload`",
            ),
            (r#"{"id":1,"event":"hide"}"#, "unknown field `id`"),
            (r#"{"event":"memoryWarning"}"#, "memoryWarning"),
            (
                r#"{"event":"memoryWarning","data":{"level":"severe"}}"#,
                "severe",
            ),
            (
                r#"{"event":"updateReady","data":{"version":3}}"#,
                "updateReady",
            ),
        ] {
            let e = parse(body.as_bytes()).unwrap_err();
            assert_eq!(e.code, "EVENT_INVALID", "{body}");
            assert!(e.message.contains(says), "{body}: {}", e.message);
            assert!(e.hint.as_deref().unwrap().contains("memoryWarning"));
        }
    }
}
