//! Helpers for unit tests: an app context on a temp home with development services.

use std::sync::Arc;

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use miniapp_package::{AppId, Permission};

use crate::audit::AuditLog;
use crate::capabilities::HostServices;
use crate::capabilities::consent::ConsentStore;
use crate::state::{AppContext, HostContext};
use crate::storage::{AppStorage, DEFAULT_QUOTA_BYTES};
use crate::tokens::TokenIssuer;
use crate::usage::AppUsage;
use miniapp_contract::PermissionSet;

pub(crate) fn context(app: &str, grants: &[Permission]) -> (AppContext, tempfile::TempDir) {
    context_with(app, grants, HostServices::development())
}

pub(crate) fn context_with(
    app: &str,
    grants: &[Permission],
    services: HostServices,
) -> (AppContext, tempfile::TempDir) {
    let grants: PermissionSet = grants.iter().collect();
    context_declaring(app, grants, grants, PermissionSet::EMPTY, services)
}

/// A context whose manifest declares `declared`, of which `grants` were granted; the host
/// withholds `withheld`. Its home (consent answers) and its storage are under the temp dir.
pub(crate) fn context_declaring(
    app: &str,
    declared: PermissionSet,
    grants: PermissionSet,
    withheld: PermissionSet,
    services: HostServices,
) -> (AppContext, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("home")).unwrap();
    std::fs::create_dir(tmp.path().join("data")).unwrap();
    let home = Dir::open_ambient_dir(tmp.path().join("home"), ambient_authority()).unwrap();
    let dir = Dir::open_ambient_dir(tmp.path().join("data"), ambient_authority()).unwrap();
    let host = HostContext {
        services: services.into_map(),
        tokens: TokenIssuer::from_pem(&TokenIssuer::generate_key_pem()).unwrap(),
        audit: AuditLog::disabled(),
        host_version: semver::Version::new(1, 4, 0),
        token_policy: crate::tokens::TokenPolicy::default(),
        redact: crate::capabilities::redact,
        consent: ConsentStore::open(&home).unwrap(),
        withheld,
    };
    let ctx = AppContext {
        app: AppId::parse(app).unwrap(),
        declared,
        grants,
        storage: Arc::new(AppStorage::open(dir, DEFAULT_QUOTA_BYTES).unwrap()),
        usage: Arc::new(AppUsage::default()),
        host: Arc::new(host),
        host_wait_us: Default::default(),
        asked_again: Default::default(),
        instance: Arc::new(crate::state::InstanceInfo::new(
            semver::Version::new(1, 0, 0),
            None,
            true,
        )),
    };
    (ctx, tmp)
}
