//! `payment`: charges through the host's payment processor, idempotent per (app, order id).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::payment as wit;
use super::capability::{Bridge, WitResult, json_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Payment, wit, redact: None);

pub use miniapp_contract::wire::{PaymentRequest, Receipt};

/// The host's payment processor. `pay` may wait for the user (a payment sheet).
/// Implementations must be idempotent on (app, order id).
#[async_trait]
pub trait PaymentService: Send + Sync {
    async fn pay(&self, app: &AppId, request: &PaymentRequest) -> Result<Receipt, BridgeError>;
    async fn query(&self, app: &AppId, order_id: &str) -> Option<Receipt>;
}

/// Records payments in memory; answers a repeated order id with the first receipt.
#[derive(Debug, Default)]
pub struct DevPaymentProcessor {
    receipts: Mutex<HashMap<(AppId, String), Receipt>>,
    charges: Mutex<Vec<(AppId, PaymentRequest)>>,
}

impl DevPaymentProcessor {
    /// Every charge actually made (a repeated order id is not charged again).
    pub fn charges(&self) -> Vec<(AppId, PaymentRequest)> {
        self.charges.lock().unwrap().clone()
    }
}

#[async_trait]
impl PaymentService for DevPaymentProcessor {
    async fn pay(&self, app: &AppId, request: &PaymentRequest) -> Result<Receipt, BridgeError> {
        let mut receipts = self.receipts.lock().unwrap();
        let key = (app.clone(), request.order_id.clone());
        if let Some(r) = receipts.get(&key) {
            return Ok(r.clone());
        }
        let mut charges = self.charges.lock().unwrap();
        charges.push((app.clone(), request.clone()));
        let receipt = Receipt {
            order_id: request.order_id.clone(),
            transaction_id: format!("dev-tx-{:06}", charges.len()),
            amount_minor: request.amount_minor,
            currency: request.currency.clone(),
            paid_at: crate::tokens::now_unix(),
        };
        receipts.insert(key, receipt.clone());
        Ok(receipt)
    }

    async fn query(&self, app: &AppId, order_id: &str) -> Option<Receipt> {
        self.receipts
            .lock()
            .unwrap()
            .get(&(app.clone(), order_id.to_owned()))
            .cloned()
    }
}

fn check(req: &PaymentRequest) -> Result<(), BridgeError> {
    if !(1..=128).contains(&req.order_id.len()) {
        return Err(BridgeError::invalid("order-id must be 1 to 128 bytes"));
    }
    if req.amount_minor == 0 {
        return Err(BridgeError::invalid("amount-minor must be positive"));
    }
    if req.currency.len() != 3 || !req.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(BridgeError::invalid(
            "currency must be an ISO 4217 code like EUR",
        ));
    }
    if req.description.len() > 500 {
        return Err(BridgeError::invalid(
            "description must be at most 500 bytes",
        ));
    }
    Ok(())
}

pub(crate) async fn pay(ctx: &AppContext, req: &PaymentRequest) -> Result<Receipt, BridgeError> {
    check(req)?;
    ctx.service::<dyn PaymentService>().pay(&ctx.app, req).await
}

pub(crate) async fn query(ctx: &AppContext, order_id: &str) -> Result<Receipt, BridgeError> {
    ctx.service::<dyn PaymentService>()
        .query(&ctx.app, order_id)
        .await
        .ok_or(BridgeError::NotFound)
}

impl From<wit::PaymentRequest> for PaymentRequest {
    fn from(r: wit::PaymentRequest) -> Self {
        PaymentRequest {
            order_id: r.order_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            description: r.description,
        }
    }
}

impl From<Receipt> for wit::Receipt {
    fn from(r: Receipt) -> Self {
        wit::Receipt {
            order_id: r.order_id,
            transaction_id: r.transaction_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            paid_at: r.paid_at,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn pay(&mut self, request: wit::PaymentRequest) -> WitResult<wit::Receipt> {
        let ctx = self.ctx;
        let request = PaymentRequest::from(request);
        to_wit(
            bridge_call(
                ctx,
                Method::PaymentPay,
                G,
                || &request,
                || pay(ctx, &request),
            )
            .await,
        )
    }

    async fn query(&mut self, order_id: String) -> WitResult<wit::Receipt> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::PaymentQuery,
                G,
                || json!({"orderId": &order_id}),
                || async { query(ctx, &order_id).await },
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QueryParams {
    order_id: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::PaymentPay => super::capability::json(pay(ctx, &params(method, &p)?).await?),
            Method::PaymentQuery => {
                let QueryParams { order_id } = params(method, &p)?;
                super::capability::json(query(ctx, &order_id).await?)
            }
            _ => Err(BridgeError::Internal(format!(
                "payment does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context_with;
    use miniapp_package::Permission;
    use serde_json::json;
    use std::sync::Arc;

    fn req(order: &str, amount: u64, currency: &str) -> PaymentRequest {
        PaymentRequest {
            order_id: order.into(),
            amount_minor: amount,
            currency: currency.into(),
            description: "fee".into(),
        }
    }

    #[tokio::test]
    async fn idempotent_validated_and_denied_without_charging() {
        let processor = Arc::new(DevPaymentProcessor::default());
        let mut services = super::super::HostServices::development();
        services.payment = processor.clone();
        let (ctx, _home) = context_with("com.acme.loans", &[Permission::Payment], services.clone());
        let a = pay(&ctx, &req("o-1", 1500, "EUR")).await.unwrap();
        let b = pay(&ctx, &req("o-1", 1500, "EUR")).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(processor.charges().len(), 1);
        assert_eq!(query(&ctx, "o-1").await.unwrap(), a);
        assert_eq!(
            query(&ctx, "nope").await.unwrap_err(),
            BridgeError::NotFound
        );
        for bad in [
            req("", 1, "EUR"),
            req("o", 0, "EUR"),
            req("o", 1, "eur"),
            req("o", 1, "EURO"),
        ] {
            assert_eq!(
                pay(&ctx, &bad).await.unwrap_err().code(),
                "INVALID_ARGUMENT"
            );
        }

        let (denied, _home2) = context_with("com.acme.other", &[], services);
        let err = json(
            &denied,
            Method::PaymentPay,
            json!({"orderId": "o-2", "amountMinor": 5, "currency": "EUR", "description": ""}),
        )
        .await
        .unwrap_err();
        assert_eq!(err, BridgeError::PermissionDenied);
        assert_eq!(
            processor.charges().len(),
            1,
            "a denied payment never reaches the processor"
        );
    }
}
