//! `performance`: the app's own figures for this instance — how long its launch took and what
//! its bridge calls cost — as the host measured them. No permission guards it (like `log`): it
//! reports nothing but the app itself. A plain host function: reading a few counters never
//! waits.

use std::sync::atomic::Ordering;

use serde_json::Value;

use super::capability::bindings::miniapp::bridge::performance as wit;
use super::capability::{Bridge, NoParams, json_params, no_params, params};
use crate::bridge::{BridgeError, Method, bridge_call, bridge_call_sync};
use crate::state::AppContext;

super::capability::declare_capability!(Performance, wit, redact: None);

pub use miniapp_contract::wire::{LaunchMetrics, PerformanceMetrics};

fn ms(us: u64) -> f64 {
    us as f64 / 1e3
}

pub(crate) fn metrics(ctx: &AppContext) -> PerformanceMetrics {
    let instance = &ctx.instance;
    PerformanceMetrics {
        launch: instance.launch.get().map(|t| LaunchMetrics {
            load_ms: t.load_ms,
            link_ms: t.link_ms,
            instantiate_ms: t.instantiate_ms,
            on_launch_ms: instance.on_launch_ms.get().copied(),
        }),
        bridge_calls: instance.bridge_calls.load(Ordering::Relaxed),
        bridge_host_ms: ms(ctx.host_wait_us.load(Ordering::Relaxed)),
        guest_ms: instance
            .component
            .then(|| ms(instance.guest_time_us.load(Ordering::Relaxed))),
    }
}

impl From<PerformanceMetrics> for wit::Figures {
    fn from(m: PerformanceMetrics) -> Self {
        wit::Figures {
            launch: m.launch.map(|l| wit::LaunchMetrics {
                load_ms: l.load_ms,
                link_ms: l.link_ms,
                instantiate_ms: l.instantiate_ms,
                on_launch_ms: l.on_launch_ms,
            }),
            bridge_calls: m.bridge_calls,
            bridge_host_ms: m.bridge_host_ms,
            guest_ms: m.guest_ms,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    fn metrics(&mut self) -> wasmtime::Result<wit::Figures> {
        let ctx = self.ctx;
        // No permission guards it, so it is always linked granted and cannot fail.
        let m = bridge_call_sync(ctx, Method::PerformanceMetrics, true, no_params, || {
            Ok(metrics(ctx))
        })
        .unwrap_or_else(|_| metrics(ctx));
        Ok(m.into())
    }
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        params::<NoParams>(method, &p)?;
        super::capability::json(metrics(ctx))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use crate::runtime::LaunchTimings;
    use crate::state::InstanceInfo;
    use miniapp_package::Permission;
    use serde_json::json;
    use std::sync::Arc;

    #[tokio::test]
    async fn metrics_count_this_instances_calls_and_report_its_launch() {
        let (mut ctx, _home) = context("com.acme.a", &[Permission::Storage]);
        let instance = Arc::new(InstanceInfo::new(semver::Version::new(1, 0, 0), None, true));
        instance
            .launch
            .set(LaunchTimings {
                load_ms: 3.0,
                link_ms: 1.0,
                instantiate_ms: 2.5,
            })
            .unwrap();
        ctx.instance = instance.clone();
        let m = json(&ctx, Method::PerformanceMetrics, Value::Null)
            .await
            .unwrap();
        assert_eq!(
            m,
            json!({
                "launch": {"loadMs": 3.0, "linkMs": 1.0, "instantiateMs": 2.5, "onLaunchMs": null},
                "bridgeCalls": 1,
                "bridgeHostMs": 0.0,
                "guestMs": 0.0,
            })
        );
        super::super::storage::json(&ctx, Method::StorageKeys, json!({}))
            .await
            .unwrap();
        instance.on_launch_ms.set(7.0).unwrap();
        ctx.host_wait_us.fetch_add(1500, Ordering::Relaxed);
        let m = json(&ctx, Method::PerformanceMetrics, json!({}))
            .await
            .unwrap();
        assert_eq!(
            m["bridgeCalls"], 3,
            "its own call and the storage call count"
        );
        assert_eq!(m["launch"]["onLaunchMs"], 7.0);
        assert!(m["bridgeHostMs"].as_f64().unwrap() >= 1.5, "{m}");
        let e = json(&ctx, Method::PerformanceMetrics, json!({"all": true}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }

    #[tokio::test]
    async fn a_web_page_has_no_launch_or_guest_figures() {
        let (mut ctx, _home) = context("com.acme.a", &[]);
        ctx.instance = Arc::new(InstanceInfo::new(
            semver::Version::new(1, 0, 0),
            None,
            false,
        ));
        let m = json(&ctx, Method::PerformanceMetrics, json!({}))
            .await
            .unwrap();
        assert_eq!(m["launch"], Value::Null);
        assert_eq!(m["guestMs"], Value::Null);
        assert_eq!(m["bridgeCalls"], 1);
    }
}
