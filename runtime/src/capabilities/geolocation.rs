//! `geolocation` (permission `location`, sensitive: consent is asked once per app).

use async_trait::async_trait;
use miniapp_package::AppId;
use serde_json::Value;

use super::capability::bindings::miniapp::bridge::geolocation as wit;
use super::capability::{Bridge, WitResult, json_params, no_params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Geolocation, wit, redact: None);

pub use miniapp_contract::wire::Position;

/// The device's location provider.
#[async_trait]
pub trait LocationService: Send + Sync {
    async fn current_position(&self, app: &AppId) -> Result<Position, BridgeError>;
}

/// Always answers the same position (Lisbon, 25 m).
#[derive(Debug, Clone)]
pub struct FixedLocation(pub Position);

impl Default for FixedLocation {
    fn default() -> Self {
        FixedLocation(Position {
            latitude: 38.7223,
            longitude: -9.1393,
            accuracy_m: 25.0,
        })
    }
}

#[async_trait]
impl LocationService for FixedLocation {
    async fn current_position(&self, _app: &AppId) -> Result<Position, BridgeError> {
        Ok(self.0)
    }
}

pub(crate) async fn current_position(ctx: &AppContext) -> Result<Position, BridgeError> {
    ctx.service::<dyn LocationService>()
        .current_position(&ctx.app)
        .await
}

impl From<Position> for wit::Position {
    fn from(p: Position) -> Self {
        wit::Position {
            latitude: p.latitude,
            longitude: p.longitude,
            accuracy_m: p.accuracy_m,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn current_position(&mut self) -> WitResult<wit::Position> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::GeolocationCurrentPosition,
                G,
                no_params,
                || current_position(ctx),
            )
            .await,
        )
    }
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        super::capability::json(current_position(ctx).await?)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use miniapp_package::Permission;

    #[tokio::test]
    async fn granted_and_denied() {
        let (ctx, _h) = context("com.acme.a", &[Permission::Location]);
        let v = json(&ctx, Method::GeolocationCurrentPosition, Value::Null)
            .await
            .unwrap();
        assert_eq!(v["latitude"], 38.7223);
        let (ctx, _h) = context("com.acme.a", &[Permission::Storage]);
        let e = json(&ctx, Method::GeolocationCurrentPosition, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);
    }
}
