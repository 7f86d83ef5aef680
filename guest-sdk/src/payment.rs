//! Payments through the host's payment processor. Permission: `payment`.
//!
//! Paying twice with the same order id returns the first receipt and charges once, so a retry
//! after a lost answer is safe.

use serde::{Deserialize, Serialize};

use crate::{Error, backend};

/// What to charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest {
    /// Your own order id, 1 to 128 bytes; the idempotency key.
    pub order_id: String,
    /// Amount in minor units (cents); must be positive.
    pub amount_minor: u64,
    /// ISO 4217 code, three upper-case letters.
    pub currency: String,
    /// Shown to the user on the payment sheet.
    pub description: String,
}

impl PaymentRequest {
    pub fn new(
        order_id: impl Into<String>,
        amount_minor: u64,
        currency: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        PaymentRequest {
            order_id: order_id.into(),
            amount_minor,
            currency: currency.into(),
            description: description.into(),
        }
    }
}

/// Proof of a completed payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub order_id: String,
    /// The processor's transaction id.
    pub transaction_id: String,
    pub amount_minor: u64,
    pub currency: String,
    /// Seconds since the Unix epoch.
    pub paid_at: u64,
}

/// Charges the user; returns when they have paid or cancelled.
///
/// Errors: `InvalidArgument`, `Cancelled` (the user closed the payment sheet), `Unavailable`,
/// `PermissionDenied`.
pub fn pay(request: PaymentRequest) -> Result<Receipt, Error> {
    backend::payment_pay(&request)
}

/// The receipt of an earlier payment of this mini-program. Errors: `NotFound`, `PermissionDenied`.
pub fn query(order_id: &str) -> Result<Receipt, Error> {
    backend::payment_query(order_id)
}
