//! Consent for sensitive permissions (payment, location, clipboard, biometrics, notifications,
//! camera): asked once per app and
//! permission, remembered in `<home>/consent.json`, revocable by the host. After a "no" the
//! permission is simply not granted at launch: calls fail fast with `permission-denied` and the
//! user is not asked again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use async_trait::async_trait;
use cap_std::fs::Dir;
use miniapp_package::{AppId, Permission};
use serde::{Deserialize, Serialize};

use crate::fsutil;

/// Asks the user. Called at most once per app and permission until the host revokes the answer,
/// except when the app asks again through `settings.request` (at most once per launch).
#[async_trait]
pub trait ConsentService: Send + Sync {
    async fn ask(&self, app: &AppId, permission: Permission) -> bool;
}

/// Answers from a script: yes to everything except the permissions it declines. Counts prompts.
#[derive(Debug, Default)]
pub struct ScriptedConsent {
    declined: BTreeSet<Permission>,
    prompts: Mutex<Vec<(AppId, Permission)>>,
}

impl ScriptedConsent {
    pub fn allow_all() -> Self {
        ScriptedConsent::default()
    }

    pub fn declining(permissions: &[Permission]) -> Self {
        ScriptedConsent {
            declined: permissions.iter().copied().collect(),
            ..Default::default()
        }
    }

    /// Every prompt shown so far.
    pub fn prompts(&self) -> Vec<(AppId, Permission)> {
        self.prompts.lock().unwrap().clone()
    }
}

#[async_trait]
impl ConsentService for ScriptedConsent {
    async fn ask(&self, app: &AppId, permission: Permission) -> bool {
        self.prompts.lock().unwrap().push((app.clone(), permission));
        !self.declined.contains(&permission)
    }
}

/// Remembered answers, persisted crash-safely.
#[derive(Debug)]
pub(crate) struct ConsentStore {
    dir: Dir,
    answers: Mutex<BTreeMap<AppId, BTreeMap<Permission, bool>>>,
}

const FILE: &str = "consent.json";

impl ConsentStore {
    pub(crate) fn open(home: &Dir) -> std::io::Result<Self> {
        let dir = home.try_clone()?;
        let answers = match dir.read(FILE) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                // A damaged file forgets answers: the user is asked again, nothing is granted silently.
                tracing::warn!("consent.json is damaged ({e}); consent will be asked again");
                BTreeMap::new()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(e),
        };
        Ok(ConsentStore {
            dir,
            answers: Mutex::new(answers),
        })
    }

    pub(crate) fn answer(&self, app: &AppId, p: Permission) -> Option<bool> {
        self.answers
            .lock()
            .unwrap()
            .get(app)
            .and_then(|m| m.get(&p))
            .copied()
    }

    pub(crate) fn remember(
        &self,
        app: &AppId,
        p: Permission,
        granted: Option<bool>,
    ) -> std::io::Result<()> {
        let mut answers = self.answers.lock().unwrap();
        let entry = answers.entry(app.clone()).or_default();
        match granted {
            Some(g) => {
                entry.insert(p, g);
            }
            None => {
                entry.remove(&p);
            }
        }
        let bytes = serde_json::to_vec_pretty(&*answers).expect("consent answers serialize");
        fsutil::write_atomic(&self.dir, FILE, &bytes)
    }
}

/// What a host shows about one app's sensitive permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentState {
    pub permission: Permission,
    /// `None`: not asked yet.
    pub granted: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cap_std::ambient_authority;

    #[test]
    fn answers_survive_reopen_and_can_be_revoked() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Dir::open_ambient_dir(tmp.path(), ambient_authority()).unwrap();
        let app = AppId::parse("com.acme.a").unwrap();
        let store = ConsentStore::open(&home).unwrap();
        assert_eq!(store.answer(&app, Permission::Location), None);
        store
            .remember(&app, Permission::Location, Some(false))
            .unwrap();
        let store = ConsentStore::open(&home).unwrap();
        assert_eq!(store.answer(&app, Permission::Location), Some(false));
        store.remember(&app, Permission::Location, None).unwrap();
        assert_eq!(
            ConsentStore::open(&home)
                .unwrap()
                .answer(&app, Permission::Location),
            None
        );
    }
}
