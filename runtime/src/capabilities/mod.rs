//! One file per capability: its host service trait, its core functions (permission already
//! checked by [`crate::bridge::bridge_call`]), its WIT `Host` impl, its JSON entry and its tests.
//! This file is the registry (one line per capability), the linking of a grant set, the JSON
//! dispatch and the host's services; what the files share is in `capability.rs`, which names
//! none of them. Adding a capability: see `README.md` beside this file.

use std::sync::Arc;

use miniapp_contract::{Interface, Permission};
use serde_json::Value;
use wasmtime::component::Linker;

use crate::bridge::{BridgeError, Method};
use crate::state::{AppContext, AppState};

pub mod auth;
pub mod biometrics;
pub(crate) mod capability;
pub mod clipboard;
pub mod consent;
pub mod device;
pub mod files;
pub mod geolocation;
pub mod haptics;
pub mod log;
pub mod media;
pub mod navigation;
pub mod network;
pub mod notifications;
pub mod payment;
pub mod performance;
pub mod secure_storage;
pub mod settings;
pub mod share;
pub mod storage;
#[cfg(test)]
pub(crate) mod testing;
pub mod ui;
pub mod updates;

pub(crate) use capability::bindings;
use capability::{Capability, Linked, bridge};

/// The registry, in [`Interface::ALL`]'s order: adding a capability adds one line here (and its
/// file, its WIT and its rows in the contract; see this module's README.md).
pub(crate) const REGISTRY: [Capability; Interface::ALL.len()] = [
    storage::CAPABILITY,
    auth::CAPABILITY,
    payment::CAPABILITY,
    geolocation::CAPABILITY,
    ui::CAPABILITY,
    device::CAPABILITY,
    clipboard::CAPABILITY,
    share::CAPABILITY,
    haptics::CAPABILITY,
    navigation::CAPABILITY,
    settings::CAPABILITY,
    secure_storage::CAPABILITY,
    files::CAPABILITY,
    biometrics::CAPABILITY,
    notifications::CAPABILITY,
    media::CAPABILITY,
    updates::CAPABILITY,
    performance::CAPABILITY,
    log::CAPABILITY,
];

/// The capability serving an interface.
pub(crate) fn capability(interface: Interface) -> &'static Capability {
    &REGISTRY[interface as usize]
}

/// Removes the secrets a method's capability declares from its JSON result (see
/// [`Capability::redact`]); the runtime hands it to the bridge's records.
pub(crate) fn redact(method: Method, result: &mut Value) {
    if let Some(redact) = capability(method.interface()).redact {
        redact(method, result);
    }
}

/// The permission guarding an imported interface name (`miniapp:bridge/payment@0.1.0`), if any.
/// `None` for interfaces every app may import (types, log, WASI).
pub fn permission_for_import(import: &str) -> Option<Permission> {
    miniapp_package::imports::permission_for_import(import)
}

/// Links the bridge for one grant set: always `types` and the capabilities no permission guards
/// (settings, updates, performance, log); each declared capability to its host service when granted, to the denial stub when
/// not; undeclared ones not at all.
pub(crate) fn link_bridge(
    linker: &mut Linker<AppState>,
    declared: miniapp_contract::PermissionSet,
    granted: miniapp_contract::PermissionSet,
) -> wasmtime::Result<()> {
    bindings::miniapp::bridge::types::add_to_linker::<AppState, Linked<true>>(
        linker,
        bridge::<true>,
    )?;
    for cap in &REGISTRY {
        match cap.interface.permission() {
            None => (cap.link)(linker, true)?,
            Some(p) if declared.contains(p) => (cap.link)(linker, granted.contains(p))?,
            Some(_) => {}
        }
    }
    // `network` is the standard `wasi:http`, linked for apps that declare it; whether it is
    // granted is decided per request by the instance's hooks (see network.rs).
    #[cfg(feature = "wasi-http")]
    if declared.contains(Permission::Network) {
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(linker)?;
    }
    #[cfg(not(feature = "wasi-http"))]
    if declared.contains(Permission::Network) {
        wasmtime::bail!(
            "this runtime was built without its `wasi-http` feature: apps that declare `network` cannot run"
        );
    }
    Ok(())
}

/// Every service the embedding host provides. [`HostServices::development`] gives in-memory
/// implementations for the demo, tests and the simulator.
#[derive(Clone)]
pub struct HostServices {
    pub identity: Arc<dyn auth::IdentityService>,
    pub payment: Arc<dyn payment::PaymentService>,
    pub location: Arc<dyn geolocation::LocationService>,
    pub ui: Arc<dyn ui::UiService>,
    pub device: Arc<dyn device::DeviceService>,
    pub clipboard: Arc<dyn clipboard::ClipboardService>,
    pub share: Arc<dyn share::ShareService>,
    pub haptics: Arc<dyn haptics::HapticsService>,
    pub navigation: Arc<dyn navigation::NavigationService>,
    /// The host's settings page for a mini-program (`settings.openHostSettings`).
    pub settings: Arc<dyn settings::SettingsService>,
    /// The platform keystore for apps' small secrets (`secureStorage`).
    pub keystore: Arc<dyn secure_storage::KeystoreService>,
    /// The platform's biometric prompt (`biometrics`).
    pub biometrics: Arc<dyn biometrics::BiometricService>,
    /// Local notifications and push subscriptions (`notifications`).
    pub notifications: Arc<dyn notifications::NotificationService>,
    /// The host's image picker and code scanner (`media`).
    pub media: Arc<dyn media::MediaService>,
    /// The app's own update check (`updates.check`); the runtime's, over the marketplace, is
    /// [`crate::updates::UpdaterService`].
    pub updates: Arc<dyn updates::UpdateService>,
    pub consent: Arc<dyn consent::ConsentService>,
    /// Name resolution and TLS for outbound `wasi:http` (the policy is the runtime's).
    pub network: Arc<dyn network::NetworkService>,
}

impl std::fmt::Debug for HostServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostServices").finish_non_exhaustive()
    }
}

impl HostServices {
    /// In-memory services: a user `dev-user`, a payment processor that records payments, a fixed
    /// position, a UI that records toasts and picks the first modal button, and consent that
    /// says yes to everything (see [`consent::ScriptedConsent`] to script answers).
    pub fn development() -> Self {
        HostServices {
            identity: Arc::new(auth::DevIdentity::new("dev-user")),
            payment: Arc::new(payment::DevPaymentProcessor::default()),
            location: Arc::new(geolocation::FixedLocation::default()),
            ui: Arc::new(ui::RecordingUi::default()),
            device: Arc::new(device::DevDevice),
            clipboard: Arc::new(clipboard::MemoryClipboard::default()),
            share: Arc::new(share::RecordingShare::default()),
            haptics: Arc::new(haptics::RecordingHaptics::default()),
            navigation: Arc::new(navigation::RecordingNavigator::default()),
            settings: Arc::new(settings::RecordingSettings::default()),
            keystore: Arc::new(secure_storage::MemoryKeystore::default()),
            biometrics: Arc::new(biometrics::ScriptedBiometrics::default()),
            notifications: Arc::new(notifications::RecordingNotifications::default()),
            media: Arc::new(media::ScriptedMedia::default()),
            updates: Arc::new(updates::NoMarketplace),
            consent: Arc::new(consent::ScriptedConsent::allow_all()),
            network: Arc::new(network::SystemNetwork),
        }
    }
}

impl HostServices {
    /// The services keyed by type, as capabilities take them ([`AppContext::service`]).
    pub(crate) fn into_map(self) -> crate::state::ServiceMap {
        let mut map = crate::state::ServiceMap::default();
        map.insert(self.identity);
        map.insert(self.payment);
        map.insert(self.location);
        map.insert(self.ui);
        map.insert(self.device);
        map.insert(self.clipboard);
        map.insert(self.share);
        map.insert(self.haptics);
        map.insert(self.navigation);
        map.insert(self.settings);
        map.insert(self.keystore);
        map.insert(self.biometrics);
        map.insert(self.notifications);
        map.insert(self.media);
        map.insert(self.updates);
        map.insert(self.consent);
        map.insert(self.network);
        map
    }
}

/// The JSON entry: routes a method to its capability's JSON function. Grant checks happen inside,
/// in the same `bridge_call` the component path uses.
pub(crate) async fn dispatch_json(
    ctx: &AppContext,
    method: Method,
    p: Value,
) -> Result<Value, BridgeError> {
    (capability(method.interface()).json)(ctx, method, p).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_map_to_permissions() {
        assert_eq!(
            permission_for_import("miniapp:bridge/payment@0.1.0"),
            Some(Permission::Payment)
        );
        assert_eq!(
            permission_for_import("miniapp:bridge/geolocation@0.1.0"),
            Some(Permission::Location)
        );
        assert_eq!(
            permission_for_import("miniapp:bridge/secure-storage@0.1.0"),
            Some(Permission::Storage)
        );
        assert_eq!(permission_for_import("miniapp:bridge/settings@0.1.0"), None);
        assert_eq!(permission_for_import("miniapp:bridge/log@0.1.0"), None);
        assert_eq!(permission_for_import("miniapp:bridge/types@0.1.0"), None);
        assert_eq!(permission_for_import("wasi:cli/stdout@0.2.6"), None);
        assert_eq!(
            permission_for_import("wasi:http/outgoing-handler@0.2.6"),
            Some(Permission::Network)
        );
    }

    #[test]
    fn the_registry_serves_every_interface_in_order() {
        for (i, cap) in Interface::ALL.into_iter().zip(&REGISTRY) {
            assert_eq!(cap.interface, i);
            assert_eq!(capability(i).interface, i);
        }
        for p in Permission::ALL {
            let linked = REGISTRY.iter().any(|c| c.interface.permission() == Some(p));
            assert_eq!(linked, p != Permission::Network, "{p}");
        }
    }
}
