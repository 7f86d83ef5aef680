//! The JS SDK's protocol files, generated from this crate: `web/bridge/protocol.js` (the
//! contract as data) and `web/bridge/protocol.d.ts` (its types). `cargo run -p miniapp-contract
//! -- write-web web/bridge` writes them; a test fails when the committed ones are stale.

use std::fmt::Write;

use crate::lifecycle::{EVENT_DOCS, TS_EVENT_PAYLOADS, TS_EVENT_TYPES};
use crate::wire::{Level, TS_ALIASES, TS_TYPES, TsType};
use crate::{
    BridgeError, LifecycleEvent, MemoryLevel, Method, Permission, TRANSPORT_ERROR_CODES, limits,
};

/// The command that regenerates the files, quoted in their headers and in the staleness test.
pub const REGENERATE: &str = "cargo run -p miniapp-contract -- write-web web/bridge";

/// The generated files: (file name, contents).
pub fn files() -> [(&'static str, String); 2] {
    [
        ("protocol.js", protocol_js()),
        ("protocol.d.ts", protocol_d_ts()),
    ]
}

fn header(out: &mut String) {
    let _ = writeln!(
        out,
        "// Generated from the miniapp-contract crate (contract/src) by `{REGENERATE}`.\n\
         // Do not edit: change the contract and regenerate."
    );
}

fn host_codes() -> impl Iterator<Item = &'static str> {
    BridgeError::CODES.into_iter().chain(TRANSPORT_ERROR_CODES)
}

/// `protocol.js`: error codes, permissions, methods with their permissions, log levels, limits.
pub fn protocol_js() -> String {
    let mut out = String::new();
    header(&mut out);
    out.push_str("\n/** Error codes the host may send in `{\"error\": {\"code\": ...}}`. */\n");
    out.push_str("export const ERROR_CODES = Object.freeze([\n");
    for code in host_codes() {
        let _ = writeln!(out, "  '{code}',");
    }
    out.push_str("]);\n\n");
    out.push_str(
        "/** Code of the error a call rejects with when no response arrived in time (client side only). */\n\
         export const TIMEOUT = 'TIMEOUT';\n\n",
    );
    out.push_str(
        "/** Every permission a manifest may declare. `network` guards fetch, not a bridge method. */\n\
         export const PERMISSIONS = Object.freeze([\n",
    );
    for p in Permission::ALL {
        let _ = writeln!(out, "  '{p}',");
    }
    out.push_str("]);\n\n");
    out.push_str(
        "/** Permissions the user must consent to before a launch that needs them. */\n\
         export const SENSITIVE_PERMISSIONS = Object.freeze([\n",
    );
    for p in Permission::ALL.into_iter().filter(|p| p.is_sensitive()) {
        let _ = writeln!(out, "  '{p}',");
    }
    out.push_str("]);\n\n");
    out.push_str(
        "/** Every bridge method and the permission it needs (`null`: always allowed). */\n\
         export const METHODS = Object.freeze({\n",
    );
    for m in Method::ALL {
        match m.permission() {
            Some(p) => {
                let _ = writeln!(out, "  '{m}': '{p}',");
            }
            None => {
                let _ = writeln!(out, "  '{m}': null,");
            }
        }
    }
    out.push_str("});\n\n");
    out.push_str(
        "/** The permission `method` needs: `null` if none, `undefined` if the method does not exist. */\n\
         export function permissionFor(method) {\n  \
         return Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;\n}\n\n",
    );
    out.push_str("export const LOG_LEVELS = Object.freeze([");
    let levels: Vec<String> = Level::ALL
        .iter()
        .map(|l| format!("'{}'", l.as_str()))
        .collect();
    out.push_str(&levels.join(", "));
    out.push_str("]);\n\n");
    out.push_str("/** Limits, in UTF-8 bytes unless said otherwise. */\nexport const LIMITS = Object.freeze({\n");
    for (name, value) in limits::WEB_LIMITS {
        let _ = writeln!(out, "  {name}: {value},");
    }
    out.push_str("});\n\n");
    out.push_str(
        "/** What one storage entry counts against the quota: the host's rule, used by the mocks. */\n\
         export function storageEntryBytes(keyBytes, valueBytes) {\n  \
         return LIMITS.storageEntryOverheadBytes + keyBytes + valueBytes;\n}\n\n",
    );
    out.push_str(
        "/** The standard lifecycle events a host sends (`{\"event\": name, \"data\": {...}}`); hosts may send others. */\n\
         export const LIFECYCLE_EVENTS = Object.freeze([",
    );
    out.push_str(&quoted(LifecycleEvent::NAMES.iter().copied()).join(", "));
    out.push_str(
        "]);\n\n/** `memoryWarning`'s levels. */\nexport const MEMORY_LEVELS = Object.freeze([",
    );
    out.push_str(&quoted(MemoryLevel::ALL.iter().map(|l| l.as_str())).join(", "));
    out.push_str("]);\n");
    out
}

fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    names.map(|n| format!("'{n}'")).collect()
}

fn ts_interface(out: &mut String, ty: &TsType) {
    let _ = writeln!(out, "export interface {} {{", ty.name);
    for (name, ts, doc) in ty.fields {
        doc_comment(out, "  ", doc);
        let _ = writeln!(out, "  {name}: {ts};");
    }
    out.push_str("}\n\n");
}

fn doc_comment(out: &mut String, indent: &str, doc: &str) {
    if !doc.is_empty() {
        let _ = writeln!(out, "{indent}/** {doc} */");
    }
}

/// `protocol.d.ts`: the types of the wire protocol, of every method's params and result, and of
/// the constants in `protocol.js`.
pub fn protocol_d_ts() -> String {
    let mut out = String::new();
    header(&mut out);
    out.push_str(
        "\n/** Codes the host sends in an error response. */\nexport type HostErrorCode =\n",
    );
    for code in host_codes() {
        let _ = writeln!(out, "  | '{code}'");
    }
    out.truncate(out.len() - 1);
    out.push_str(";\n\n");
    out.push_str(
        "/** Every code a BridgeError can carry: the host's, plus `TIMEOUT` (no response in time). */\n\
         export type BridgeErrorCode = HostErrorCode | 'TIMEOUT';\n\n",
    );
    out.push_str("export type Permission =\n");
    for p in Permission::ALL {
        let _ = writeln!(out, "  | '{p}'");
    }
    out.truncate(out.len() - 1);
    out.push_str(";\n\n");
    let levels: Vec<String> = Level::ALL
        .iter()
        .map(|l| format!("'{}'", l.as_str()))
        .collect();
    let _ = writeln!(out, "export type LogLevel = {};\n", levels.join(" | "));
    out.push_str(
        "/** Any JSON value. */\n\
         export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };\n\n\
         /** `{\"id\": 7, \"method\": \"storage.set\", \"params\": {...}}` */\n\
         export interface BridgeRequest<M extends MethodName = MethodName> {\n  \
         id: number;\n  method: M;\n  params: MethodParams<M>;\n}\n\n\
         /** `{\"id\": 7, \"result\": ...}` or `{\"id\": 7, \"error\": {\"code\": ..., \"message\": ...}}` */\n\
         export type BridgeResponse<M extends MethodName = MethodName> =\n  \
         | { id: number; result: MethodResult<M> }\n  \
         | { id: number; error: BridgeErrorBody };\n\n\
         export interface BridgeErrorBody {\n  code: HostErrorCode | (string & {});\n  message: string;\n}\n\n",
    );
    out.push_str(
        "export const ERROR_CODES: readonly HostErrorCode[];\n\
         export const TIMEOUT: 'TIMEOUT';\n\
         export const PERMISSIONS: readonly Permission[];\n\
         export const SENSITIVE_PERMISSIONS: readonly Permission[];\n\
         export const LOG_LEVELS: readonly LogLevel[];\n\
         export const METHODS: Readonly<{ [M in MethodName]: Permission | null }>;\n\
         /** The permission `method` needs: `null` if none, `undefined` if the method does not exist. */\n\
         export function permissionFor(method: string): Permission | null | undefined;\n\
         export const LIMITS: Readonly<{\n",
    );
    for (name, value) in limits::WEB_LIMITS {
        let _ = writeln!(out, "  {name}: {value};");
    }
    out.push_str("}>;\n");
    out.push_str(
        "/** What one storage entry counts against the quota: the host's rule, used by the mocks. */\n\
         export function storageEntryBytes(keyBytes: number, valueBytes: number): number;\n\n",
    );
    for (name, union) in TS_ALIASES {
        let _ = writeln!(out, "export type {name} = {union};\n");
    }
    for ty in TS_TYPES {
        ts_interface(&mut out, ty);
    }
    out.push_str(
        "/** Params and result of every method, by wire name. */\nexport interface MethodMap {\n",
    );
    for m in Method::ALL {
        let _ = writeln!(
            out,
            "  '{m}': {{ params: {}; result: {} }};",
            m.params_ts(),
            m.result_ts()
        );
    }
    out.push_str(
        "}\n\n\
         export type MethodName = keyof MethodMap;\n\
         export type MethodParams<M extends MethodName> = MethodMap[M]['params'];\n\
         export type MethodResult<M extends MethodName> = MethodMap[M]['result'];\n\n",
    );
    lifecycle_d_ts(&mut out);
    out
}

/// The lifecycle events' part of `protocol.d.ts`: names, payloads, the event message.
fn lifecycle_d_ts(out: &mut String) {
    let _ = writeln!(
        out,
        "/** `memoryWarning`'s levels. */\nexport type MemoryLevel = {};\n",
        quoted(MemoryLevel::ALL.iter().map(|l| l.as_str())).join(" | ")
    );
    out.push_str("/** The payload of the events that carry nothing: `{}`. */\nexport type EmptyPayload = Record<string, never>;\n\n");
    for ty in TS_EVENT_TYPES {
        ts_interface(out, ty);
    }
    out.push_str("/** The payload of every standard lifecycle event, by wire name. */\nexport interface LifecycleEventMap {\n");
    for ((name, ts), (_, doc)) in TS_EVENT_PAYLOADS.iter().zip(EVENT_DOCS) {
        doc_comment(out, "  ", doc);
        let _ = writeln!(out, "  {name}: {ts};");
    }
    out.push_str(
        "}\n\n\
         export type LifecycleEventName = keyof LifecycleEventMap;\n\
         export const LIFECYCLE_EVENTS: readonly LifecycleEventName[];\n\
         export const MEMORY_LEVELS: readonly MemoryLevel[];\n\n\
         /** `{\"event\": \"memoryWarning\", \"data\": {\"level\": \"critical\"}}`: host → page, no `id`. Hosts may send events of other names. */\n\
         export interface EventMessage<E extends string = LifecycleEventName> {\n  \
         event: E;\n  \
         data: E extends LifecycleEventName ? LifecycleEventMap[E] : JsonValue;\n}\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_appears_with_its_permission() {
        let js = protocol_js();
        let ts = protocol_d_ts();
        for m in Method::ALL {
            assert!(
                js.contains(&format!("'{m}': ")),
                "{m} missing from protocol.js"
            );
            assert!(
                ts.contains(&format!("'{m}': {{ params: ")),
                "{m} missing from protocol.d.ts"
            );
        }
        assert!(js.contains("'payment.pay': 'payment',"));
        assert!(js.contains("'log.log': null,"));
        assert!(js.contains("storageKeyBytes: 1024,"));
        assert!(js.contains("LIFECYCLE_EVENTS = Object.freeze(['show', 'hide', 'suspend', 'resume', 'memoryWarning', 'updateReady'])"));
        for name in LifecycleEvent::NAMES {
            assert!(
                ts.contains(&format!("  {name}: ")),
                "{name} missing from protocol.d.ts"
            );
        }
        assert!(ts.contains("export type MemoryLevel = 'moderate' | 'critical';"));
    }
}
