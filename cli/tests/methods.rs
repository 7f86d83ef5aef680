//! `miniapp methods` lists the contract's method table, for people and for machines.

use std::process::Command;

use miniapp_contract::{Interface, LifecycleEvent, Method};
use serde_json::Value;

fn methods(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_miniapp"))
        .arg("methods")
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn json_lists_every_method_of_the_table_with_its_interface_and_permission() {
    let listed: Vec<Value> = serde_json::from_str(&methods(&["--json"])).unwrap();
    assert_eq!(listed.len(), Method::ALL.len());
    for (entry, m) in listed.iter().zip(Method::ALL) {
        assert_eq!(entry["method"], m.name());
        assert_eq!(entry["interface"], m.interface().name());
        assert_eq!(entry["wit"], m.interface().wit_name());
        assert_eq!(
            entry["permission"].as_str(),
            m.permission().map(|p| p.as_str()),
            "{m}"
        );
        assert_eq!(entry["params"], m.params_ts());
        assert_eq!(entry["result"], m.result_ts());
    }
    let pay = listed
        .iter()
        .find(|e| e["method"] == "payment.pay")
        .unwrap();
    assert_eq!(pay["permission"], "payment");
    assert_eq!(pay["sensitive"], true);
    let log = listed.iter().find(|e| e["method"] == "log.log").unwrap();
    assert_eq!(log["permission"], Value::Null);
}

#[test]
fn human_output_has_one_line_per_method_and_a_count() {
    let out = methods(&[]);
    for m in Method::ALL {
        let line = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(m.name()))
            .unwrap_or_else(|| panic!("{m} missing:\n{out}"));
        assert_eq!(
            line.split_whitespace().nth(1),
            Some(m.interface().name()),
            "{line}"
        );
    }
    assert!(out.contains("payment (consent)"), "{out}");
    assert!(out.contains(&format!(
        "{} methods in {} interfaces",
        Method::ALL.len(),
        Interface::ALL.len()
    )));
    let events = out.lines().find(|l| l.starts_with("events")).unwrap();
    for name in LifecycleEvent::NAMES {
        assert!(events.contains(name), "{events}");
    }
}
