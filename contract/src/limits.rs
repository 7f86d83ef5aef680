//! The host's limits, in UTF-8 bytes unless said otherwise. The runtime enforces them, the mocks
//! apply them, the WIT docs and the JS SDK quote them (`LIMITS` in the generated protocol.js).

/// Storage key: 1 to this many bytes.
pub const STORAGE_KEY_BYTES: usize = 1024;
/// Storage value: at most this many bytes.
pub const STORAGE_VALUE_BYTES: usize = 1024 * 1024;
/// Storage quota per app unless the host configures another.
pub const DEFAULT_QUOTA_BYTES: u64 = 10 * 1024 * 1024;
/// What each stored entry costs beyond its key and value (the host's record header).
pub const STORAGE_ENTRY_OVERHEAD_BYTES: u64 = 10;

/// The one quota rule: what an entry counts against the storage quota. The host and both mocks
/// count with this function, so an app near its quota fails in its tests where it would fail on
/// the host.
pub const fn storage_entry_bytes(key_len: usize, value_len: usize) -> u64 {
    STORAGE_ENTRY_OVERHEAD_BYTES + key_len as u64 + value_len as u64
}

/// Payment order id: 1 to this many bytes.
pub const ORDER_ID_BYTES: usize = 128;
/// Toast text: 1 to this many bytes.
pub const TOAST_BYTES: usize = 500;
/// Modal buttons: this many at least.
pub const MODAL_BUTTONS_MIN: usize = 1;
/// Modal buttons: this many at most.
pub const MODAL_BUTTONS_MAX: usize = 4;
/// Title text: at most this many bytes.
pub const TITLE_BYTES: usize = 100;
/// Longest vibration, in milliseconds.
pub const VIBRATE_MILLIS_MAX: u32 = 1000;
/// Clipboard text: at most this many bytes.
pub const CLIPBOARD_TEXT_BYTES: usize = 64 * 1024;
/// Log message: longer ones are cut to this many bytes (on a character boundary).
pub const LOG_MESSAGE_BYTES: usize = 4096;
/// Guest log lines kept per app and second; the rest are counted as dropped.
pub const LOG_LINES_PER_SECOND: u32 = 200;
/// Lifetime of an `auth` token, in seconds.
pub const TOKEN_LIFETIME_SECONDS: u64 = 15 * 60;

/// Every limit a web page sees, by its JS name (`LIMITS` in protocol.js), in a stable order.
pub const WEB_LIMITS: [(&str, u64); 13] = [
    ("storageKeyBytes", STORAGE_KEY_BYTES as u64),
    ("storageValueBytes", STORAGE_VALUE_BYTES as u64),
    ("defaultQuotaBytes", DEFAULT_QUOTA_BYTES),
    ("storageEntryOverheadBytes", STORAGE_ENTRY_OVERHEAD_BYTES),
    ("orderIdBytes", ORDER_ID_BYTES as u64),
    ("toastBytes", TOAST_BYTES as u64),
    ("modalButtonsMin", MODAL_BUTTONS_MIN as u64),
    ("modalButtonsMax", MODAL_BUTTONS_MAX as u64),
    ("titleBytes", TITLE_BYTES as u64),
    ("vibrateMillisMax", VIBRATE_MILLIS_MAX as u64),
    ("clipboardTextBytes", CLIPBOARD_TEXT_BYTES as u64),
    ("logMessageBytes", LOG_MESSAGE_BYTES as u64),
    ("tokenLifetimeSeconds", TOKEN_LIFETIME_SECONDS),
];

/// `s` cut to at most `max` bytes on a character boundary.
pub fn truncate_utf8(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_on_character_boundaries() {
        assert_eq!(truncate_utf8("héllo", 2), "h");
        assert_eq!(truncate_utf8("héllo", 3), "hé");
        assert_eq!(truncate_utf8("hi", 10), "hi");
    }

    #[test]
    fn an_entry_costs_its_key_value_and_header() {
        assert_eq!(storage_entry_bytes(1, 0), 11);
        assert_eq!(storage_entry_bytes(3, 5), 18);
    }
}
