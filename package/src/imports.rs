//! The component import check: every interface a component imports is either granted by a
//! permission its manifest declares, or one every app may import (WASI, `miniapp:bridge/types`,
//! `miniapp:bridge/log`). Read with `wasmparser` alone, so a marketplace running `verify` gets
//! the verdict every host's install gives (the runtime calls the same function).

use std::collections::BTreeSet;

use wasmparser::{Parser, Payload};

use crate::error::PackageError;
use crate::manifest::Permission;
use miniapp_contract::{Interface, WIT_PACKAGE};

/// Most imports a component may have (the whole WIT world has a few dozen).
pub const MAX_IMPORTS: usize = 1024;

/// The WIT interface a permission guards, without version (`miniapp:bridge/payment`); `None`
/// for `network`, which guards the standard `wasi:http/*` interfaces instead.
pub fn bridge_interface(permission: Permission) -> Option<String> {
    Interface::for_permission(permission).map(Interface::wit_name)
}

/// The permission guarding an imported interface name (`miniapp:bridge/payment@0.1.0`), if any.
/// `None` for interfaces every app may import (types, log, WASI) and for unknown ones.
pub fn permission_for_import(import: &str) -> Option<Permission> {
    let unversioned = import.split('@').next().unwrap_or(import);
    if unversioned.starts_with("wasi:http/") {
        return Some(Permission::Network);
    }
    let name = unversioned.strip_prefix(WIT_PACKAGE)?.strip_prefix('/')?;
    Interface::ALL
        .into_iter()
        .find(|i| i.wit_ident() == name)
        .and_then(Interface::permission)
}

/// The names a component imports at its top level (what a host must provide), read without
/// compiling it. `COMPONENT_INVALID` if the bytes do not parse as WebAssembly.
pub fn component_import_names(bytes: &[u8]) -> Result<Vec<String>, PackageError> {
    let bad = |e: &dyn std::fmt::Display| PackageError::ComponentInvalid {
        reason: e.to_string(),
    };
    let mut names = Vec::new();
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| bad(&e))? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    if names.len() >= MAX_IMPORTS {
                        return Err(bad(&format_args!("more than {MAX_IMPORTS} imports")));
                    }
                    names.push(import.map_err(|e| bad(&e))?.name.name.to_owned());
                }
            }
            _ => {}
        }
    }
    Ok(names)
}

/// Every import must be granted by a declared permission or be always allowed (WASI, `types`,
/// `log`): `IMPORT_NOT_PERMITTED` for one guarded by an undeclared permission,
/// `IMPORT_UNKNOWN` for one no host provides.
pub fn check_import_names<'a>(
    names: impl IntoIterator<Item = &'a str>,
    declared: &BTreeSet<Permission>,
) -> Result<(), PackageError> {
    for name in names {
        match permission_for_import(name) {
            Some(p) if !declared.contains(&p) => {
                return Err(PackageError::ImportNotPermitted {
                    interface: name.to_owned(),
                    permission: p,
                });
            }
            Some(_) => {}
            None if name.starts_with("wasi:") || name.starts_with("miniapp:bridge/") => {}
            None => {
                return Err(PackageError::ImportUnknown {
                    interface: name.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// [`component_import_names`] then [`check_import_names`].
pub fn check_component_imports(
    bytes: &[u8],
    declared: &BTreeSet<Permission>,
) -> Result<(), PackageError> {
    let names = component_import_names(bytes)?;
    check_import_names(names.iter().map(String::as_str), declared)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A component with a type section of one empty instance type and one import of it.
    pub(crate) fn component_importing(names: &[&str]) -> Vec<u8> {
        let mut c = b"\0asm\x0d\0\x01\0".to_vec();
        // type section (id 7): 1 type, instance type (0x42) with 0 declarations.
        c.extend([7, 3, 1, 0x42, 0]);
        // import section (id 10)
        let mut body = vec![names.len() as u8];
        for n in names {
            body.push(0); // plain name
            body.push(n.len() as u8);
            body.extend(n.as_bytes());
            body.extend([0x05, 0]); // externdesc: instance of type 0
        }
        c.push(10);
        c.push(body.len() as u8);
        c.extend(body);
        c
    }

    #[test]
    fn imports_are_read_and_checked_against_declared_permissions() {
        let wasm = component_importing(&[
            "wasi:cli/stdout@0.2.6",
            "miniapp:bridge/types@0.1.0",
            "miniapp:bridge/payment@0.1.0",
        ]);
        assert_eq!(component_import_names(&wasm).unwrap().len(), 3);
        let storage: BTreeSet<Permission> = [Permission::Storage].into();
        let e = check_component_imports(&wasm, &storage).unwrap_err();
        assert_eq!(e.code(), "IMPORT_NOT_PERMITTED");
        assert_eq!(
            e,
            PackageError::ImportNotPermitted {
                interface: "miniapp:bridge/payment@0.1.0".into(),
                permission: Permission::Payment
            }
        );
        let both: BTreeSet<Permission> = [Permission::Storage, Permission::Payment].into();
        check_component_imports(&wasm, &both).unwrap();
    }

    #[test]
    fn unknown_imports_and_junk_have_their_own_codes() {
        let wasm = component_importing(&["evil:host/escape"]);
        assert_eq!(
            check_component_imports(&wasm, &BTreeSet::new())
                .unwrap_err()
                .code(),
            "IMPORT_UNKNOWN"
        );
        assert_eq!(
            component_import_names(b"not wasm").unwrap_err().code(),
            "COMPONENT_INVALID"
        );
        // A core module has no component imports; the engine refuses it at compile.
        assert_eq!(
            component_import_names(b"\0asm\x01\0\0\0").unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn interface_names_map_to_permissions() {
        assert_eq!(
            permission_for_import("miniapp:bridge/geolocation@0.1.0"),
            Some(Permission::Location)
        );
        assert_eq!(
            permission_for_import("wasi:http/outgoing-handler@0.2.6"),
            Some(Permission::Network)
        );
        assert_eq!(permission_for_import("miniapp:bridge/log@0.1.0"), None);
        assert_eq!(permission_for_import("miniapp:bridge/paymentx@0.1.0"), None);
        for p in Permission::ALL {
            if let Some(i) = bridge_interface(p) {
                assert_eq!(permission_for_import(&format!("{i}@9.9.9")), Some(p));
            }
        }
    }
}
