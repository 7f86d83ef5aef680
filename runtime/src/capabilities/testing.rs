//! Helpers for unit tests: an app context on a temp home with development services.

use std::sync::Arc;

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use miniapp_package::{AppId, Permission};

use crate::audit::AuditLog;
use crate::capabilities::HostServices;
use crate::state::{AppContext, HostContext};
use crate::storage::{AppStorage, DEFAULT_QUOTA_BYTES};
use crate::tokens::TokenIssuer;
use crate::usage::AppUsage;

pub(crate) fn context(app: &str, grants: &[Permission]) -> (AppContext, tempfile::TempDir) {
    context_with(app, grants, HostServices::development())
}

pub(crate) fn context_with(
    app: &str,
    grants: &[Permission],
    services: HostServices,
) -> (AppContext, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Dir::open_ambient_dir(tmp.path(), ambient_authority()).unwrap();
    let host = HostContext {
        services: services.into_map(),
        tokens: TokenIssuer::from_pem(&TokenIssuer::generate_key_pem()).unwrap(),
        audit: AuditLog::disabled(),
        host_version: semver::Version::new(1, 4, 0),
        token_policy: crate::tokens::TokenPolicy::default(),
        redact: crate::capabilities::redact,
    };
    let ctx = AppContext {
        app: AppId::parse(app).unwrap(),
        grants: grants.iter().collect(),
        storage: Arc::new(AppStorage::open(dir, DEFAULT_QUOTA_BYTES).unwrap()),
        usage: Arc::new(AppUsage::default()),
        host: Arc::new(host),
        host_wait_us: Default::default(),
    };
    (ctx, tmp)
}
