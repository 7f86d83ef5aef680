//! Payments through the host's payment processor. Permission: `payment`.
//!
//! Paying twice with the same order id returns the first receipt and charges once, so a retry
//! after a lost answer is safe.

use crate::{Error, backend};

pub use miniapp_contract::wire::{PaymentRequest, Receipt};

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
