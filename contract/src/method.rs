//! The bridge's interfaces and methods: one table, read by the runtime's dispatcher, the
//! package's import check, the SDKs and the generated JS protocol files.

use std::fmt;

use crate::Permission;

/// The WIT package every bridge interface lives in.
pub const WIT_PACKAGE: &str = "miniapp:bridge";

/// One bridge interface (one WIT file, one capability). `network` is not among them: it is the
/// standard `wasi:http` (components) or `fetch` (web pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Interface {
    Storage,
    Auth,
    Payment,
    Geolocation,
    Ui,
    Device,
    Clipboard,
    Share,
    Haptics,
    Navigation,
    Settings,
    SecureStorage,
    Files,
    Biometrics,
    Notifications,
    Media,
    Updates,
    Performance,
    Log,
}

impl Interface {
    /// Every interface, in a stable order.
    pub const ALL: [Interface; 19] = [
        Interface::Storage,
        Interface::Auth,
        Interface::Payment,
        Interface::Geolocation,
        Interface::Ui,
        Interface::Device,
        Interface::Clipboard,
        Interface::Share,
        Interface::Haptics,
        Interface::Navigation,
        Interface::Settings,
        Interface::SecureStorage,
        Interface::Files,
        Interface::Biometrics,
        Interface::Notifications,
        Interface::Media,
        Interface::Updates,
        Interface::Performance,
        Interface::Log,
    ];

    /// The JSON methods' prefix (`geolocation`, `secureStorage`); the WIT name is
    /// [`Interface::wit_ident`], the same in kebab case.
    pub const fn name(self) -> &'static str {
        match self {
            Interface::Storage => "storage",
            Interface::Auth => "auth",
            Interface::Payment => "payment",
            Interface::Geolocation => "geolocation",
            Interface::Ui => "ui",
            Interface::Device => "device",
            Interface::Clipboard => "clipboard",
            Interface::Share => "share",
            Interface::Haptics => "haptics",
            Interface::Navigation => "navigation",
            Interface::Settings => "settings",
            Interface::SecureStorage => "secureStorage",
            Interface::Files => "files",
            Interface::Biometrics => "biometrics",
            Interface::Notifications => "notifications",
            Interface::Media => "media",
            Interface::Updates => "updates",
            Interface::Performance => "performance",
            Interface::Log => "log",
        }
    }

    /// The WIT interface name: [`Interface::name`] in kebab case (`secure-storage`).
    pub const fn wit_ident(self) -> &'static str {
        match self {
            Interface::SecureStorage => "secure-storage",
            other => other.name(),
        }
    }

    /// The permission that grants it; `None` for `log`, `settings`, `updates` and `performance`,
    /// which every app may use: they only report about (and ask for) the app itself.
    pub const fn permission(self) -> Option<Permission> {
        Some(match self {
            // The app's own secrets in the host's keystore: its own data, like storage.
            // Files count against the same per-app quota as storage.
            Interface::Storage | Interface::SecureStorage | Interface::Files => Permission::Storage,
            Interface::Auth => Permission::Auth,
            Interface::Payment => Permission::Payment,
            Interface::Geolocation => Permission::Location,
            Interface::Ui => Permission::Ui,
            Interface::Device => Permission::Device,
            Interface::Clipboard => Permission::Clipboard,
            Interface::Share => Permission::Share,
            Interface::Haptics => Permission::Haptics,
            Interface::Navigation => Permission::Navigation,
            Interface::Biometrics => Permission::Biometrics,
            Interface::Notifications => Permission::Notifications,
            Interface::Media => Permission::Camera,
            Interface::Settings | Interface::Updates | Interface::Performance | Interface::Log => {
                return None;
            }
        })
    }

    /// The first interface a permission grants (`storage` grants `secureStorage` too); `None`
    /// for `network`.
    pub fn for_permission(p: Permission) -> Option<Interface> {
        Interface::ALL
            .into_iter()
            .find(|i| i.permission() == Some(p))
    }

    /// The WIT import name without version: `miniapp:bridge/geolocation`.
    pub fn wit_name(self) -> String {
        format!("{WIT_PACKAGE}/{}", self.wit_ident())
    }

    /// Its methods, in table order.
    pub fn methods(self) -> impl Iterator<Item = Method> {
        Method::ALL
            .iter()
            .copied()
            .filter(move |m| m.interface() == self)
    }
}

impl fmt::Display for Interface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Declares every bridge method once: variant, wire name, interface, and the TypeScript types of
/// its JSON params and result (the generated `protocol.d.ts` carries them).
macro_rules! methods {
    ($($variant:ident => $name:literal, $iface:ident, $params:literal -> $result:literal;)*) => {
        /// A bridge method. The name is the JSON-bridge method name (`"storage.set"`); the WIT
        /// function is the same name in kebab case in the interface's file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Method { $($variant,)* }

        impl Method {
            pub const ALL: &'static [Method] = &[$(Method::$variant,)*];

            pub const fn name(self) -> &'static str {
                match self { $(Method::$variant => $name,)* }
            }

            pub const fn interface(self) -> Interface {
                match self { $(Method::$variant => Interface::$iface,)* }
            }

            pub fn from_name(name: &str) -> Option<Method> {
                match name { $($name => Some(Method::$variant),)* _ => None }
            }

            /// The TypeScript type of the JSON params.
            pub const fn params_ts(self) -> &'static str {
                match self { $(Method::$variant => $params,)* }
            }

            /// The TypeScript type of the JSON result.
            pub const fn result_ts(self) -> &'static str {
                match self { $(Method::$variant => $result,)* }
            }
        }
    };
}

methods! {
    StorageSet => "storage.set", Storage, "{ key: string; value: JsonValue }" -> "null";
    StorageGet => "storage.get", Storage, "{ key: string }" -> "JsonValue";
    StorageRemove => "storage.remove", Storage, "{ key: string }" -> "boolean";
    StorageKeys => "storage.keys", Storage, "Record<string, never>" -> "string[]";
    StorageClear => "storage.clear", Storage, "Record<string, never>" -> "null";
    StorageUsage => "storage.usage", Storage, "Record<string, never>" -> "StorageUsage";
    AuthGetToken => "auth.getToken", Auth, "{ scopes: string[] }" -> "Token";
    AuthLoginCode => "auth.loginCode", Auth, "Record<string, never>" -> "LoginCode";
    AuthProfile => "auth.profile", Auth, "Record<string, never>" -> "UserProfile";
    PaymentPay => "payment.pay", Payment, "PaymentRequest" -> "Receipt";
    PaymentQuery => "payment.query", Payment, "{ orderId: string }" -> "Receipt";
    GeolocationCurrentPosition => "geolocation.currentPosition", Geolocation,
        "Record<string, never>" -> "Position";
    UiToast => "ui.toast", Ui, "{ message: string }" -> "null";
    UiModal => "ui.modal", Ui, "{ title: string; message: string; buttons: string[] }" -> "number";
    UiNavigate => "ui.navigate", Ui, "{ route: string }" -> "null";
    UiSetTitle => "ui.setTitle", Ui, "{ title: string }" -> "null";
    UiActionSheet => "ui.actionSheet", Ui, "{ items: string[] }" -> "number";
    UiShowLoading => "ui.showLoading", Ui, "{ title: string }" -> "null";
    UiHideLoading => "ui.hideLoading", Ui, "Record<string, never>" -> "null";
    UiSetNavigationBarColor => "ui.setNavigationBarColor", Ui,
        "{ frontColor: '#ffffff' | '#000000'; backgroundColor: string }" -> "null";
    UiPickDate => "ui.pickDate", Ui,
        "{ initial: string; start?: string | null; end?: string | null }" -> "string";
    DeviceInfo => "device.info", Device, "Record<string, never>" -> "DeviceInfo";
    DeviceVibrate => "device.vibrate", Device, "{ millis: number }" -> "null";
    DeviceNetworkType => "device.networkType", Device, "Record<string, never>" -> "NetworkType";
    DeviceBattery => "device.battery", Device, "Record<string, never>" -> "BatteryInfo";
    DeviceSetKeepScreenOn => "device.setKeepScreenOn", Device, "{ keepOn: boolean }" -> "null";
    DeviceSystemInfo => "device.systemInfo", Device, "Record<string, never>" -> "SystemInfo";
    ClipboardReadText => "clipboard.readText", Clipboard, "Record<string, never>" -> "string | null";
    ClipboardWriteText => "clipboard.writeText", Clipboard, "{ text: string }" -> "null";
    ShareShare => "share.share", Share, "{ text: string; url?: string }" -> "null";
    HapticsVibrateShort => "haptics.vibrateShort", Haptics,
        "{ style: 'light' | 'medium' | 'heavy' }" -> "null";
    HapticsVibrateLong => "haptics.vibrateLong", Haptics, "Record<string, never>" -> "null";
    HapticsNotify => "haptics.notify", Haptics,
        "{ kind: 'success' | 'warning' | 'error' }" -> "null";
    HapticsSelectionChanged => "haptics.selectionChanged", Haptics,
        "Record<string, never>" -> "null";
    NavigationOpenMiniProgram => "navigation.openMiniProgram", Navigation,
        "{ appId: string; path?: string | null; extraData?: string | null }" -> "null";
    NavigationOpenUrl => "navigation.openUrl", Navigation, "{ url: string }" -> "null";
    NavigationExit => "navigation.exit", Navigation, "Record<string, never>" -> "null";
    SettingsPermissions => "settings.permissions", Settings,
        "Record<string, never>" -> "PermissionStatus[]";
    SettingsRequest => "settings.request", Settings, "{ permission: Permission }" -> "PermissionStatus";
    SettingsOpenHostSettings => "settings.openHostSettings", Settings,
        "Record<string, never>" -> "null";
    SecureStorageSet => "secureStorage.set", SecureStorage, "{ key: string; value: string }" -> "null";
    SecureStorageGet => "secureStorage.get", SecureStorage, "{ key: string }" -> "string | null";
    SecureStorageRemove => "secureStorage.remove", SecureStorage, "{ key: string }" -> "boolean";
    FilesWrite => "files.write", Files, "{ path: string; data: string }" -> "null";
    FilesRead => "files.read", Files, "{ path: string }" -> "string";
    FilesList => "files.list", Files, "{ dir: string }" -> "FileInfo[]";
    FilesStat => "files.stat", Files, "{ path: string }" -> "FileInfo";
    FilesRemove => "files.remove", Files, "{ path: string }" -> "boolean";
    BiometricsAuthenticate => "biometrics.authenticate", Biometrics, "{ reason: string }" -> "null";
    NotificationsRequestPermission => "notifications.requestPermission", Notifications,
        "Record<string, never>" -> "boolean";
    NotificationsSchedule => "notifications.schedule", Notifications,
        "{ id: string; title: string; body: string; at: number }" -> "null";
    NotificationsSubscribe => "notifications.subscribe", Notifications, "{ topic: string }" -> "null";
    MediaChooseImage => "media.chooseImage", Media,
        "{ source?: ImageSource; maxBytes?: number }" -> "ChosenImage";
    MediaScanCode => "media.scanCode", Media, "Record<string, never>" -> "ScannedCode";
    UpdatesStatus => "updates.status", Updates, "Record<string, never>" -> "UpdateStatus";
    UpdatesCheck => "updates.check", Updates, "Record<string, never>" -> "UpdateStatus";
    PerformanceMetrics => "performance.metrics", Performance,
        "Record<string, never>" -> "PerformanceMetrics";
    LogLog => "log.log", Log, "{ level: LogLevel; message: string }" -> "null";
}

impl Method {
    /// The permission a call needs; `None` for always-granted methods (log).
    pub const fn permission(self) -> Option<Permission> {
        self.interface().permission()
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_is_prefixed_by_its_interface_and_round_trips() {
        for m in Method::ALL {
            let (prefix, function) = m.name().split_once('.').expect("interface.function");
            assert_eq!(prefix, m.interface().name(), "{m}");
            assert!(function.chars().all(|c| c.is_ascii_alphanumeric()), "{m}");
            assert_eq!(Method::from_name(m.name()), Some(*m));
        }
        assert_eq!(Method::from_name("storage.nope"), None);
    }

    #[test]
    fn every_permission_but_network_grants_one_interface() {
        for p in Permission::ALL {
            let i = Interface::for_permission(p);
            assert_eq!(i.is_some(), p != Permission::Network, "{p}");
            if let Some(i) = i {
                assert_eq!(i.permission(), Some(p));
                assert!(i.methods().next().is_some(), "{i} has no method");
            }
        }
        assert_eq!(Interface::Log.permission(), None);
        assert_eq!(Interface::Settings.permission(), None);
        assert_eq!(
            Interface::Geolocation.wit_name(),
            "miniapp:bridge/geolocation"
        );
        assert_eq!(
            Interface::SecureStorage.wit_name(),
            "miniapp:bridge/secure-storage"
        );
        for i in Interface::ALL {
            let kebab: String = i
                .name()
                .chars()
                .flat_map(|c| {
                    let lower = c.to_ascii_lowercase();
                    (c.is_ascii_uppercase().then_some('-').into_iter()).chain([lower])
                })
                .collect();
            assert_eq!(i.wit_ident(), kebab, "{i}");
        }
    }
}
