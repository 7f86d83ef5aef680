//! `com.acme.loans`: a small loan application, the example mini-program.
//!
//! One launch walks through most of the bridge: it logs, sets the title, logs in (the session
//! kept in secure storage by an earlier launch, or a new one by code exchange: [`session`]),
//! saves the draft application and reads it back, gets an identity token (asking for more scopes
//! than it is allowed, to show the host's narrowing), pays the application fee, asks for the
//! location (which the user may decline; the application goes on without it), shows a toast,
//! and answers with a JSON summary. An `on_event("submit", ..)` marks the application submitted.
#![forbid(unsafe_code)]

pub mod session;

use miniapp_sdk::{
    Error, MiniProgram, PaymentRequest, auth, geolocation, log, payment, storage, ui,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The mini-program's id in its manifest.
pub const APP_ID: &str = "com.acme.loans";
/// The application fee, in euro cents.
pub const FEE_MINOR: u64 = 1500;
pub const FEE_CURRENCY: &str = "EUR";

/// Launch parameters: `{"applicant":"Ada","amountMinor":500000,"termMonths":24}`; missing
/// fields (or empty params) take the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Application {
    pub applicant: String,
    pub amount_minor: u64,
    pub term_months: u32,
}

impl Default for Application {
    fn default() -> Self {
        Application {
            applicant: "Guest".into(),
            amount_minor: 100_000,
            term_months: 12,
        }
    }
}

impl Application {
    fn parse(params: &str) -> Result<Application, String> {
        if params.trim().is_empty() {
            return Ok(Application::default());
        }
        serde_json::from_str(params).map_err(|e| format!("INVALID_PARAMS: {e}"))
    }

    /// The fee's order id: one fee per applicant, so a relaunch never charges twice.
    pub fn fee_order_id(&self) -> String {
        format!("fee-{}", self.applicant.to_lowercase())
    }
}

/// `CODE: message`, the shape of every launch error.
fn failure(step: &str, e: &Error) -> String {
    format!("{}: {step}: {e}", e.code())
}

/// The mini-program.
pub struct Loans;

impl MiniProgram for Loans {
    fn on_launch(params: String) -> Result<String, String> {
        let application = Application::parse(&params)?;
        log::info(&format!(
            "loan application: {} asks {} over {} months",
            application.applicant, application.amount_minor, application.term_months
        ));
        ui::set_title("Loan application").map_err(|e| failure("set title", &e))?;
        let (_, session_origin) = session::open().map_err(|e| failure("log in", &e))?;

        storage::set_json("draft", &application).map_err(|e| failure("save draft", &e))?;
        let saved: Option<Application> =
            storage::get_json("draft").map_err(|e| failure("read draft", &e))?;
        let draft_saved = saved.as_ref() == Some(&application);

        // `payments:write` is not allowed to this mini-program: the host drops it from the token.
        let token =
            auth::token(&["profile", "payments:write"]).map_err(|e| failure("get token", &e))?;

        let receipt = payment::pay(PaymentRequest::new(
            application.fee_order_id(),
            FEE_MINOR,
            FEE_CURRENCY,
            "Loan application fee",
        ))
        .map_err(|e| failure("pay fee", &e))?;

        let location = match geolocation::current_position() {
            Ok(p) => json!({ "lat": p.latitude, "lon": p.longitude }),
            Err(Error::PermissionDenied) => {
                log::warn("location declined; continuing without it");
                Value::from("declined")
            }
            Err(e) => return Err(failure("locate", &e)),
        };

        ui::toast("Application saved").map_err(|e| failure("toast", &e))?;
        let storage_keys = storage::keys().map_err(|e| failure("list keys", &e))?;

        Ok(json!({
            "session": session_origin,
            "draftSaved": draft_saved,
            "tokenScopes": token.scopes,
            "tokenExpiresAt": token.expires_at,
            "receipt": receipt,
            "location": location,
            "storageKeys": storage_keys,
        })
        .to_string())
    }

    fn on_event(name: String, payload: String) {
        if name == "submit" {
            // Events cannot answer: a failure here is only logged.
            if let Err(e) = storage::set("submitted", payload.as_bytes()) {
                log::error(&format!("cannot mark submitted: {}", e.code()));
            }
        }
    }
}

miniapp_sdk::export_mini_program!(Loans);

#[cfg(test)]
mod tests {
    use miniapp_sdk::mock::{MockBridge, PaymentOutcome};
    use miniapp_sdk::{Level, Permission, Position};

    use super::*;

    const ADA: &str = r#"{"applicant":"Ada","amountMinor":500000,"termMonths":24}"#;

    /// Everything the manifest declares; the demo user declines location.
    fn declared_without_location() -> MockBridge {
        MockBridge::new()
            .grant(&[
                Permission::Storage,
                Permission::Auth,
                Permission::Payment,
                Permission::Ui,
            ])
            .allowed_scopes(&["profile"])
    }

    fn launch(params: &str) -> Result<Value, String> {
        Loans::on_launch(params.to_string()).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn happy_path_with_location() {
        let bridge = declared_without_location()
            .grant(&[Permission::Location])
            .position(Position {
                latitude: 52.52,
                longitude: 13.405,
                accuracy_m: 12.0,
            })
            .install();

        let summary = launch(ADA).unwrap();

        assert_eq!(summary["session"], "loginCode");
        assert_eq!(summary["draftSaved"], true);
        assert_eq!(summary["tokenScopes"], json!(["profile"]));
        assert_eq!(summary["tokenExpiresAt"], 1_700_000_000u64 + 900);
        assert_eq!(summary["receipt"]["orderId"], "fee-ada");
        assert_eq!(summary["receipt"]["amountMinor"], 1500);
        assert_eq!(summary["receipt"]["currency"], "EUR");
        assert_eq!(summary["location"], json!({ "lat": 52.52, "lon": 13.405 }));
        assert_eq!(summary["storageKeys"], json!(["draft"]));

        let draft: Application =
            serde_json::from_slice(&bridge.storage_snapshot()["draft"]).unwrap();
        assert_eq!(draft.applicant, "Ada");
        assert_eq!(draft.amount_minor, 500_000);
        assert_eq!(bridge.payments().len(), 1);
        assert_eq!(bridge.titles(), ["Loan application"]);
        assert_eq!(bridge.toasts(), ["Application saved"]);
        assert_eq!(bridge.logs()[0].level, Level::Info);
        let token_call = bridge
            .calls()
            .into_iter()
            .find(|c| c.method == "auth.getToken")
            .unwrap();
        assert_eq!(
            token_call.params["scopes"],
            json!(["profile", "payments:write"])
        );
    }

    #[test]
    fn relaunch_does_not_charge_the_fee_twice() {
        let bridge = declared_without_location().install();
        let first = launch(ADA).unwrap();
        let second = launch(ADA).unwrap();
        assert_eq!(first["receipt"], second["receipt"]);
        assert_eq!(bridge.payments().len(), 1);
    }

    fn methods(bridge: &MockBridge) -> Vec<String> {
        bridge.calls().into_iter().map(|c| c.method).collect()
    }

    #[test]
    fn first_launch_logs_in_by_code_and_the_next_reuses_the_stored_session() {
        let bridge = declared_without_location().install();

        let first = launch(ADA).unwrap();

        assert_eq!(first["session"], "loginCode");
        let login: Vec<String> = methods(&bridge).into_iter().skip(2).take(3).collect();
        assert_eq!(
            login,
            ["secureStorage.get", "auth.loginCode", "secureStorage.set"]
        );
        let stored: session::Session =
            serde_json::from_str(&bridge.secrets()[session::SESSION_KEY]).unwrap();
        assert_eq!(stored.login_code, "mock-login-code-1");
        assert_eq!(stored.code_expires_at, 1_700_000_000 + 300);
        // The session is a secret: not in the app's plain storage.
        assert!(!bridge.storage_snapshot().contains_key("session"));

        let calls_before = bridge.calls().len();
        let second = launch(ADA).unwrap();

        assert_eq!(second["session"], "secureStorage");
        let relaunch = &methods(&bridge)[calls_before..];
        assert_eq!(relaunch[2], "secureStorage.get");
        assert!(
            !relaunch.iter().any(|m| m == "auth.loginCode"),
            "{relaunch:?}"
        );
        assert!(
            !relaunch.iter().any(|m| m == "secureStorage.set"),
            "{relaunch:?}"
        );
        assert_eq!(
            bridge.secrets()[session::SESSION_KEY],
            serde_json::to_string(&stored).unwrap()
        );
    }

    #[test]
    fn an_unreadable_stored_session_is_replaced_by_a_new_login() {
        let bridge = declared_without_location().install();
        miniapp_sdk::secure_storage::set(session::SESSION_KEY, "not json").unwrap();

        assert_eq!(launch(ADA).unwrap()["session"], "loginCode");

        assert!(bridge.secrets()[session::SESSION_KEY].contains("mock-login-code-1"));
        assert!(bridge.logs().iter().any(|l| l.level == Level::Warn));
    }

    #[test]
    fn without_a_keystore_every_launch_logs_in_by_code() {
        let bridge = declared_without_location().no_keystore().install();

        assert_eq!(launch(ADA).unwrap()["session"], "loginCode");
        assert_eq!(launch(ADA).unwrap()["session"], "loginCode");

        let codes = methods(&bridge)
            .into_iter()
            .filter(|m| m == "auth.loginCode")
            .count();
        assert_eq!(codes, 2);
        assert!(!methods(&bridge).iter().any(|m| m == "secureStorage.set"));
    }

    #[test]
    fn a_signed_out_user_cannot_log_in_and_nothing_is_paid() {
        let bridge = declared_without_location().signed_out().install();

        let err = launch(ADA).unwrap_err();

        assert!(err.starts_with("UNAVAILABLE: log in"), "{err}");
        assert!(bridge.secrets().is_empty());
        assert!(bridge.payments().is_empty());
    }

    #[test]
    fn declined_location_is_recorded_and_the_launch_continues() {
        let bridge = declared_without_location().install();

        let summary = launch(ADA).unwrap();

        assert_eq!(summary["location"], "declined");
        assert_eq!(summary["receipt"]["orderId"], "fee-ada");
        assert_eq!(bridge.toasts(), ["Application saved"]);
        let denied = bridge
            .calls()
            .into_iter()
            .find(|c| c.method == "geolocation.currentPosition")
            .unwrap();
        assert_eq!(denied.outcome, Err(Error::PermissionDenied));
        assert!(bridge.logs().iter().any(|l| l.level == Level::Warn));
    }

    #[test]
    fn empty_params_use_the_defaults() {
        declared_without_location().install();
        let summary = launch("").unwrap();
        assert_eq!(summary["receipt"]["orderId"], "fee-guest");
    }

    #[test]
    fn bad_params_are_refused_before_any_bridge_call() {
        let bridge = declared_without_location().install();
        let err = launch(r#"{"applicant":7}"#).unwrap_err();
        assert!(err.starts_with("INVALID_PARAMS"), "{err}");
        assert!(bridge.calls().is_empty());
    }

    #[test]
    fn cancelled_payment_fails_the_launch_with_its_code() {
        let bridge = declared_without_location()
            .payment_outcome(PaymentOutcome::Cancelled)
            .install();

        let err = launch(ADA).unwrap_err();

        assert!(err.starts_with("CANCELLED: pay fee"), "{err}");
        assert!(bridge.payments().is_empty());
        assert!(bridge.toasts().is_empty(), "nothing after the failed step");
        // The draft was saved before the payment and stays.
        assert!(bridge.storage_snapshot().contains_key("draft"));
    }

    #[test]
    fn denied_storage_fails_the_launch_before_paying() {
        let bridge = MockBridge::new()
            .grant(&[Permission::Auth, Permission::Payment, Permission::Ui])
            .allowed_scopes(&["profile"])
            .install();

        let err = launch(ADA).unwrap_err();

        // Secure storage shares the `storage` permission: the login is the first to fail.
        assert!(err.starts_with("PERMISSION_DENIED: log in"), "{err}");
        assert!(bridge.storage_snapshot().is_empty());
        assert!(!methods(&bridge).iter().any(|m| m == "auth.loginCode"));
        assert!(bridge.payments().is_empty());
        assert!(bridge.tokens().is_empty());
    }

    #[test]
    fn submit_event_marks_the_application() {
        let bridge = declared_without_location().install();
        Loans::on_event("submit".into(), r#"{"at":1}"#.into());
        Loans::on_event("pause".into(), String::new());
        assert_eq!(
            bridge.storage_snapshot().into_iter().collect::<Vec<_>>(),
            [("submitted".to_string(), br#"{"at":1}"#.to_vec())]
        );
    }
}
