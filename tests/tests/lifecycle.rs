//! Lifecycle events (issue 16): each standard event reaches a real component through
//! `AppInstance::deliver` with its wire name and payload, and the guest SDK parses it back; a
//! host's own event passes through by name. `Runtime::memory_warning` drops the caches it can
//! rebuild, live instances keep running, and later launches still work (cold).

use miniapp_package::AppId;
use miniapp_runtime::{HostServices, LaunchOptions, LifecycleEvent, MemoryLevel, Runtime};
use miniapp_scenarios::{
    ALL_BRIDGE, World, block_on, guests, manifest, package, probe_events, probe_script,
};
use serde_json::{Value, json};

const PROBE: &str = "com.acme.probe";

fn probe_runtime(world: &World) -> Runtime {
    let rt = world.runtime(HostServices::development());
    rt.install_package(&package(
        &manifest(PROBE, "1.0.0", ALL_BRIDGE),
        guests::PROBE,
    ))
    .unwrap();
    rt
}

fn probe() -> AppId {
    AppId::parse(PROBE).unwrap()
}

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
            version: "1.1.0".into(),
        },
    ]
}

#[test]
fn each_standard_event_reaches_the_component_with_its_name_and_payload() {
    let world = World::new();
    let rt = probe_runtime(&world);
    let events = every_event();
    block_on(async {
        let mut inst = rt.launch(&probe(), LaunchOptions::default()).await.unwrap();
        inst.on_launch(&probe_script(&[])).await.unwrap();
        for e in &events {
            inst.deliver(e).await.unwrap();
        }
        // A host's own event, and a standard name with a payload that does not fit.
        inst.on_event("back", r#"{"from":"/cart"}"#).await.unwrap();
        inst.on_event("updateReady", "{}").await.unwrap();
    });

    let got = probe_events(&rt, PROBE);
    assert_eq!(got.len(), events.len() + 2, "{got:#?}");
    for (e, rec) in events.iter().zip(&got) {
        assert_eq!(rec["name"], e.name());
        let payload: Value = serde_json::from_str(rec["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload, e.payload(), "{rec}");
        // The guest SDK parsed it into the same typed event.
        assert_eq!(
            rec["parsed"],
            json!({"name": e.name(), "payload": e.payload()})
        );
    }
    assert_eq!(got[0]["payload"], "{}");
    assert_eq!(got[5]["payload"], r#"{"level":"critical"}"#);
    assert_eq!(got[6]["payload"], r#"{"version":"1.1.0"}"#);
    let custom = &got[events.len()];
    assert_eq!(custom["name"], "back");
    assert_eq!(custom["payload"], r#"{"from":"/cart"}"#);
    assert_eq!(custom["parsed"], Value::Null, "custom names pass through");
    let bad = &got[events.len() + 1];
    assert!(
        bad["parsed"]["error"]
            .as_str()
            .unwrap()
            .contains("updateReady"),
        "{bad}"
    );
}

#[test]
fn memory_warnings_drop_caches_and_later_launches_still_work() {
    let world = World::new();
    let rt = probe_runtime(&world);
    let app = probe();
    block_on(async {
        // Warm: one run leaves the compiled component, an InstancePre and the storage handle.
        rt.run(&app, &probe_script(&[]), LaunchOptions::default())
            .await
            .unwrap();
        let moderate = rt.memory_warning(MemoryLevel::Moderate);
        assert_eq!(moderate.components, 1, "{moderate:?}");
        assert_eq!(moderate.instance_pres, 1, "{moderate:?}");
        assert_eq!(moderate.linkers, 0, "moderate keeps the linkers");
        assert_eq!(
            moderate.storage_handles, 0,
            "moderate keeps storage handles"
        );
        // Nothing left to drop the second time.
        assert_eq!(rt.memory_warning(MemoryLevel::Moderate).components, 0);

        // The next launch is cold (reloads the artifact) and works.
        let mut live = rt.launch(&app, LaunchOptions::default()).await.unwrap();
        assert!(live.timings().load_ms > 0.0, "{:?}", live.timings());
        let script = probe_script(&[(
            "storage.set",
            json!({"key": "k", "value": "before the warning"}),
        )]);
        live.on_launch(&script).await.unwrap();

        // Critical, with a live instance: its storage handle is held, so it stays.
        let critical = rt.memory_warning(MemoryLevel::Critical);
        assert_eq!(critical.components, 1, "{critical:?}");
        assert!(critical.linkers >= 1, "{critical:?}");
        assert_eq!(critical.storage_handles, 0, "held by the live instance");
        // The host then tells its live instances; they keep running on what they hold.
        live.deliver(&LifecycleEvent::MemoryWarning {
            level: MemoryLevel::Critical,
        })
        .await
        .unwrap();
        let out = live
            .on_launch(&probe_script(&[("storage.get", json!({"key": "k"}))]))
            .await
            .unwrap();
        assert_eq!(out, r#"[{"ok":"before the warning"}]"#);
        drop(live);

        // A new launch after the critical warning relinks, reloads and sees the same storage.
        let out = rt
            .run(
                &app,
                &probe_script(&[("storage.get", json!({"key": "k"}))]),
                LaunchOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(out, r#"[{"ok":"before the warning"}]"#);
        // With no live instance, a critical warning also drops the idle storage handle.
        let idle = rt.memory_warning(MemoryLevel::Critical);
        assert_eq!(idle.storage_handles, 1, "{idle:?}");
        rt.run(&app, &probe_script(&[]), LaunchOptions::default())
            .await
            .unwrap();
        let (used, _) = rt.storage_usage(&app).unwrap();
        assert!(used > 0, "the reopened handle counts what is stored");
    });
    let events = probe_events(&rt, PROBE);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["parsed"]["payload"], json!({"level": "critical"}));
}
